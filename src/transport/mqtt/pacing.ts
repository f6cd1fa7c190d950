// How many commands the operator leaves un-answered per proxy. A broker queues only so many messages for one
// client (mosquitto: 1,000 by default) and drops the rest silently, so sending a whole fleet's commands at
// once would lose some. A command takes a slot of its proxy's bucket when it is published and gives it back
// on the first event for its command id; a slot also comes back after `ackTimeoutMs` on the clock, so an
// event that never comes cannot wedge a proxy. Commands beyond the limit wait, in the order they were sent.
//
// The bucket of a device is the proxy its latest state names; devices whose state names none share one.

import { type Clock, setTimerIn, type TimerHandle } from '../../runtime/clock.js';

/** The bucket of devices whose state names no proxy (or that have no state yet). */
export const UNKNOWN_PROXY = '';

interface Slot {
  bucket: string;
  sentAt: number;
  timer: TimerHandle;
}

interface Waiter {
  commandId: string;
  /** The command may be published now (its slot is taken). */
  start: () => void;
  fail: (err: Error) => void;
}

export interface PacerOptions {
  limit: number;
  ackTimeoutMs: number;
  clock: Clock;
  /** A slot came back with the command's first event: milliseconds since it was published. */
  onAnswered?: (ms: number) => void;
  /** A slot came back because no event came in time. */
  onTimeout?: (commandId: string, bucket: string) => void;
}

export class Pacer {
  private readonly options: PacerOptions;
  /** Un-answered commands by command id. */
  private readonly slots = new Map<string, Slot>();
  private readonly used = new Map<string, number>();
  private readonly queues = new Map<string, Waiter[]>();
  private waitingCount = 0;

  constructor(options: PacerOptions) {
    this.options = options;
  }

  /** Commands published and not yet answered, over all proxies. */
  get inFlight(): number {
    return this.slots.size;
  }

  /** Commands waiting for a slot, over all proxies. */
  get waiting(): number {
    return this.waitingCount;
  }

  /** Un-answered commands of one bucket. */
  inFlightOf(bucket: string): number {
    return this.used.get(bucket) ?? 0;
  }

  /**
   * Resolves when the command may be published: at once when its bucket has a free slot (or the command id
   * already holds one: a resend), else when the commands before it have been answered.
   */
  acquire(bucket: string, commandId: string): Promise<void> {
    if (this.slots.has(commandId)) return Promise.resolve();
    const queue = this.queues.get(bucket);
    if (!queue?.length && this.inFlightOf(bucket) < this.options.limit) {
      this.take(bucket, commandId);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { commandId, start: resolve, fail: reject };
      if (queue) queue.push(waiter);
      else this.queues.set(bucket, [waiter]);
      this.waitingCount++;
    });
  }

  /** The command's first event came: its slot is free again. Later events for it change nothing. */
  answered(commandId: string): void {
    const slot = this.slots.get(commandId);
    if (!slot) return;
    this.release(commandId, slot);
    this.options.onAnswered?.(this.options.clock.now().getTime() - slot.sentAt);
  }

  /** The command could not be published: its slot is free again. */
  abandon(commandId: string): void {
    const slot = this.slots.get(commandId);
    if (slot) this.release(commandId, slot);
  }

  /** Rejects every waiting command and forgets every slot (the transport stops). */
  close(err: Error): void {
    for (const slot of this.slots.values()) slot.timer.cancel();
    this.slots.clear();
    this.used.clear();
    const queues = [...this.queues.values()];
    this.queues.clear();
    this.waitingCount = 0;
    for (const queue of queues) for (const waiter of queue) waiter.fail(err);
  }

  private take(bucket: string, commandId: string): void {
    const timer = setTimerIn(this.options.clock, this.options.ackTimeoutMs, () => {
      const slot = this.slots.get(commandId);
      if (slot?.timer !== timer) return;
      this.release(commandId, slot);
      this.options.onTimeout?.(commandId, bucket);
    });
    this.slots.set(commandId, { bucket, sentAt: this.options.clock.now().getTime(), timer });
    this.used.set(bucket, this.inFlightOf(bucket) + 1);
  }

  private release(commandId: string, slot: Slot): void {
    slot.timer.cancel();
    this.slots.delete(commandId);
    const left = this.inFlightOf(slot.bucket) - 1;
    if (left > 0) this.used.set(slot.bucket, left);
    else this.used.delete(slot.bucket);
    this.drain(slot.bucket);
  }

  /** Starts the waiting commands of a bucket while it has free slots, in order. */
  private drain(bucket: string): void {
    const queue = this.queues.get(bucket);
    while (queue?.length && this.inFlightOf(bucket) < this.options.limit) {
      const next = queue.shift() as Waiter;
      this.waitingCount--;
      // The same command id sent twice while waiting: the first took the slot, the second needs none.
      if (!this.slots.has(next.commandId)) this.take(bucket, next.commandId);
      next.start();
    }
    if (!queue?.length) this.queues.delete(bucket);
  }
}
