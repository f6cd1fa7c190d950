// Runs a level-triggered reconciler over a keyed work queue, as controller-runtime does:
// - success: the key's backoff is forgotten;
// - { requeueAfterMs }: forgotten, and the key comes back after that delay on the clock (time-driven work);
// - a thrown TerminalError: logged and counted, not retried;
// - any other thrown error: retried with per-key exponential backoff.
// Each reconcile gets a child logger with {controller, key, reconcileId} and an AbortSignal that fires
// when the controller stops.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from './clock.js';
import { isTerminalError } from './errors.js';
import type { ControllerMetrics, OperatorMetrics, ReconcileResult } from './metrics.js';
import type { RateLimiter } from './rateLimiter.js';
import { WorkQueue } from './workqueue.js';

export interface ReconcileContext {
  readonly log: Logger;
  readonly reconcileId: string;
  /** The operator's clock (possibly simulated): decide with `clock.now()`, never with Date.now(). */
  readonly clock: Clock;
  /** Aborted when the controller stops. */
  readonly signal: AbortSignal;
}

export type ReconcileOutcome = { requeueAfterMs?: number } | undefined;

export interface Reconciler {
  // biome-ignore lint/suspicious/noConfusingVoidType: a reconciler with nothing to requeue returns nothing.
  reconcile(key: string, ctx: ReconcileContext): Promise<ReconcileOutcome | void>;
}

export interface ControllerOptions {
  name: string;
  reconciler: Reconciler;
  /** The operator's clock: requeueAfterMs delays run on it. */
  clock: Clock;
  /** Real time for retry backoff and durations; default `clock`. */
  wallClock?: Clock;
  logger: Logger;
  metrics?: OperatorMetrics;
  /** Workers reconciling different keys in parallel; default 1. */
  concurrency?: number;
  rateLimiter?: RateLimiter;
}

export class Controller {
  readonly name: string;
  readonly queue: WorkQueue;
  private readonly reconciler: Reconciler;
  private readonly clock: Clock;
  private readonly wallClock: Clock;
  private readonly log: Logger;
  private readonly metrics: (ControllerMetrics & { workers(n: number): void }) | undefined;
  private readonly concurrency: number;
  private readonly abort = new AbortController();
  private started = false;
  private active = 0;

  constructor(options: ControllerOptions) {
    this.name = options.name;
    this.reconciler = options.reconciler;
    this.clock = options.clock;
    this.wallClock = options.wallClock ?? options.clock;
    this.log = options.logger.child({ controller: options.name });
    this.metrics = options.metrics?.controllerMetrics(options.name);
    this.concurrency = options.concurrency ?? 1;
    this.queue = new WorkQueue({
      name: options.name,
      clock: options.clock,
      wallClock: this.wallClock,
      ...(options.rateLimiter ? { rateLimiter: options.rateLimiter } : {}),
      ...(options.metrics ? { metrics: options.metrics.queueMetrics(options.name) } : {}),
    });
  }

  /** Queues a key ("namespace/name", or "name" for cluster-scoped objects). Works before start(). */
  enqueue(key: string): void {
    this.queue.add(key);
  }

  isStarted(): boolean {
    return this.started;
  }

  /** Starts the workers; keys queued before (e.g. by the informers' initial list) are reconciled now. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.log.info({ concurrency: this.concurrency }, 'controller started');
    this.queue.start((key) => this.process(key), this.concurrency);
  }

  /** Stops taking keys and waits for the reconciles in flight (their signal is aborted). */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.queue.shutdown();
    if (this.started) this.log.info('controller stopped');
  }

  private async process(key: string): Promise<void> {
    const reconcileId = randomUUID();
    const log = this.log.child({ key, reconcileId });
    const startedAt = this.wallClock.now().getTime();
    const ctx: ReconcileContext = { log, reconcileId, clock: this.clock, signal: this.abort.signal };
    this.metrics?.workers(++this.active);
    let result: ReconcileResult;
    try {
      const outcome = await this.reconciler.reconcile(key, ctx);
      this.queue.forget(key);
      const after = outcome?.requeueAfterMs;
      if (after !== undefined && Number.isFinite(after)) {
        result = 'requeue_after';
        this.queue.addAfter(key, after);
        log.debug({ requeueAfterMs: after }, 'reconciled');
      } else {
        result = 'success';
        log.debug('reconciled');
      }
    } catch (err) {
      if (isTerminalError(err)) {
        result = 'terminal_error';
        this.queue.forget(key);
        log.error({ err, reason: err.reason }, 'reconcile failed terminally');
      } else if (this.abort.signal.aborted) {
        result = 'error';
        log.debug({ err }, 'reconcile aborted by shutdown');
      } else {
        result = 'error';
        const retries = this.queue.numRequeues(key);
        log.warn({ err, retries }, 'reconcile failed; retrying with backoff');
        this.queue.addRateLimited(key);
      }
    } finally {
      this.metrics?.workers(--this.active);
    }
    this.metrics?.reconciled(result, (this.wallClock.now().getTime() - startedAt) / 1000);
  }
}
