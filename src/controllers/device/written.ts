// The TeamsDevices this controller has just written, until the informer cache has caught up with them. A
// reconcile that runs between a status write and its watch event (a command event arrives right after the
// send) must decide from what was written, not from the older cached object, or it would decide the same
// thing twice.
import type { TeamsDevice } from '../../api/v1alpha1/index.js';

interface Written {
  object: TeamsDevice;
  /** resourceVersions older than `object` that the cache may still hold: the base and earlier writes. */
  stale: Set<string>;
}

export class WrittenObjects {
  private readonly written = new Map<string, Written>();

  /** Remembers the object a write returned; `base` is the object the write was computed from. */
  remember(key: string, base: TeamsDevice, object: TeamsDevice): void {
    const stale = new Set(this.written.get(key)?.stale ?? []);
    const baseRv = base.metadata.resourceVersion;
    if (baseRv !== undefined) stale.add(baseRv);
    this.written.set(key, { object, stale });
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

  forget(key: string): void {
    this.written.delete(key);
  }
}
