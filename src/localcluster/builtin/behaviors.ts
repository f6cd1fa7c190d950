// Per-kind write rules of the built-in kinds (what kube-apiserver's strategies do that clients notice).

import type { StatusCause } from '../errors.js';
import { badRequest } from '../errors.js';
import type { JsonObject } from '../resource-type.js';
import { type Behavior, DEFAULT_BEHAVIOR } from '../rest/behavior.js';
import { isObject, jsonTypeOf, metadataOf } from '../util/json.js';

function withGeneration(extra: Partial<Behavior> = {}): Behavior {
  return { ...DEFAULT_BEHAVIOR, generation: true, ...extra };
}

function ensureObject(parent: JsonObject, key: string): JsonObject {
  const value = parent[key];
  if (isObject(value)) return value;
  const created: JsonObject = {};
  parent[key] = created;
  return created;
}

const namespace: Behavior = {
  ...DEFAULT_BEHAVIOR,
  nameRule: 'label',
  returnDeletedObject: true,
  prepareCreate(obj) {
    const spec = ensureObject(obj, 'spec');
    spec.finalizers = ['kubernetes'];
    obj.status = { phase: 'Active' };
    const labels = ensureObject(metadataOf(obj), 'labels');
    labels['kubernetes.io/metadata.name'] = metadataOf(obj).name;
  },
  prepareUpdate(obj, old) {
    // spec.finalizers belongs to the /finalize subresource.
    obj.spec = old.spec;
    const labels = ensureObject(metadataOf(obj), 'labels');
    labels['kubernetes.io/metadata.name'] = metadataOf(obj).name;
  },
};

const secret: Behavior = {
  ...DEFAULT_BEHAVIOR,
  prepareCreate: normalizeSecret,
  prepareUpdate: normalizeSecret,
};

function normalizeSecret(obj: JsonObject): void {
  if (typeof obj.type !== 'string' || obj.type === '') obj.type = 'Opaque';
  if (isObject(obj.stringData)) {
    const data = ensureObject(obj, 'data');
    for (const [key, value] of Object.entries(obj.stringData)) {
      if (value !== null && typeof value !== 'string') {
        throw badRequest(
          `Secret in version "v1" cannot be handled as a Secret: json: cannot unmarshal ${jsonTypeOf(value)} into Go struct field Secret.stringData of type string`,
        );
      }
      data[key] = Buffer.from(value ?? '', 'utf8').toString('base64');
    }
  }
  delete obj.stringData;
}

const service: Behavior = {
  ...DEFAULT_BEHAVIOR,
  nameRule: 'label',
  returnDeletedObject: true,
  prepareCreate(obj, ctx) {
    const spec = ensureObject(obj, 'spec');
    defaultService(spec);
    if (spec.type !== 'ExternalName' && (spec.clusterIP === undefined || spec.clusterIP === '')) {
      spec.clusterIP = ctx.allocateClusterIP();
    }
    if (typeof spec.clusterIP === 'string' && spec.clusterIP !== '') spec.clusterIPs = [spec.clusterIP];
    obj.status = { loadBalancer: {} };
  },
  prepareUpdate(obj, old) {
    const spec = ensureObject(obj, 'spec');
    const oldSpec = isObject(old.spec) ? old.spec : {};
    // The allocated IP stays when a client leaves it out (kube-apiserver's patchAllocatedValues).
    if ((spec.clusterIP === undefined || spec.clusterIP === '') && oldSpec.clusterIP !== undefined) {
      spec.clusterIP = oldSpec.clusterIP;
      if (oldSpec.clusterIPs !== undefined) spec.clusterIPs = oldSpec.clusterIPs;
    }
    defaultService(spec);
  },
};

function defaultService(spec: JsonObject): void {
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  if (spec.type !== 'ExternalName') {
    spec.ipFamilies ??= ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
    spec.internalTrafficPolicy ??= 'Cluster';
  }
  if (Array.isArray(spec.ports)) {
    for (const port of spec.ports) {
      if (!isObject(port)) continue;
      port.protocol ??= 'TCP';
      port.targetPort ??= port.port;
    }
  }
}

const pod: Behavior = {
  ...DEFAULT_BEHAVIOR,
  returnDeletedObject: true,
  prepareCreate(obj) {
    obj.status = { phase: 'Pending', qosClass: 'BestEffort' };
  },
};

function selectorCauses(obj: JsonObject): StatusCause[] {
  const spec = isObject(obj.spec) ? obj.spec : {};
  const selector = spec.selector;
  if (!isObject(selector)) {
    return [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.selector' }];
  }
  const matchLabels = isObject(selector.matchLabels) ? selector.matchLabels : {};
  const template = isObject(spec.template) ? spec.template : {};
  const labels =
    isObject(template.metadata) && isObject(template.metadata.labels) ? template.metadata.labels : {};
  for (const [key, value] of Object.entries(matchLabels)) {
    if (labels[key] !== value) {
      return [
        {
          reason: 'FieldValueInvalid',
          message: `Invalid value: ${JSON.stringify(labels)}: \`selector\` does not match template \`labels\``,
          field: 'spec.template.metadata.labels',
        },
      ];
    }
  }
  return [];
}

function workload(defaults: (spec: JsonObject) => void): Behavior {
  const prepare = (obj: JsonObject) => defaults(ensureObject(obj, 'spec'));
  return withGeneration({
    prepareCreate: prepare,
    prepareUpdate: prepare,
    admit: (obj) => ({ object: obj, causes: selectorCauses(obj), unknownFields: [] }),
  });
}

const deployment = workload((spec) => {
  spec.replicas ??= 1;
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  const strategy = ensureObject(spec, 'strategy');
  strategy.type ??= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const rolling = ensureObject(strategy, 'rollingUpdate');
    rolling.maxUnavailable ??= '25%';
    rolling.maxSurge ??= '25%';
  }
});

const replicaSet = workload((spec) => {
  spec.replicas ??= 1;
});

const statefulSet = workload((spec) => {
  spec.replicas ??= 1;
  spec.podManagementPolicy ??= 'OrderedReady';
  spec.revisionHistoryLimit ??= 10;
});

const rbac: Behavior = { ...DEFAULT_BEHAVIOR, nameRule: 'path-segment' };
const createOnUpdate: Behavior = { ...DEFAULT_BEHAVIOR, allowCreateOnUpdate: true };

/** Behaviors by storage key; kinds not listed use DEFAULT_BEHAVIOR. */
export const BUILTIN_BEHAVIORS: Readonly<Record<string, Behavior>> = {
  namespaces: namespace,
  secrets: secret,
  services: service,
  pods: pod,
  events: createOnUpdate,
  'leases.coordination.k8s.io': createOnUpdate,
  'deployments.apps': deployment,
  'replicasets.apps': replicaSet,
  'statefulsets.apps': statefulSet,
  'daemonsets.apps': withGeneration(),
  'jobs.batch': withGeneration(),
  'cronjobs.batch': withGeneration(),
  'poddisruptionbudgets.policy': withGeneration(),
  'networkpolicies.networking.k8s.io': withGeneration(),
  'ingresses.networking.k8s.io': withGeneration(),
  'horizontalpodautoscalers.autoscaling': withGeneration(),
  'roles.rbac.authorization.k8s.io': rbac,
  'rolebindings.rbac.authorization.k8s.io': rbac,
  'clusterroles.rbac.authorization.k8s.io': rbac,
  'clusterrolebindings.rbac.authorization.k8s.io': rbac,
};
