// Runs the operator's runtime, like controller-runtime's manager:
//   start: probe/metrics servers -> informers -> wait until all synced -> (win the Lease, with
//          --leader-elect) -> controllers and other runnables that need leadership;
//   stop (SIGTERM/SIGINT, lost leadership, or stop()): not ready -> controllers stop (reconciles in flight
//          finish) -> the Lease is released -> informers stop -> servers close.
// A standby replica keeps its informers synced (ready) and takes over without a cold start.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { LOOPBACK } from '../config/bind-address.js';
import type { Config } from '../config/config.js';
import type { KubeClient } from '../k8s/client.js';
import type { KubeObject } from '../k8s/object.js';
import type { Unreachable } from '../k8s/reachability.js';
import type { ResourceRef } from '../k8s/resource.js';
import { type Clock, RealClock } from './clock.js';
import { Controller, type ControllerOptions, type Reconciler } from './controller.js';
import { type Check, ProbeServer } from './health.js';
import { Informer, type InformerOptions } from './informer.js';
import { LeaderElector } from './leader-election.js';
import { OperatorMetrics } from './metrics.js';

/** Something the manager starts and stops: a controller, an MQTT subscription... */
export interface Runnable {
  name: string;
  /** Default true: runs only on the leader (with --leader-elect). */
  needLeaderElection?: boolean;
  start(): void | Promise<void>;
  stop(): Promise<void>;
}

export type ManagerConfig = Pick<
  Config,
  'namespace' | 'metricsPort' | 'healthPort' | 'leaderElect' | 'leaseNamespace' | 'leaseName' | 'instanceName'
> &
  Partial<Pick<Config, 'metricsHost' | 'healthHost'>>;

export interface ManagerOptions {
  config: ManagerConfig;
  client: KubeClient;
  /** The operator's clock (simulated when accelerated): requeueAfterMs delays. */
  clock: Clock;
  /** Real time: retry backoff, informer restarts, leader election. Default RealClock. */
  wallClock?: Clock;
  logger: Logger;
  metrics?: OperatorMetrics;
  /** Leader-election identity; default <instanceName or hostname>_<random>. */
  identity?: string;
  /** Interface both probe servers listen on, over config.healthHost/metricsHost (default: loopback). */
  host?: string;
  /** Leader election timings (tests); defaults 15 s / 10 s / 2 s. */
  leaderElection?: { leaseDurationMs?: number; renewDeadlineMs?: number; retryPeriodMs?: number };
  /**
   * /readyz fails once the API server has been unreachable (connection refused, reset...) this long, in ms
   * of wallClock; default API_UNREACHABLE_GRACE_MS. Refused credentials (401, still after re-reading them)
   * fail it at once: they do not mend by waiting.
   */
  apiUnreachableGraceMs?: number;
}

/** A restart of the API server takes a few seconds; longer than this, the operator is not ready. */
export const API_UNREACHABLE_GRACE_MS = 10_000;

export type StopReason = 'stopped' | 'signal' | 'leadership-lost' | 'failed';

export class Manager {
  readonly client: KubeClient;
  readonly clock: Clock;
  readonly wallClock: Clock;
  readonly logger: Logger;
  readonly metrics: OperatorMetrics;
  readonly identity: string;
  /** Resolves with the reason once the manager has stopped. */
  readonly done: Promise<StopReason>;

  private readonly config: ManagerConfig;
  private readonly host: string | undefined;
  private readonly informers: Informer<KubeObject>[] = [];
  private readonly runnables: Runnable[] = [];
  private readonly elector: LeaderElector | undefined;
  private servers: ProbeServer[] = [];
  private phase: 'new' | 'starting' | 'running' | 'stopping' | 'stopped' = 'new';
  private leaderRunnablesStarted = false;
  private stopping: Promise<void> | undefined;
  private resolveDone!: (reason: StopReason) => void;
  private readonly apiUnreachableGraceMs: number;
  /** The API server's current problem and since when (wallClock ms), while it has one. */
  private apiProblem: { problem: Unreachable; since: number } | undefined;
  private readonly stopWatchingApi: () => void;

  constructor(options: ManagerOptions) {
    this.config = options.config;
    this.client = options.client;
    this.clock = options.clock;
    this.wallClock = options.wallClock ?? new RealClock();
    this.logger = options.logger;
    this.metrics = options.metrics ?? new OperatorMetrics();
    this.host = options.host;
    this.apiUnreachableGraceMs = options.apiUnreachableGraceMs ?? API_UNREACHABLE_GRACE_MS;
    this.stopWatchingApi = this.client.reachability.onChange((problem) => {
      this.apiProblem = problem ? { problem, since: this.wallClock.now().getTime() } : undefined;
      if (problem) this.logger.warn({ problem: problem.message }, 'API server not usable');
      else this.logger.info('API server answers again');
    });
    this.identity =
      options.identity ?? `${options.config.instanceName ?? hostname()}_${randomUUID().slice(0, 8)}`;
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
    if (options.config.leaderElect) {
      this.elector = new LeaderElector({
        client: this.client,
        namespace: options.config.leaseNamespace,
        name: options.config.leaseName,
        identity: this.identity,
        clock: this.wallClock,
        logger: this.logger,
        metrics: this.metrics,
        ...options.leaderElection,
        onStartedLeading: () => void this.startLeaderRunnables(),
        onStoppedLeading: (why) => {
          if (why === 'lost') void this.stop('leadership-lost');
        },
      });
    }
  }

  /** An informer registered with the manager, watching the configured namespace (or all). */
  informer<T extends KubeObject>(
    resource: ResourceRef,
    options: Omit<InformerOptions<T>, 'client' | 'resource'> = {},
  ): Informer<T> {
    const informer = new Informer<T>({
      client: this.client,
      resource,
      namespace: this.config.namespace,
      clock: this.wallClock,
      logger: this.logger,
      metrics: this.metrics,
      ...options,
    });
    this.informers.push(informer as unknown as Informer<KubeObject>);
    return informer;
  }

  /** A controller registered with the manager; it runs on the leader once the informers have synced. */
  controller(
    name: string,
    reconciler: Reconciler,
    options: Pick<ControllerOptions, 'concurrency' | 'rateLimiter'> = {},
  ): Controller {
    const controller = new Controller({
      name,
      reconciler,
      clock: this.clock,
      wallClock: this.wallClock,
      logger: this.logger,
      metrics: this.metrics,
      ...options,
    });
    this.add({ name, start: () => controller.start(), stop: () => controller.stop() });
    return controller;
  }

  add(runnable: Runnable): void {
    if (this.phase !== 'new') throw new Error(`add ${runnable.name} before the manager starts`);
    this.runnables.push(runnable);
  }

  isLeader(): boolean {
    return this.elector ? this.elector.isLeader() : this.phase === 'running';
  }

  /** Ports the probe servers listen on (useful with port 0). */
  ports(): { health: number | undefined; metrics: number | undefined } {
    const [first, second] = this.servers;
    return { health: first?.port, metrics: (second ?? first)?.port };
  }

  /** Where the probe servers listen, as the OS reports it (host "127.0.0.1", "::"...). */
  addresses(): { health?: { host: string; port: number }; metrics?: { host: string; port: number } } {
    const [first, second] = this.servers;
    const at = (s: ProbeServer | undefined) => (s ? { host: s.host, port: s.port } : undefined);
    const health = at(first);
    const metrics = at(second ?? first);
    return { ...(health ? { health } : {}), ...(metrics ? { metrics } : {}) };
  }

  /** Starts everything; resolves once informers have synced and leadership is settled (won or standing by). */
  async start(): Promise<void> {
    if (this.phase !== 'new') throw new Error('the manager was already started');
    this.phase = 'starting';
    try {
      await this.startServers();
      for (const informer of this.informers) informer.start();
      await Promise.all(this.informers.map((i) => i.waitForSync()));
      if (this.isStopping()) return;
      this.logger.info({ informers: this.informers.length }, 'caches synced');
      for (const r of this.runnables) if (r.needLeaderElection === false) await r.start();
      this.phase = 'running';
      if (this.elector) await this.elector.start();
      else await this.startLeaderRunnables();
    } catch (err) {
      if (this.isStopping()) return;
      this.logger.error({ err }, 'manager failed to start');
      await this.stop('failed');
      throw err;
    }
  }

  /** Stops in order (see the top of this file); idempotent. */
  stop(reason: StopReason = 'stopped'): Promise<void> {
    if (this.stopping) return this.stopping;
    this.stopping = (async () => {
      this.phase = 'stopping';
      this.logger.info({ reason }, 'stopping');
      const results = await Promise.allSettled(this.runnables.map((r) => r.stop()));
      for (const [i, result] of results.entries()) {
        if (result.status === 'rejected') {
          this.logger.error({ err: result.reason, runnable: this.runnables[i]?.name }, 'stop failed');
        }
      }
      await this.elector?.stop();
      await Promise.all(this.informers.map((i) => i.stop()));
      await Promise.all(this.servers.map((s) => s.close()));
      this.stopWatchingApi();
      this.phase = 'stopped';
      this.logger.info({ reason }, 'stopped');
      this.resolveDone(reason);
    })();
    return this.stopping;
  }

  /** Stops on SIGTERM or SIGINT; returns a function removing the handlers. */
  handleSignals(proc: Pick<NodeJS.Process, 'once' | 'off'> = process): () => void {
    const onSignal = (signal: NodeJS.Signals) => {
      this.logger.info({ signal }, 'signal received');
      void this.stop('signal');
    };
    proc.once('SIGTERM', onSignal);
    proc.once('SIGINT', onSignal);
    return () => {
      proc.off('SIGTERM', onSignal);
      proc.off('SIGINT', onSignal);
    };
  }

  /** The API server usable, synced informers and, on the leader, started controllers. */
  readinessProblem(): string | undefined {
    if (this.phase === 'stopping' || this.phase === 'stopped') return 'shutting down';
    const api = this.apiProblem;
    if (
      api &&
      (api.problem.kind === 'unauthorized' ||
        this.wallClock.now().getTime() - api.since >= this.apiUnreachableGraceMs)
    ) {
      return `API server: ${api.problem.message}`;
    }
    const unsynced = this.informers.filter((i) => !i.hasSynced()).map((i) => i.resource.plural);
    if (unsynced.length > 0) return `informers not synced: ${unsynced.join(', ')}`;
    if (this.phase !== 'running') return 'starting';
    if (this.isLeader() && !this.leaderRunnablesStarted) return 'controllers not started';
    return undefined;
  }

  private isStopping(): boolean {
    return this.stopping !== undefined;
  }

  private async startLeaderRunnables(): Promise<void> {
    if (this.leaderRunnablesStarted || this.isStopping()) return;
    this.leaderRunnablesStarted = true;
    for (const r of this.runnables) {
      if (r.needLeaderElection !== false) await r.start();
    }
    this.logger.info({ identity: this.identity }, 'controllers started');
  }

  private async startServers(): Promise<void> {
    const healthz: Check[] = [{ name: 'ping', check: () => undefined }];
    const readyz: Check[] = [{ name: 'manager', check: () => this.readinessProblem() }];
    const { healthPort, metricsPort } = this.config;
    const healthHost = this.host ?? this.config.healthHost ?? LOOPBACK;
    const metricsHost = this.host ?? this.config.metricsHost ?? LOOPBACK;
    const health = { host: healthHost, port: healthPort, healthz, readyz, logger: this.logger };
    if (healthPort === metricsPort && healthPort !== 0 && healthHost === metricsHost) {
      this.servers = [await ProbeServer.start({ ...health, metrics: this.metrics })];
    } else {
      this.servers = [await ProbeServer.start(health)];
      this.servers.push(
        await ProbeServer.start({
          host: metricsHost,
          port: metricsPort,
          metrics: this.metrics,
          logger: this.logger,
        }),
      );
    }
    const bound = this.addresses();
    this.logger.info(
      { ...this.ports(), healthHost: bound.health?.host, metricsHost: bound.metrics?.host },
      'probe and metrics servers listening',
    );
  }
}
