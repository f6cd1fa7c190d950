// Fan-out of committed changes to watchers, with a bounded history so a watch can resume from a
// resourceVersion. Changes arrive in resourceVersion order (database.ts publishes after the log is synced).
import type { Change } from '../store/store.js';

export interface Watcher {
  resource: string;
  /** Only changes of this namespace; undefined for all. */
  namespace?: string;
  deliver(change: Change): void;
  /** Periodic bookmark, for watchers that asked for them. */
  bookmark?(rv: number): void;
  close?(): void;
}

export type Subscription = { expired: true; oldest: number } | { expired: false; replay: Change[] };

export class WatchHub {
  private history: Change[] = [];
  private head = 0;
  private readonly watchers = new Map<string, Set<Watcher>>();
  private readonly listeners = new Set<(change: Change) => void>();
  /** Every change with a resourceVersion above this one is in the history (or still to come). */
  private oldest: number;
  private latest: number;

  constructor(
    private readonly capacity: number,
    startRv: number,
  ) {
    this.oldest = startRv;
    this.latest = startRv;
  }

  /** The resourceVersion of the last change published. */
  get lastRv(): number {
    return this.latest;
  }

  get watcherCount(): number {
    let n = 0;
    for (const set of this.watchers.values()) n += set.size;
    return n;
  }

  publish(change: Change): void {
    this.latest = change.rv;
    this.history.push(change);
    if (this.history.length - this.head > this.capacity) {
      const dropped = this.history[this.head] as Change;
      this.history[this.head] = undefined as unknown as Change;
      this.head++;
      this.oldest = dropped.rv;
      if (this.head > 4096 && this.head * 2 > this.history.length) {
        this.history = this.history.slice(this.head);
        this.head = 0;
      }
    }
    for (const listener of this.listeners) listener(change);
    const set = this.watchers.get(change.resource);
    if (!set) return;
    for (const watcher of set) {
      if (watcher.namespace === undefined || watcher.namespace === change.entry.namespace)
        watcher.deliver(change);
    }
  }

  /**
   * Registers a watcher. With `since`, returns the changes after it to replay first, or `expired` when the
   * history no longer reaches back that far.
   */
  subscribe(watcher: Watcher, since?: number): Subscription {
    let replay: Change[] = [];
    if (since !== undefined) {
      if (since < this.oldest) return { expired: true, oldest: this.oldest + 1 };
      replay = this.changesAfter(since).filter(
        (c) =>
          c.resource === watcher.resource &&
          (watcher.namespace === undefined || watcher.namespace === c.entry.namespace),
      );
    }
    let set = this.watchers.get(watcher.resource);
    if (!set) {
      set = new Set();
      this.watchers.set(watcher.resource, set);
    }
    set.add(watcher);
    return { expired: false, replay };
  }

  unsubscribe(watcher: Watcher): void {
    this.watchers.get(watcher.resource)?.delete(watcher);
  }

  /** Ends every watch of a resource that is no longer served (its CRD was deleted). */
  closeResource(resource: string): void {
    for (const watcher of [...(this.watchers.get(resource) ?? [])]) watcher.close?.();
    this.watchers.delete(resource);
  }

  /** In-process listeners (the built-in controllers) see every change. */
  listen(listener: (change: Change) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sends a bookmark to every watcher that wants them. */
  bookmarkAll(): void {
    for (const set of this.watchers.values()) for (const watcher of set) watcher.bookmark?.(this.latest);
  }

  /** Forgets the history: a watch from any resourceVersion before now gets 410 Expired. */
  compact(): void {
    this.history = [];
    this.head = 0;
    this.oldest = this.latest;
  }

  private changesAfter(rv: number): Change[] {
    let lo = this.head;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.history[mid] as Change).rv <= rv) lo = mid + 1;
      else hi = mid;
    }
    return this.history.slice(lo);
  }
}
