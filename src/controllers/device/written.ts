// The TeamsDevices this controller has just written, until the informer cache has caught up with them. A
// reconcile that runs between a status write and its watch event (a command event arrives right after the
// send) must decide from what was written, not from the older cached object, or it would decide the same
// thing twice.
import type { TeamsDevice } from '../../api/v1alpha1/index.js';
import { jsonEqual } from '../../k8s/json.js';
import { dropManagedFields } from '../../runtime/informer.js';

interface Written {
  object: TeamsDevice;
  /** resourceVersions older than `object` that the cache may still hold: the base and earlier writes. */
  stale: Set<string>;
}

export class WrittenObjects {
  private readonly written = new Map<string, Written>();
  /** Status writes sent (or about to be): the base resourceVersion and the status written over it. */
  private readonly expected = new Map<string, { baseRv: string; status: unknown }>();

  /** The status write expected by expect() was not sent (nothing changed) or failed. */
  unexpect(key: string): void {
    this.expected.delete(key);
  }

  /** Called just before a status write of `status` over `base` (optimistically locked on its resourceVersion). */
  expect(key: string, base: TeamsDevice, status: unknown): void {
    const baseRv = base.metadata.resourceVersion;
    if (baseRv === undefined) this.expected.delete(key);
    else this.expected.set(key, { baseRv, status });
  }

  /** Remembers the object a write returned; `base` is the object the write was computed from. */
  remember(key: string, base: TeamsDevice, object: TeamsDevice, cached?: TeamsDevice): void {
    // The watch event came before the answer: the cache already holds what was written.
    const rv = object.metadata.resourceVersion;
    if (rv !== undefined && cached?.metadata.resourceVersion === rv) {
      this.written.delete(key);
      return;
    }
    const stale = new Set(this.written.get(key)?.stale ?? []);
    const baseRv = base.metadata.resourceVersion;
    if (baseRv !== undefined) stale.add(baseRv);
    // Kept like the informer cache keeps objects: without managedFields.
    this.written.set(key, { object: dropManagedFields(object), stale });
  }

  /** The newest known version of a device: what was written, while the cache still holds an older one. */
  freshest(key: string, cached: TeamsDevice | undefined): TeamsDevice | undefined {
    const written = this.written.get(key);
    if (!written) return cached;
    const rv = cached?.metadata.resourceVersion;
    if (cached && rv !== undefined && written.stale.has(rv)) return written.object;
    this.written.delete(key);
    return cached;
  }

  /**
   * Whether `device` is exactly the object a write of this controller returned (the watch echo of its own
   * status write): the reconcile that wrote it already decided from it, so it brings nothing new. Spec or
   * metadata cannot have changed in between: status writes carry the base resourceVersion (409 otherwise).
   */
  isOwnWrite(key: string, old: TeamsDevice, device: TeamsDevice): boolean {
    const rv = device.metadata.resourceVersion;
    if (rv !== undefined && this.written.get(key)?.object.metadata.resourceVersion === rv) {
      // The cache has caught up with the write: nothing to remember any more.
      this.written.delete(key);
      this.expected.delete(key);
      return true;
    }
    // The watch event may come before the write's answer: the change from the base to exactly the status
    // written (a write locked on the base RV; anyone else's change from the base would not carry it).
    const expected = this.expected.get(key);
    if (!expected || old.metadata.resourceVersion !== expected.baseRv) return false;
    this.expected.delete(key);
    return (
      old.metadata.generation === device.metadata.generation && jsonEqual(device.status, expected.status)
    );
  }

  forget(key: string): void {
    this.written.delete(key);
    this.expected.delete(key);
  }
}
