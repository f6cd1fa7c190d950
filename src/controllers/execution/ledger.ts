// maxConcurrentUpdates per namespace, across parallel reconciles: the devices holding a slot (their update is
// Sent, Downloading or Installing). A reconcile checks and reserves a slot synchronously, with no await in
// between, before it writes status Sent, so two workers can never both take the last slot; it releases the
// slot once the update has finished. Devices that found no slot are woken when one frees.

export interface LedgerOptions {
  /** Keys of the devices of a namespace whose cached status has an update in flight (seeds the namespace). */
  inFlight(namespace: string): Iterable<string>;
  /** Called with each waiting key of a namespace when a slot there frees. */
  wake(key: string): void;
}

export class ConcurrencyLedger {
  private readonly holders = new Map<string, Set<string>>();
  private readonly waiting = new Map<string, Set<string>>();
  private readonly options: LedgerOptions;

  constructor(options: LedgerOptions) {
    this.options = options;
  }

  private slots(namespace: string): Set<string> {
    let set = this.holders.get(namespace);
    if (!set) {
      // First use of the namespace (e.g. after a restart): what the cache says is in flight holds slots.
      set = new Set(this.options.inFlight(namespace));
      this.holders.set(namespace, set);
    }
    return set;
  }

  holds(namespace: string, key: string): boolean {
    return this.slots(namespace).has(key);
  }

  /** Whether `key` holds a slot or one is free under `limit`. */
  available(namespace: string, key: string, limit: number): boolean {
    const set = this.slots(namespace);
    return set.has(key) || set.size < limit;
  }

  /** Takes a slot for `key` (idempotent). Call only after available() said yes, with no await in between. */
  reserve(namespace: string, key: string): void {
    this.slots(namespace).add(key);
    this.waiting.get(namespace)?.delete(key);
  }

  /** Frees the slot of `key`, if it holds one, and wakes the devices waiting in the namespace. */
  release(namespace: string, key: string): void {
    if (!this.slots(namespace).delete(key)) return;
    const waiting = this.waiting.get(namespace);
    if (!waiting || waiting.size === 0) return;
    this.waiting.delete(namespace);
    for (const other of waiting) this.options.wake(other);
  }

  /** Remembers that `key` has a due update and no slot. */
  wait(namespace: string, key: string): void {
    let set = this.waiting.get(namespace);
    if (!set) {
      set = new Set();
      this.waiting.set(namespace, set);
    }
    set.add(key);
  }

  /** Forgets `key` entirely (device deleted). */
  forget(namespace: string, key: string): void {
    this.waiting.get(namespace)?.delete(key);
    this.release(namespace, key);
  }

  /** Slots held in a namespace. */
  inUse(namespace: string): number {
    return this.holders.get(namespace)?.size ?? 0;
  }

  namespaces(): string[] {
    return [...this.holders.keys()];
  }
}
