// ReplicaSets and StatefulSets report their replicas ready at once (no pods run here), so that
// `helm --wait`, `kubectl rollout status` and kstatus see them converge. The exception: with local pods
// enabled, a ReplicaSet whose pod template uses only local images gets real Pods (replicaset-pods.ts) and
// its status counts them.
import { createHash } from 'node:crypto';
import type { JsonObject } from '../resource-type.js';
import type { Change } from '../store/store.js';
import { isObject, metadataOf } from '../util/json.js';
import {
  type Controller,
  type ControllerContext,
  objectKey,
  servedFor,
  settle,
  splitKey,
} from './controller.js';
import { WorkQueue } from './queue.js';
import { ownerOfPod, syncLocalPods } from './replicaset-pods.js';

const REPLICASETS = 'replicasets.apps';
const STATEFULSETS = 'statefulsets.apps';

function replicasOf(obj: JsonObject): number {
  const spec = isObject(obj.spec) ? obj.spec : {};
  return typeof spec.replicas === 'number' ? spec.replicas : 1;
}

function replicaSetStatus(obj: JsonObject): JsonObject {
  const replicas = replicasOf(obj);
  const status: JsonObject = { replicas };
  if (replicas > 0) {
    status.fullyLabeledReplicas = replicas;
    status.readyReplicas = replicas;
    status.availableReplicas = replicas;
  }
  status.observedGeneration = metadataOf(obj).generation ?? 1;
  return status;
}

function statefulSetStatus(obj: JsonObject): JsonObject {
  const replicas = replicasOf(obj);
  const spec = isObject(obj.spec) ? obj.spec : {};
  const hash = createHash('sha256')
    .update(JSON.stringify(spec.template ?? {}))
    .digest('hex')
    .slice(0, 10);
  const revision = `${String(metadataOf(obj).name)}-${hash}`;
  const status: JsonObject = {
    observedGeneration: metadataOf(obj).generation ?? 1,
    replicas,
    collisionCount: 0,
    currentRevision: revision,
    updateRevision: revision,
  };
  if (replicas > 0) {
    status.readyReplicas = replicas;
    status.currentReplicas = replicas;
    status.updatedReplicas = replicas;
    status.availableReplicas = replicas;
  }
  return status;
}

export class ReplicaSetController implements Controller {
  private readonly queue: WorkQueue;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue('replicaset', (k) => this.sync(k), ctx.logger);
  }

  start(): void {
    for (const resource of [REPLICASETS, STATEFULSETS]) {
      for (const e of this.ctx.api.db.store.list(resource))
        this.queue.add(`${resource}|${objectKey(e.namespace, e.name)}`);
    }
  }

  stop(): void {
    this.queue.stop();
  }

  observe(change: Change): void {
    if (change.resource === 'pods') {
      const owner = ownerOfPod(this.ctx, change.entry);
      if (owner) this.queue.add(`${REPLICASETS}|${objectKey(owner.namespace, owner.name)}`);
      return;
    }
    if (change.type === 'DELETED') return;
    if (change.resource === REPLICASETS || change.resource === STATEFULSETS) {
      this.queue.add(`${change.resource}|${objectKey(change.entry.namespace, change.entry.name)}`);
    }
  }

  private sync(k: string): void {
    const [resource = '', rest = ''] = k.split('|');
    const [namespace, name] = splitKey(rest);
    reportReady(this.ctx, resource, namespace, name);
  }
}

/** Writes the status of a ReplicaSet or StatefulSet whose replicas are all ready (a no-op when it says so). */
export function reportReady(ctx: ControllerContext, resource: string, namespace: string, name: string): void {
  const entry = ctx.api.db.store.get(resource, namespace, name);
  const served = servedFor(ctx, resource);
  if (!entry || !served) return;
  const obj = entry.object();
  if (resource === REPLICASETS && syncLocalPods(ctx, entry, obj)) return;
  obj.status = resource === REPLICASETS ? replicaSetStatus(obj) : statefulSetStatus(obj);
  settle(ctx, ctx.api.update(served, namespace, name, obj, { internal: true, subresource: 'status' }));
}
