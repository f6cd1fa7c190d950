// ReplicaSets of local pods (startLocalCluster's localPods): the ReplicaSet creates the Pods its template
// asks for (`<replicaset>-<5 random>`, template labels including pod-template-hash, a controller
// ownerReference), deletes the extra ones (not ready first) and reports in its status the pods that exist
// (replicas, fullyLabeledReplicas) and those whose Ready condition is True (readyReplicas,
// availableReplicas; minReadySeconds is not waited for). A deleted or finished pod is replaced.
import type { JsonObject } from '../resource-type.js';
import type { Entry } from '../store/entry.js';
import { deepEqual, isObject, metadataOf } from '../util/json.js';
import { type ControllerContext, servedFor, settle } from './controller.js';

const PODS = 'pods';
const REPLICASETS = 'replicasets.apps';

function objectAt(parent: JsonObject, key: string): JsonObject {
  const value = parent[key];
  return isObject(value) ? value : {};
}

function controllerUid(obj: JsonObject): string | undefined {
  const refs = metadataOf(obj).ownerReferences;
  const ref = Array.isArray(refs) ? refs.find((r) => isObject(r) && r.controller === true) : undefined;
  return isObject(ref) && typeof ref.uid === 'string' ? ref.uid : undefined;
}

function isReady(pod: JsonObject): boolean {
  const conditions = objectAt(pod, 'status').conditions;
  return (
    Array.isArray(conditions) &&
    conditions.some((c) => isObject(c) && c.type === 'Ready' && c.status === 'True')
  );
}

function isActive(pod: JsonObject): boolean {
  const phase = objectAt(pod, 'status').phase;
  return metadataOf(pod).deletionTimestamp === undefined && phase !== 'Succeeded' && phase !== 'Failed';
}

/** The ReplicaSet controlling a pod, if any. */
export function ownerOfPod(
  ctx: ControllerContext,
  pod: Entry,
): { namespace: string; name: string } | undefined {
  for (const uid of pod.owners) {
    const owner = ctx.api.db.store.byUid(uid);
    if (owner?.resource === REPLICASETS) return owner;
  }
  return undefined;
}

function newPod(rs: JsonObject): JsonObject {
  const meta = metadataOf(rs);
  const template = objectAt(objectAt(rs, 'spec'), 'template');
  const templateMeta = objectAt(template, 'metadata');
  const spec = structuredClone(objectAt(template, 'spec'));
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${String(meta.name)}-`,
      namespace: meta.namespace,
      labels: structuredClone(objectAt(templateMeta, 'labels')),
      ...(isObject(templateMeta.annotations)
        ? { annotations: structuredClone(templateMeta.annotations) }
        : {}),
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: meta.name,
          uid: meta.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec,
  };
}

/**
 * Creates or deletes pods toward spec.replicas and writes the counted status; false (nothing done) when
 * local pods are off or the template uses an image that is not local.
 */
export function syncLocalPods(ctx: ControllerContext, entry: Entry, rs: JsonObject): boolean {
  const runner = ctx.localPods;
  const spec = objectAt(rs, 'spec');
  if (!runner?.runsHere(objectAt(objectAt(spec, 'template'), 'spec'))) return false;
  const store = ctx.api.db.store;
  const podsServed = servedFor(ctx, PODS);
  const rsServed = servedFor(ctx, REPLICASETS);
  if (!podsServed || !rsServed) return true;
  const pods = store
    .dependentsOf(entry.uid)
    .filter((k) => k.resource === PODS)
    .map((k) => store.get(PODS, k.namespace, k.name)?.object())
    .filter((p): p is JsonObject => p !== undefined && controllerUid(p) === entry.uid && isActive(p));
  const wanted = typeof spec.replicas === 'number' ? spec.replicas : 1;
  const deleting = metadataOf(rs).deletionTimestamp !== undefined;
  if (!deleting) {
    for (let i = pods.length; i < wanted; i++) {
      const result = ctx.api.create(podsServed, entry.namespace, newPod(rs), { internal: true });
      settle(ctx, result);
      if (result.entry) pods.push(result.entry.object());
    }
    const extra = pods.length - wanted;
    if (extra > 0) {
      const byReadiness = [...pods].sort((a, b) => Number(isReady(a)) - Number(isReady(b)));
      for (const pod of byReadiness.slice(0, extra)) {
        settle(ctx, ctx.api.delete(podsServed, entry.namespace, String(metadataOf(pod).name)));
        pods.splice(pods.indexOf(pod), 1);
      }
    }
  }
  const ready = pods.filter(isReady).length;
  const status: JsonObject = { replicas: pods.length };
  if (pods.length > 0) status.fullyLabeledReplicas = pods.length;
  if (ready > 0) {
    status.readyReplicas = ready;
    status.availableReplicas = ready;
  }
  status.observedGeneration = metadataOf(rs).generation ?? 1;
  if (deepEqual(rs.status, status)) return true;
  rs.status = status;
  settle(
    ctx,
    ctx.api.update(rsServed, entry.namespace, entry.name, rs, { internal: true, subresource: 'status' }),
  );
  return true;
}
