// List and map semantics of the built-in kinds the embedded control plane serves, transcribed
// from the Go tags of k8s.io/api (`patchStrategy`, `patchMergeKey`, `+listType`, `+listMapKey`,
// `+structType`, `+mapType`). Fields not listed behave as untagged Go fields: maps merge, lists
// are replaced whole (strategic merge patch) or atomic (server-side apply).
import { type ListKeyLookup, OBJECT_META, UNKNOWN_KIND } from './schema.js';

/** A list merged by one key in both worlds: `patchMergeKey` and `+listMapKey`. */
function keyedList(key: string, items?: ListKeyLookup): ListKeyLookup {
  return {
    listType: 'map',
    listMapKeys: [key],
    patchStrategy: 'merge',
    patchMergeKey: key,
    ...(items && { items }),
  };
}

const STRING_MAP: ListKeyLookup = { additionalProperties: {} };
const ATOMIC_MAP: ListKeyLookup = { additionalProperties: {}, mapType: 'atomic' };
/** metav1.LabelSelector is `+structType=atomic`: applied and owned as a whole. */
const LABEL_SELECTOR: ListKeyLookup = { mapType: 'atomic' };
const CONDITIONS = keyedList('type');
const WITH_CONDITIONS: ListKeyLookup = { fields: { conditions: CONDITIONS } };

const CONTAINER: ListKeyLookup = {
  fields: {
    ports: {
      listType: 'map',
      listMapKeys: ['containerPort', 'protocol'],
      listMapKeyDefaults: { protocol: 'TCP' },
      patchStrategy: 'merge',
      patchMergeKey: 'containerPort',
    },
    env: keyedList('name'),
    volumeMounts: keyedList('mountPath'),
    volumeDevices: keyedList('devicePath'),
    resources: { fields: { limits: STRING_MAP, requests: STRING_MAP } },
  },
};

const POD_SPEC: ListKeyLookup = {
  fields: {
    volumes: { ...keyedList('name'), patchStrategy: 'merge,retainKeys' },
    initContainers: keyedList('name', CONTAINER),
    containers: keyedList('name', CONTAINER),
    ephemeralContainers: keyedList('name', CONTAINER),
    imagePullSecrets: keyedList('name'),
    hostAliases: keyedList('ip'),
    topologySpreadConstraints: {
      listType: 'map',
      listMapKeys: ['topologyKey', 'whenUnsatisfiable'],
      patchStrategy: 'merge',
      patchMergeKey: 'topologyKey',
    },
    schedulingGates: keyedList('name'),
    resourceClaims: { ...keyedList('name'), patchStrategy: 'merge,retainKeys' },
    nodeSelector: ATOMIC_MAP,
  },
};

const POD_TEMPLATE: ListKeyLookup = { fields: { metadata: OBJECT_META, spec: POD_SPEC } };

function kind(fields: Record<string, ListKeyLookup>): ListKeyLookup {
  return { fields: { metadata: OBJECT_META, ...fields } };
}

const JOB_SPEC: ListKeyLookup = { fields: { selector: LABEL_SELECTOR, template: POD_TEMPLATE } };

/** The schema of each built-in kind, by kind. */
export const BUILTIN_LIST_KEYS: Readonly<Record<string, ListKeyLookup>> = {
  Pod: kind({ spec: POD_SPEC, status: WITH_CONDITIONS }),
  PodTemplate: kind({ template: POD_TEMPLATE }),
  ReplicationController: kind({
    spec: { fields: { selector: ATOMIC_MAP, template: POD_TEMPLATE } },
    status: WITH_CONDITIONS,
  }),
  Deployment: kind({
    spec: {
      fields: { selector: LABEL_SELECTOR, template: POD_TEMPLATE, strategy: { patchStrategy: 'retainKeys' } },
    },
    status: WITH_CONDITIONS,
  }),
  ReplicaSet: kind({
    spec: { fields: { selector: LABEL_SELECTOR, template: POD_TEMPLATE } },
    status: WITH_CONDITIONS,
  }),
  StatefulSet: kind({
    spec: { fields: { selector: LABEL_SELECTOR, template: POD_TEMPLATE } },
    status: WITH_CONDITIONS,
  }),
  DaemonSet: kind({
    spec: { fields: { selector: LABEL_SELECTOR, template: POD_TEMPLATE } },
    status: WITH_CONDITIONS,
  }),
  Job: kind({
    spec: JOB_SPEC,
    status: { fields: { conditions: { listType: 'atomic', patchStrategy: 'merge', patchMergeKey: 'type' } } },
  }),
  CronJob: kind({ spec: { fields: { jobTemplate: { fields: { metadata: OBJECT_META, spec: JOB_SPEC } } } } }),
  Service: kind({
    spec: {
      fields: {
        ports: {
          listType: 'map',
          listMapKeys: ['port', 'protocol'],
          listMapKeyDefaults: { protocol: 'TCP' },
          patchStrategy: 'merge',
          patchMergeKey: 'port',
        },
        selector: ATOMIC_MAP,
      },
    },
    status: WITH_CONDITIONS,
  }),
  Namespace: kind({ status: WITH_CONDITIONS }),
  Node: kind({
    spec: { fields: { podCIDRs: { listType: 'set', patchStrategy: 'merge' } } },
    status: {
      fields: { conditions: CONDITIONS, addresses: { patchStrategy: 'merge', patchMergeKey: 'type' } },
    },
  }),
  PersistentVolumeClaim: kind({ status: WITH_CONDITIONS }),
  ServiceAccount: kind({ secrets: keyedList('name', { mapType: 'atomic' }) }),
  ConfigMap: kind({ data: STRING_MAP, binaryData: STRING_MAP }),
  Secret: kind({ data: STRING_MAP, stringData: STRING_MAP }),
  CustomResourceDefinition: kind({ status: WITH_CONDITIONS }),
  HorizontalPodAutoscaler: kind({ status: WITH_CONDITIONS }),
  PodDisruptionBudget: kind({ status: WITH_CONDITIONS }),
};

/** The schema of a built-in kind; a kind not in the table is known only by its metadata. */
export function listKeysForKind(kindName: string): ListKeyLookup {
  return Object.hasOwn(BUILTIN_LIST_KEYS, kindName)
    ? (BUILTIN_LIST_KEYS[kindName] as ListKeyLookup)
    : UNKNOWN_KIND;
}
