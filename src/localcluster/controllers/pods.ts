// The kubelet side of local pods: a Pod whose containers all use a local image is bound to this machine's
// node (spec.nodeName) and handed to the local pod runner; a deleted Pod's processes are stopped. The runner
// reports the pods' status through the PodHost made here. Pods of other images are left as they are.
import type { PodHost } from '../pods/host.js';
import type { LocalPodRunner } from '../pods/runner.js';
import type { JsonObject } from '../resource-type.js';
import type { Change } from '../store/store.js';
import { deepEqual, isObject, metadataOf } from '../util/json.js';
import {
  type Controller,
  type ControllerContext,
  objectKey,
  servedFor,
  settle,
  splitKey,
} from './controller.js';
import { WorkQueue } from './queue.js';

const PODS = 'pods';
/** The node every local pod is bound to. */
export const LOCAL_NODE = 'localcluster';

/** How the runner reads ConfigMaps and Secrets and writes pod status: straight through the object API. */
export function podHost(ctx: ControllerContext): PodHost {
  const store = ctx.api.db.store;
  return {
    get: (resource, namespace, name) => store.get(resource, namespace, name)?.object(),
    version: (resource, namespace, name) => store.get(resource, namespace, name)?.rv,
    now: () => ctx.api.now(),
    writeStatus(namespace, name, uid, status) {
      const entry = store.get(PODS, namespace, name);
      const served = servedFor(ctx, PODS);
      if (!entry || entry.uid !== uid || !served) return;
      const obj = entry.object();
      if (deepEqual(obj.status, status)) return;
      obj.status = status;
      settle(ctx, ctx.api.update(served, namespace, name, obj, { internal: true, subresource: 'status' }));
    },
  };
}

export class PodController implements Controller {
  private readonly queue: WorkQueue;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly runner: LocalPodRunner,
  ) {
    this.queue = new WorkQueue('pods', (k) => this.sync(k), ctx.logger);
  }

  start(): void {
    for (const e of this.ctx.api.db.store.list(PODS)) this.queue.add(objectKey(e.namespace, e.name));
  }

  stop(): void {
    this.queue.stop();
  }

  observe(change: Change): void {
    if (change.resource !== PODS) return;
    if (change.type === 'DELETED') this.runner.remove(change.entry.namespace, change.entry.name);
    else this.queue.add(objectKey(change.entry.namespace, change.entry.name));
  }

  private sync(k: string): void {
    const [namespace, name] = splitKey(k);
    const entry = this.ctx.api.db.store.get(PODS, namespace, name);
    const served = servedFor(this.ctx, PODS);
    if (!entry || !served) return;
    const pod = entry.object();
    const spec: JsonObject = isObject(pod.spec) ? pod.spec : {};
    if (!this.runner.runsHere(spec)) return;
    if (metadataOf(pod).deletionTimestamp !== undefined) {
      this.runner.remove(namespace, name);
      return;
    }
    if (typeof spec.nodeName !== 'string' || spec.nodeName === '') {
      // Scheduling: the only node is this machine. The bound pod comes back through observe.
      spec.nodeName = LOCAL_NODE;
      settle(this.ctx, this.ctx.api.update(served, namespace, name, pod, { internal: true }));
      return;
    }
    this.runner.run(pod);
  }
}
