// Kinds the control plane serves without a published schema (StatefulSet, Job, Node, ...), described only by
// the fields whose Go tags change how they merge: the strategic-merge-patch and server-side-apply code reads
// these exactly as it reads the full schemas. They stay out of the /openapi/v3 documents on purpose: an
// incomplete schema there would make kubectl compute patches and `kubectl explain` from it, where without one
// kubectl uses the Go types compiled into it, which these schemas agree with.
import { APPS, CORE, list, META, obj, ref, type Schema, strMap } from '../schema-kit.js';

const BATCH = 'io.k8s.api.batch.v1';
const AUTOSCALING = 'io.k8s.api.autoscaling.v2';
const POLICY = 'io.k8s.api.policy.v1';

/** A kind's schema: just its group-version-kind tag, metadata, and the fields that carry merge metadata. */
function mergeOnlyKind(
  group: string,
  version: string,
  kind: string,
  properties: Record<string, Schema>,
): Schema {
  return {
    type: 'object',
    properties: { metadata: ref(`${META}.ObjectMeta`), ...properties },
    'x-kubernetes-group-version-kind': [{ group, kind, version }],
  };
}

/** `status.conditions`, merged by type (`patchMergeKey:"type"`, `+listType=map`, `+listMapKey=type`). */
const withConditions = (): Schema => obj({ conditions: list(obj({}), undefined, { key: 'type' }) });

/** A workload spec: a label selector (atomic) and a pod template. */
const workloadSpec = (): Schema =>
  obj({ selector: ref(`${META}.LabelSelector`), template: ref(`${CORE}.PodTemplateSpec`) });

export const MERGE_ONLY_SCHEMAS: Record<string, Schema> = {
  [`${CORE}.PodTemplate`]: mergeOnlyKind('', 'v1', 'PodTemplate', {
    template: ref(`${CORE}.PodTemplateSpec`),
  }),
  [`${CORE}.ReplicationController`]: mergeOnlyKind('', 'v1', 'ReplicationController', {
    spec: obj({
      selector: strMap(undefined, { 'x-kubernetes-map-type': 'atomic' }),
      template: ref(`${CORE}.PodTemplateSpec`),
    }),
    status: withConditions(),
  }),
  [`${CORE}.Node`]: mergeOnlyKind('', 'v1', 'Node', {
    spec: obj({
      podCIDRs: {
        type: 'array',
        items: { type: 'string' },
        'x-kubernetes-list-type': 'set',
        'x-kubernetes-patch-strategy': 'merge',
      },
    }),
    status: obj({
      addresses: list(obj({}), undefined, { key: 'type' }),
      conditions: list(obj({}), undefined, { key: 'type' }),
    }),
  }),
  [`${CORE}.PersistentVolumeClaim`]: mergeOnlyKind('', 'v1', 'PersistentVolumeClaim', {
    status: withConditions(),
  }),
  [`${APPS}.StatefulSet`]: mergeOnlyKind('apps', 'v1', 'StatefulSet', {
    spec: workloadSpec(),
    status: withConditions(),
  }),
  [`${APPS}.DaemonSet`]: mergeOnlyKind('apps', 'v1', 'DaemonSet', {
    spec: workloadSpec(),
    status: withConditions(),
  }),
  [`${BATCH}.Job`]: mergeOnlyKind('batch', 'v1', 'Job', {
    spec: ref(`${BATCH}.JobSpec`),
    // JobStatus.conditions is `+listType=atomic` for server-side apply, yet merged by type in a patch.
    status: obj({ conditions: list(obj({}), undefined, { key: 'type', listType: 'atomic' }) }),
  }),
  [`${BATCH}.JobSpec`]: workloadSpec(),
  [`${BATCH}.CronJob`]: mergeOnlyKind('batch', 'v1', 'CronJob', {
    spec: obj({
      jobTemplate: obj({ metadata: ref(`${META}.ObjectMeta`), spec: ref(`${BATCH}.JobSpec`) }),
    }),
  }),
  [`${AUTOSCALING}.HorizontalPodAutoscaler`]: mergeOnlyKind('autoscaling', 'v2', 'HorizontalPodAutoscaler', {
    status: withConditions(),
  }),
  [`${POLICY}.PodDisruptionBudget`]: mergeOnlyKind('policy', 'v1', 'PodDisruptionBudget', {
    status: withConditions(),
  }),
};
