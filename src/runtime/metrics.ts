// Prometheus metrics of the runtime on one registry per operator (never prom-client's global registry, so
// tests and several managers in one process do not share series). Names follow controller-runtime and
// client-go, so their dashboards work: workqueue_*, controller_runtime_reconcile_*, leader_election_*.
import { Counter, collectDefaultMetrics, exponentialBuckets, Gauge, Histogram, Registry } from 'prom-client';
import type { WorkQueueMetrics } from './workqueue.js';

/**
 * The prefix of the operator's own metrics. The workqueue_*, controller_runtime_* and leader_election_* names
 * are client-go's and controller-runtime's, kept as they are because dashboards expect them.
 */
export const METRIC_PREFIX = 'tdo_';

const RECONCILE_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 5, 7.5, 10, 15, 20, 30, 45, 60,
];

/** result label of controller_runtime_reconcile_total. */
export type ReconcileResult = 'success' | 'requeue_after' | 'error' | 'terminal_error';

export interface ControllerMetrics {
  reconciled(result: ReconcileResult, seconds: number): void;
}

export interface InformerMetrics {
  listed(): void;
  watchEvent(type: string): void;
  restarted(reason: 'gone' | 'error'): void;
}

export interface OperatorMetricsOptions {
  /** Also collect prom-client's process and Node.js metrics (off in tests). */
  defaultMetrics?: boolean;
}

export class OperatorMetrics {
  readonly registry = new Registry();

  private readonly queueDepth: Gauge<'name'>;
  private readonly queueAdds: Counter<'name'>;
  private readonly queueRetries: Counter<'name'>;
  private readonly queueLatency: Histogram<'name'>;
  private readonly queueWork: Histogram<'name'>;
  private readonly reconcileTotal: Counter<'controller' | 'result'>;
  private readonly reconcileErrors: Counter<'controller'>;
  private readonly terminalErrors: Counter<'controller'>;
  private readonly reconcileTime: Histogram<'controller'>;
  private readonly activeWorkers: Gauge<'controller'>;
  private readonly leader: Gauge<'name'>;
  private readonly informerLists: Counter<'resource'>;
  private readonly informerEvents: Counter<'resource' | 'type'>;
  private readonly informerRestarts: Counter<'resource' | 'reason'>;

  constructor(options: OperatorMetricsOptions = {}) {
    const registers = [this.registry];
    const queueBuckets = exponentialBuckets(1e-6, 10, 9);
    this.queueDepth = new Gauge({
      name: 'workqueue_depth',
      help: 'Current depth of the work queue.',
      labelNames: ['name'],
      registers,
    });
    this.queueAdds = new Counter({
      name: 'workqueue_adds_total',
      help: 'Keys added to the work queue.',
      labelNames: ['name'],
      registers,
    });
    this.queueRetries = new Counter({
      name: 'workqueue_retries_total',
      help: 'Rate-limited retries of the work queue.',
      labelNames: ['name'],
      registers,
    });
    this.queueLatency = new Histogram({
      name: 'workqueue_queue_duration_seconds',
      help: 'How long a key waits in the work queue before it is processed.',
      labelNames: ['name'],
      buckets: queueBuckets,
      registers,
    });
    this.queueWork = new Histogram({
      name: 'workqueue_work_duration_seconds',
      help: 'How long processing a key from the work queue takes.',
      labelNames: ['name'],
      buckets: queueBuckets,
      registers,
    });
    this.reconcileTotal = new Counter({
      name: 'controller_runtime_reconcile_total',
      help: 'Reconciles per controller and result (success, requeue_after, error, terminal_error).',
      labelNames: ['controller', 'result'],
      registers,
    });
    this.reconcileErrors = new Counter({
      name: 'controller_runtime_reconcile_errors_total',
      help: 'Reconciles that failed, terminally or not.',
      labelNames: ['controller'],
      registers,
    });
    this.terminalErrors = new Counter({
      name: 'controller_runtime_terminal_reconcile_errors_total',
      help: 'Reconciles that failed with a terminal error (not retried).',
      labelNames: ['controller'],
      registers,
    });
    this.reconcileTime = new Histogram({
      name: 'controller_runtime_reconcile_time_seconds',
      help: 'How long a reconcile takes.',
      labelNames: ['controller'],
      buckets: RECONCILE_BUCKETS,
      registers,
    });
    this.activeWorkers = new Gauge({
      name: 'controller_runtime_active_workers',
      help: 'Workers of a controller reconciling now.',
      labelNames: ['controller'],
      registers,
    });
    this.leader = new Gauge({
      name: 'leader_election_master_status',
      help: '1 while this instance holds the lease, else 0.',
      labelNames: ['name'],
      registers,
    });
    this.informerLists = new Counter({
      name: `${METRIC_PREFIX}informer_lists_total`,
      help: 'Full lists an informer made (the first one, and relists after 410 Gone or errors).',
      labelNames: ['resource'],
      registers,
    });
    this.informerEvents = new Counter({
      name: `${METRIC_PREFIX}informer_watch_events_total`,
      help: 'Watch events an informer received, by type.',
      labelNames: ['resource', 'type'],
      registers,
    });
    this.informerRestarts = new Counter({
      name: `${METRIC_PREFIX}informer_restarts_total`,
      help: 'Times an informer restarted its list/watch, by reason (gone: 410, or a resourceVersion ahead of the server; error: anything else).',
      labelNames: ['resource', 'reason'],
      registers,
    });
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** Hooks for the WorkQueue named `name`. */
  queueMetrics(name: string): WorkQueueMetrics {
    return {
      depth: (depth) => this.queueDepth.set({ name }, depth),
      add: () => this.queueAdds.inc({ name }),
      retry: () => this.queueRetries.inc({ name }),
      queueDuration: (seconds) => this.queueLatency.observe({ name }, seconds),
      workDuration: (seconds) => this.queueWork.observe({ name }, seconds),
    };
  }

  controllerMetrics(controller: string): ControllerMetrics & { workers(n: number): void } {
    return {
      reconciled: (result, seconds) => {
        this.reconcileTotal.inc({ controller, result });
        if (result === 'error' || result === 'terminal_error') this.reconcileErrors.inc({ controller });
        if (result === 'terminal_error') this.terminalErrors.inc({ controller });
        this.reconcileTime.observe({ controller }, seconds);
      },
      workers: (n) => this.activeWorkers.set({ controller }, n),
    };
  }

  informerMetrics(resource: string): InformerMetrics {
    return {
      listed: () => this.informerLists.inc({ resource }),
      watchEvent: (type) => this.informerEvents.inc({ resource, type }),
      restarted: (reason) => this.informerRestarts.inc({ resource, reason }),
    };
  }

  setLeader(name: string, leading: boolean): void {
    this.leader.set({ name }, leading ? 1 : 0);
  }

  /** The exposition text for /metrics. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
