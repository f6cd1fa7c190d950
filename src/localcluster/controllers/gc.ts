// Garbage collection by ownerReferences: an object whose owners are all gone is deleted (background
// propagation); references to owners that are gone are dropped while another owner remains. Owners deleted
// with propagationPolicy Foreground wait for their dependents; with Orphan, dependents lose the reference.
import type { JsonObject } from '../resource-type.js';
import type { Entry } from '../store/entry.js';
import { type Change, type ObjectKey, parseKeyString } from '../store/store.js';
import { isObject, metadataOf } from '../util/json.js';
import { type Controller, type ControllerContext, finalizersOf, servedFor, settle } from './controller.js';
import { WorkQueue } from './queue.js';

const FOREGROUND = 'foregroundDeletion';
const ORPHAN = 'orphan';

function key(k: ObjectKey): string {
  return `${k.resource}\u0000${k.namespace}\u0000${k.name}`;
}

export class GarbageCollector implements Controller {
  private readonly dependents: WorkQueue;
  private readonly owners: WorkQueue;

  constructor(private readonly ctx: ControllerContext) {
    this.dependents = new WorkQueue(
      'gc-dependent',
      (k) => this.checkDependent(parseKeyString(k)),
      ctx.logger,
    );
    this.owners = new WorkQueue('gc-owner', (k) => this.checkOwner(parseKeyString(k)), ctx.logger);
  }

  start(): void {
    const store = this.ctx.api.db.store;
    for (const uid of store.ownerUids()) {
      if (!store.byUid(uid))
        for (const dependent of store.dependentsOf(uid)) this.dependents.add(key(dependent));
    }
    for (const resource of store.resourceKeys()) {
      for (const entry of store.list(resource))
        if (this.isDeletingOwner(entry)) this.queueOwner(resource, entry);
    }
  }

  stop(): void {
    this.dependents.stop();
    this.owners.stop();
  }

  observe(change: Change): void {
    const store = this.ctx.api.db.store;
    const { entry } = change;
    if (change.type === 'DELETED') {
      for (const dependent of store.dependentsOf(entry.uid)) this.dependents.add(key(dependent));
      // A dependent went: its owners may be waiting for it (foreground deletion).
      for (const owner of entry.owners) {
        const ownerKey = store.byUid(owner);
        if (ownerKey) this.owners.add(key(ownerKey));
      }
      return;
    }
    if (entry.owners.length > 0 && entry.owners.some((uid) => !store.byUid(uid))) {
      this.dependents.add(key({ resource: change.resource, namespace: entry.namespace, name: entry.name }));
    }
    if (this.isDeletingOwner(entry)) this.queueOwner(change.resource, entry);
  }

  private isDeletingOwner(entry: Entry): boolean {
    return entry.json.includes(`"${FOREGROUND}"`) || entry.json.includes(`"${ORPHAN}"`);
  }

  private queueOwner(resource: string, entry: Entry): void {
    this.owners.add(key({ resource, namespace: entry.namespace, name: entry.name }));
  }

  /** Deletes a dependent whose owners are all gone, or drops the references to the owners that are gone. */
  private checkDependent(k: ObjectKey): void {
    const { api } = this.ctx;
    const store = api.db.store;
    const entry = store.get(k.resource, k.namespace, k.name);
    if (!entry || entry.owners.length === 0) return;
    const missing = entry.owners.filter((uid) => !store.byUid(uid));
    if (missing.length === 0) return;
    const served = servedFor(this.ctx, k.resource);
    if (!served) return;
    const obj = entry.object();
    const meta = metadataOf(obj);
    if (missing.length === entry.owners.length) {
      if (meta.deletionTimestamp === undefined) {
        settle(this.ctx, api.delete(served, k.namespace, k.name, { propagationPolicy: 'Background' }));
      }
      return;
    }
    this.dropReferences(served.key, k, obj, new Set(missing));
  }

  private dropReferences(resource: string, k: ObjectKey, obj: JsonObject, uids: Set<string>): void {
    const served = servedFor(this.ctx, resource);
    if (!served) return;
    const meta = metadataOf(obj);
    const refs = Array.isArray(meta.ownerReferences) ? meta.ownerReferences : [];
    const kept = refs.filter((ref) => !(isObject(ref) && typeof ref.uid === 'string' && uids.has(ref.uid)));
    if (kept.length === 0) delete meta.ownerReferences;
    else meta.ownerReferences = kept;
    settle(this.ctx, this.ctx.api.update(served, k.namespace, k.name, obj, { internal: true }));
  }

  /** Foreground: delete the dependents, then let the owner go. Orphan: release them, then let it go. */
  private checkOwner(k: ObjectKey): void {
    const { api } = this.ctx;
    const store = api.db.store;
    const entry = store.get(k.resource, k.namespace, k.name);
    if (!entry) return;
    const obj = entry.object();
    const meta = metadataOf(obj);
    if (meta.deletionTimestamp === undefined) return;
    const finalizers = finalizersOf(meta);
    const dependents = store.dependentsOf(entry.uid);
    if (finalizers.includes(ORPHAN)) {
      for (const d of dependents) {
        const dependent = store.get(d.resource, d.namespace, d.name);
        if (dependent) this.dropReferences(d.resource, d, dependent.object(), new Set([entry.uid]));
      }
      this.removeFinalizer(k, ORPHAN);
      return;
    }
    if (!finalizers.includes(FOREGROUND)) return;
    for (const d of dependents) {
      const served = servedFor(this.ctx, d.resource);
      const dependent = store.get(d.resource, d.namespace, d.name);
      if (!served || !dependent || metadataOf(dependent.object()).deletionTimestamp !== undefined) continue;
      settle(this.ctx, api.delete(served, d.namespace, d.name, { propagationPolicy: 'Foreground' }));
    }
    if (store.dependentsOf(entry.uid).length === 0) this.removeFinalizer(k, FOREGROUND);
  }

  private removeFinalizer(k: ObjectKey, finalizer: string): void {
    const { api } = this.ctx;
    const entry = api.db.store.get(k.resource, k.namespace, k.name);
    const served = servedFor(this.ctx, k.resource);
    if (!entry || !served) return;
    const obj = entry.object();
    const meta = metadataOf(obj);
    meta.finalizers = finalizersOf(meta).filter((f) => f !== finalizer);
    settle(this.ctx, api.update(served, k.namespace, k.name, obj, { internal: true }));
  }
}
