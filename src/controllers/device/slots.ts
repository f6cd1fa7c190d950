// maxConcurrentUpdates per namespace, across parallel reconciles: the devices holding a slot (their update is
// Sent, Downloading or Installing), and the devices waiting for one.
//
// Two steps per reconcile, and only two:
// - before the status write, check (available(), read into the decision input) and, if the decision puts an
//   update in flight, reserve(). Both run in the same synchronous stretch of the reconcile, with no await in
//   between: JavaScript runs one stretch at a time, so no other worker can take the last slot between the
//   check and the reservation, and two devices can never both be written Sent for one free slot. The status
//   write (an await) comes only after the slot is held;
// - after the write, settle() with what the decision says (slotOutcome): hold the slot, give it back, or wait
//   for one; a deleted device is forgotten. Giving a slot back wakes the devices waiting in the namespace.
// A device the cache shows in flight holds a slot as well (observeInFlight), whoever claimed it: with two
// operators side by side, each then claims only what its cache shows free, and the check of claim.ts settles
// the rare race between them.
import type { DeviceDecision } from '../../core/device/decide.js';

export interface SlotOptions {
  /** Keys of the devices of a namespace whose cached status has an update in flight (seeds the namespace). */
  inFlight(namespace: string): Iterable<string>;
  /** Called with each waiting key of a namespace when a slot there frees. */
  wake(key: string): void;
}

/**
 * What a reconcile leaves the slot of its device in:
 * - `hold`: an update is in flight; the slot reserved before the write stays held;
 * - `free`: nothing in flight; a slot held goes back;
 * - `wait`: an update is due but found no slot; woken when one frees;
 * - `gone`: the device is deleted; forgotten entirely.
 */
export type SlotOutcome = 'hold' | 'free' | 'wait' | 'gone';

/** The slot outcome a decision drives (derived from its inFlight and waitingForSlot). */
export function slotOutcome(decision: Pick<DeviceDecision, 'inFlight' | 'waitingForSlot'>): SlotOutcome {
  if (decision.inFlight) return 'hold';
  return decision.waitingForSlot ? 'wait' : 'free';
}

export class UpdateSlots {
  private readonly holders = new Map<string, Set<string>>();
  private readonly waiting = new Map<string, Set<string>>();
  private readonly options: SlotOptions;

  constructor(options: SlotOptions) {
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

  /**
   * Whether a slot is free under `limit` for `key`, counting every other holder (its own slot, if it holds
   * one, stays its own). Reserve in the same synchronous stretch. Holders seen in the cache may make the
   * others more than `limit`: then there is no slot, even for a key that holds one.
   */
  available(namespace: string, key: string, limit: number): boolean {
    const set = this.slots(namespace);
    return set.size - (set.has(key) ? 1 : 0) < limit;
  }

  /**
   * Takes a slot for `key`: call only after available() said yes, with no await in between. Returns
   * whether the slot is newly taken (false: `key` held it already), so a failed write can give it back.
   */
  reserve(namespace: string, key: string): boolean {
    const set = this.slots(namespace);
    const taken = !set.has(key);
    set.add(key);
    this.waiting.get(namespace)?.delete(key);
    return taken;
  }

  /**
   * The cache shows `key` in flight (perhaps claimed by another operator): it holds a slot here too until a
   * reconcile of it settles otherwise. Only ever adds, so a stale event never frees a slot being claimed.
   */
  observeInFlight(namespace: string, key: string): void {
    this.slots(namespace).add(key);
  }

  /** Brings the slot of `key` to `outcome` and returns the slots now held in the namespace. */
  settle(namespace: string, key: string, outcome: SlotOutcome): number {
    const held = this.slots(namespace);
    switch (outcome) {
      case 'hold':
        break;
      case 'free':
        this.release(namespace, key);
        break;
      case 'wait':
        this.release(namespace, key);
        this.wait(namespace, key);
        break;
      case 'gone':
        this.waiting.get(namespace)?.delete(key);
        this.release(namespace, key);
        break;
    }
    return held.size;
  }

  /** Slots held in a namespace. */
  inUse(namespace: string): number {
    return this.holders.get(namespace)?.size ?? 0;
  }

  /** Frees the slot of `key`, if it holds one, and wakes the devices waiting in the namespace. */
  private release(namespace: string, key: string): void {
    if (!this.slots(namespace).delete(key)) return;
    const waiting = this.waiting.get(namespace);
    if (!waiting || waiting.size === 0) return;
    this.waiting.delete(namespace);
    for (const other of waiting) this.options.wake(other);
  }

  private wait(namespace: string, key: string): void {
    let set = this.waiting.get(namespace);
    if (!set) {
      set = new Set();
      this.waiting.set(namespace, set);
    }
    set.add(key);
  }
}
