// Serves the versions of every CustomResourceDefinition as soon as it is written (and at start), stops
// serving them when it goes, and carries out CRD deletion: delete its objects, then drop the cleanup finalizer.
import { customResourceBehavior } from '../crd/behavior.js';
import { type CrdLike, resourceTypesFromCrd } from '../discovery.js';
import { storageKey } from '../registry.js';
import type { JsonObject } from '../resource-type.js';
import type { Entry } from '../store/entry.js';
import type { Change } from '../store/store.js';
import { isObject, metadataOf } from '../util/json.js';
import { type Controller, type ControllerContext, finalizersOf, servedFor, settle } from './controller.js';
import { WorkQueue } from './queue.js';

export const CRD_KEY = 'customresourcedefinitions.apiextensions.k8s.io';
export const CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

function storageVersion(crd: JsonObject): string | undefined {
  const spec = isObject(crd.spec) ? crd.spec : {};
  const versions = Array.isArray(spec.versions) ? spec.versions.filter(isObject) : [];
  const storage = versions.find((v) => v.storage === true)?.name;
  return typeof storage === 'string' ? storage : undefined;
}

export class CrdController implements Controller {
  private readonly cleanup: WorkQueue;
  /** Storage key of each terminating CRD's objects -> CRD name. */
  private readonly terminating = new Map<string, string>();

  constructor(private readonly ctx: ControllerContext) {
    this.cleanup = new WorkQueue('crd-cleanup', (name) => this.clean(name), ctx.logger);
  }

  start(): void {
    for (const entry of this.ctx.api.db.store.list(CRD_KEY)) this.serve(entry);
  }

  stop(): void {
    this.cleanup.stop();
  }

  observe(change: Change): void {
    if (change.resource === CRD_KEY) {
      if (change.type === 'DELETED') {
        for (const served of this.ctx.api.registry.crdServed(change.entry.name)) {
          this.ctx.api.db.hub.closeResource(served.key);
        }
        this.ctx.api.registry.removeCrd(change.entry.name);
        for (const [key, name] of this.terminating)
          if (name === change.entry.name) this.terminating.delete(key);
      } else {
        this.serve(change.entry);
      }
      return;
    }
    const crd = this.terminating.get(change.resource);
    if (crd !== undefined && change.type === 'DELETED') this.cleanup.add(crd);
  }

  private serve(entry: Entry): void {
    const crd = entry.object();
    const storage = storageVersion(crd);
    if (storage === undefined) return;
    let types: ReturnType<typeof resourceTypesFromCrd>;
    try {
      types = resourceTypesFromCrd(crd as unknown as CrdLike);
    } catch (error) {
      this.ctx.logger.warn({ err: error, crd: entry.name }, 'cannot serve CustomResourceDefinition');
      return;
    }
    this.ctx.api.registry.setCrd(
      entry.name,
      types.map((type) => ({ type, behavior: customResourceBehavior(type) })),
      storage,
    );
    if (metadataOf(crd).deletionTimestamp !== undefined) {
      const first = types[0];
      if (first) this.terminating.set(storageKey(first.group, first.plural), entry.name);
      this.cleanup.add(entry.name);
    }
  }

  private clean(name: string): void {
    const { api } = this.ctx;
    const entry = api.db.store.get(CRD_KEY, '', name);
    if (!entry) return;
    const crd = entry.object();
    const meta = metadataOf(crd);
    if (meta.deletionTimestamp === undefined) return;
    const spec = isObject(crd.spec) ? crd.spec : {};
    const names = isObject(spec.names) ? spec.names : {};
    const key = storageKey(String(spec.group ?? ''), String(names.plural ?? ''));
    const served = servedFor(this.ctx, key);
    for (const object of api.db.store.list(key)) {
      const objectMeta = metadataOf(object.object());
      if (objectMeta.deletionTimestamp !== undefined) continue;
      if (served) settle(this.ctx, api.delete(served, object.namespace, object.name));
      else settle(this.ctx, api.db.remove(key, object.namespace, object.name) && undefined);
    }
    if (api.db.store.count(key) > 0) return;
    meta.finalizers = finalizersOf(meta).filter((f) => f !== CLEANUP_FINALIZER);
    const crdServed = servedFor(this.ctx, CRD_KEY);
    if (crdServed) settle(this.ctx, api.update(crdServed, '', name, crd, { internal: true }));
  }
}
