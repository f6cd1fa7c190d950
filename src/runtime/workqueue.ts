// A keyed work queue with client-go's workqueue semantics:
// - a key waits once however many times it is added (dirty set);
// - a key is processed by one worker at a time; added while in process, it is queued again when done;
// - addAfter delays on the clock, keeping only the earliest pending timer per key;
// - addRateLimited delays by the rate limiter (per-key backoff and an overall bucket); forget resets it.
// Workers are not threads waiting on a condition: start(handler, n) dispatches a key whenever one is waiting
// and fewer than n are in process.
import type { Clock, TimerHandle } from './clock.js';
import { defaultControllerRateLimiter, type RateLimiter } from './rateLimiter.js';

/** Hooks for metrics (see metrics.ts queueMetrics); durations in seconds of the wall clock. */
export interface WorkQueueMetrics {
  depth?(depth: number): void;
  add?(): void;
  retry?(): void;
  /** From being queued to being handed to a worker. */
  queueDuration?(seconds: number): void;
  workDuration?(seconds: number): void;
}

export interface WorkQueueOptions {
  name: string;
  /** Time of addAfter delays (simulated time when the clock is accelerated). */
  clock: Clock;
  /** Real time: retry delays, the token bucket and durations. Default: `clock`. */
  wallClock?: Clock;
  /** Default: defaultControllerRateLimiter(wallClock). */
  rateLimiter?: RateLimiter;
  metrics?: WorkQueueMetrics;
}

export type WorkHandler = (key: string) => Promise<void>;

interface Delayed {
  at: number;
  handle: TimerHandle;
}

export class WorkQueue {
  readonly name: string;
  private readonly clock: Clock;
  private readonly wallClock: Clock;
  private readonly rateLimiter: RateLimiter;
  private readonly metrics: WorkQueueMetrics;

  /** Keys waiting for a worker, in order (a Set keeps insertion order). */
  private readonly queue = new Set<string>();
  /** Keys that need processing: waiting, or added again while in process. */
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly queuedAt = new Map<string, number>();
  private readonly delayed = new Map<string, Delayed>();
  private readonly backoff = new Map<string, Delayed>();

  private handler: WorkHandler | undefined;
  private concurrency = 0;
  private shuttingDown = false;
  private draining = false;
  private idleWaiters: Array<() => void> = [];

  constructor(options: WorkQueueOptions) {
    this.name = options.name;
    this.clock = options.clock;
    this.wallClock = options.wallClock ?? options.clock;
    this.rateLimiter = options.rateLimiter ?? defaultControllerRateLimiter(this.wallClock);
    this.metrics = options.metrics ?? {};
  }

  /** Queues `key` unless it is already waiting. Ignored after shutdown. */
  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.metrics.add?.();
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.enqueue(key);
  }

  /** Queues `key` after `ms` on the clock; of several pending delays of a key, the earliest wins. */
  addAfter(key: string, ms: number): void {
    this.schedule(this.delayed, this.clock, key, ms);
  }

  /** Queues `key` after the rate limiter's delay: a failed key backs off exponentially. */
  addRateLimited(key: string): void {
    if (this.shuttingDown) return;
    this.metrics.retry?.();
    this.schedule(this.backoff, this.wallClock, key, this.rateLimiter.when(key));
  }

  /** Resets the backoff of `key` (after it succeeded). */
  forget(key: string): void {
    this.rateLimiter.forget(key);
  }

  /** Failures counted for `key` since its last forget. */
  numRequeues(key: string): number {
    return this.rateLimiter.retries(key);
  }

  /** Keys waiting for a worker. */
  len(): number {
    return this.queue.size;
  }

  /** Keys in process now. */
  inProcess(): number {
    return this.processing.size;
  }

  /** Keys with a pending addAfter or retry timer. */
  delayedKeys(): string[] {
    return [...new Set([...this.delayed.keys(), ...this.backoff.keys()])];
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Starts `concurrency` workers running `handler`; keys added before start wait for it. */
  start(handler: WorkHandler, concurrency = 1): void {
    if (this.handler) throw new Error(`work queue ${this.name} is already started`);
    if (!(concurrency >= 1)) throw new Error(`work queue ${this.name}: concurrency must be at least 1`);
    this.handler = handler;
    this.concurrency = Math.floor(concurrency);
    this.dispatch();
  }

  /**
   * Stops taking keys: adds are ignored and pending delays dropped; resolves once the keys in process are
   * done. With `drain`, the keys already waiting are processed first.
   */
  async shutdown(options: { drain?: boolean } = {}): Promise<void> {
    this.shuttingDown = true;
    this.draining = options.drain === true && this.handler !== undefined;
    for (const { handle } of [...this.delayed.values(), ...this.backoff.values()]) handle.cancel();
    this.delayed.clear();
    this.backoff.clear();
    if (!this.draining) {
      for (const key of this.queue) this.dirty.delete(key);
      this.queue.clear();
      this.queuedAt.clear();
      this.metrics.depth?.(0);
    }
    await this.idle();
  }

  /** Resolves when no key is waiting or in process (delayed keys do not count). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return this.processing.size === 0 && (this.queue.size === 0 || this.handler === undefined);
  }

  private schedule(timers: Map<string, Delayed>, clock: Clock, key: string, ms: number): void {
    if (this.shuttingDown) return;
    if (!(ms > 0)) {
      this.add(key);
      return;
    }
    const at = clock.now().getTime() + ms;
    const pending = timers.get(key);
    if (pending && pending.at <= at) return;
    pending?.handle.cancel();
    const handle = clock.setTimer(new Date(at), () => {
      if (timers.get(key)?.handle === handle) timers.delete(key);
      this.add(key);
    });
    timers.set(key, { at, handle });
  }

  private enqueue(key: string): void {
    this.queue.add(key);
    this.queuedAt.set(key, this.wallClock.now().getTime());
    this.metrics.depth?.(this.queue.size);
    this.dispatch();
  }

  private dispatch(): void {
    const handler = this.handler;
    if (handler && (!this.shuttingDown || this.draining)) {
      while (this.processing.size < this.concurrency) {
        const next = this.queue.values().next();
        if (next.done) break;
        this.take(next.value, handler);
      }
    }
    if (this.isIdle()) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private take(key: string, handler: WorkHandler): void {
    this.queue.delete(key);
    this.dirty.delete(key);
    this.processing.add(key);
    const now = this.wallClock.now().getTime();
    this.metrics.queueDuration?.((now - (this.queuedAt.get(key) ?? now)) / 1000);
    this.queuedAt.delete(key);
    this.metrics.depth?.(this.queue.size);
    // The handler starts on a later microtask, never inside the add() that queued the key.
    void Promise.resolve()
      .then(() => handler(key))
      .catch(() => {
        // The handler owns its errors (the controller retries them); nothing may escape a worker.
      })
      .finally(() => this.done(key, now));
  }

  private done(key: string, startedAt: number): void {
    this.metrics.workDuration?.((this.wallClock.now().getTime() - startedAt) / 1000);
    this.processing.delete(key);
    if (this.dirty.has(key)) {
      if (this.shuttingDown && !this.draining) this.dirty.delete(key);
      else this.enqueue(key);
    }
    this.dispatch();
  }
}
