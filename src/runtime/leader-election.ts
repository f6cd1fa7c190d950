// Leader election on a coordination.k8s.io/v1 Lease, after client-go's leaderelection package:
// - every retryPeriod (2 s) each candidate tries to acquire or renew the lease with an optimistic PUT;
// - a lease held by another is respected while it keeps changing: a standby takes it over only after
//   seeing the same record for leaseDuration (15 s) of its own clock (so clock skew between hosts does not
//   matter), i.e. within leaseDuration + retryPeriod of the leader's death;
// - the leader that cannot renew for renewDeadline (10 s), or that finds another holder, loses leadership;
// - stop() releases a held lease (empty holder, 1 s duration) so a standby takes over at its next retry.
// An elector that lost leadership does not run again: the manager stops and the process restarts.

import pino, { type Logger } from 'pino';
import { namespacedKey } from '../api/v1alpha1/keys.js';
import type { KubeClient } from '../k8s/client.js';
import { isAlreadyExists, isConflict, isNotFound } from '../k8s/errors.js';
import type { KubeObject } from '../k8s/object.js';
import { LEASES, resourcePath } from '../k8s/resource.js';
import { formatMicroTime } from '../k8s/time.js';
import { type Clock, setTimerIn, type TimerHandle } from './clock.js';
import type { OperatorMetrics } from './metrics.js';

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export interface Lease extends KubeObject {
  spec?: LeaseSpec;
}

export interface LeaderElectionOptions {
  client: KubeClient;
  namespace: string;
  name: string;
  /** Unique per candidate, e.g. pod name + random suffix. */
  identity: string;
  clock: Clock;
  logger?: Logger;
  metrics?: OperatorMetrics;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** Real-time limit of one API call; default 5 s. */
  requestTimeoutMs?: number;
  onStartedLeading?: () => void;
  /** Called when leadership ends: lost (renew failed, another holder) or released by stop(). */
  onStoppedLeading?: (reason: 'lost' | 'released') => void;
  /** Called when the observed holder changes (including to this candidate). */
  onNewLeader?: (identity: string) => void;
}

type Attempt = 'leading' | 'held-by-other' | 'failed';

export class LeaderElector {
  readonly identity: string;
  private readonly client: KubeClient;
  private readonly namespace: string;
  private readonly name: string;
  private readonly path: string;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly metrics: OperatorMetrics | undefined;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly requestTimeoutMs: number;
  private readonly options: LeaderElectionOptions;

  private leading = false;
  private done = false;
  private started = false;
  private timer: TimerHandle | undefined;
  private inflight: Promise<void> = Promise.resolve();
  private lastRenew = 0;
  /** The lease as last read or written, and when (on our clock) its record last changed. */
  private observed: Lease | undefined;
  private observedRecord = '';
  private observedAt = 0;
  private observedHolder: string | undefined;

  constructor(options: LeaderElectionOptions) {
    this.options = options;
    this.identity = options.identity;
    this.client = options.client;
    this.namespace = options.namespace;
    this.name = options.name;
    this.path = resourcePath(LEASES, { namespace: options.namespace, name: options.name });
    this.clock = options.clock;
    this.log = (options.logger ?? pino({ level: 'silent' })).child({
      lease: namespacedKey(options.namespace, options.name),
      identity: options.identity,
    });
    this.metrics = options.metrics;
    this.leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 5_000;
    if (!(this.leaseDurationMs > this.renewDeadlineMs && this.renewDeadlineMs > this.retryPeriodMs)) {
      throw new Error('leader election needs leaseDuration > renewDeadline > retryPeriod');
    }
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** The holder last observed on the lease ('' or undefined when nobody holds it). */
  leader(): string | undefined {
    return this.observedHolder;
  }

  /** Makes the first attempt now (resolved when it is done), then one every retryPeriod. */
  start(): Promise<void> {
    if (this.started) return this.inflight;
    this.started = true;
    this.metrics?.setLeader(this.name, false);
    return this.tick();
  }

  /** Stops trying; a leader releases the lease first. */
  async stop(): Promise<void> {
    if (this.done) {
      await this.inflight;
      return;
    }
    this.done = true;
    this.timer?.cancel();
    await this.inflight;
    if (!this.leading) return;
    this.leading = false;
    this.metrics?.setLeader(this.name, false);
    await this.release();
    this.options.onStoppedLeading?.('released');
  }

  private tick(): Promise<void> {
    this.inflight = this.attempt();
    return this.inflight;
  }

  private async attempt(): Promise<void> {
    if (this.done) return;
    const now = this.clock.now().getTime();
    let outcome: Attempt;
    try {
      outcome = await this.tryAcquireOrRenew(now);
    } catch (err) {
      this.log.warn({ err }, 'could not reach the lease');
      outcome = 'failed';
    }
    if (this.done) return;
    if (outcome === 'leading') {
      this.lastRenew = now;
      if (!this.leading) {
        this.leading = true;
        this.metrics?.setLeader(this.name, true);
        this.log.info('acquired the lease; leading');
        this.options.onStartedLeading?.();
      }
    } else if (this.leading) {
      const deadlinePassed = now - this.lastRenew >= this.renewDeadlineMs;
      if (outcome === 'held-by-other' || deadlinePassed) {
        this.lose(
          outcome === 'held-by-other' ? 'another candidate holds the lease' : 'renew deadline passed',
        );
        return;
      }
    }
    this.timer = setTimerIn(this.clock, this.retryPeriodMs, () => this.tick());
  }

  private lose(why: string): void {
    this.leading = false;
    this.done = true;
    this.metrics?.setLeader(this.name, false);
    this.log.error({ why }, 'leadership lost');
    this.options.onStoppedLeading?.('lost');
  }

  private async tryAcquireOrRenew(now: number): Promise<Attempt> {
    const signal = AbortSignal.timeout(this.requestTimeoutMs);
    const desired: LeaseSpec = {
      holderIdentity: this.identity,
      leaseDurationSeconds: Math.round(this.leaseDurationMs / 1000),
      acquireTime: formatMicroTime(new Date(now)),
      renewTime: formatMicroTime(new Date(now)),
      leaseTransitions: 0,
    };
    let current: Lease;
    try {
      current = await this.client.get<Lease>(this.path, signal);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      try {
        const created = await this.client.create<Lease>(
          resourcePath(LEASES, { namespace: this.namespace }),
          {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: { name: this.name, namespace: this.namespace },
            spec: desired,
          } as Lease,
          signal,
        );
        this.observe(created, now);
        return 'leading';
      } catch (createErr) {
        if (isAlreadyExists(createErr)) return 'failed';
        throw createErr;
      }
    }

    this.observe(current, now);
    const spec = current.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const heldByOther = holder !== '' && holder !== this.identity;
    const validFor = (spec.leaseDurationSeconds ?? 0) * 1000;
    if (heldByOther && this.observedAt + validFor > now) return 'held-by-other';

    const next: LeaseSpec =
      holder === this.identity
        ? { ...desired, acquireTime: spec.acquireTime, leaseTransitions: spec.leaseTransitions ?? 0 }
        : { ...desired, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 };
    try {
      const updated = await this.client.replace<Lease>(this.path, { ...current, spec: next }, signal);
      this.observe(updated, now);
      return 'leading';
    } catch (err) {
      if (isConflict(err)) return 'failed';
      throw err;
    }
  }

  /** Remembers the lease; its record "changed" (resetting the expiry count) only if the spec differs. */
  private observe(lease: Lease, now: number): void {
    this.observed = lease;
    const record = JSON.stringify(lease.spec ?? {});
    if (record !== this.observedRecord) {
      this.observedRecord = record;
      this.observedAt = now;
    }
    const holder = lease.spec?.holderIdentity;
    if (holder !== this.observedHolder) {
      this.observedHolder = holder;
      if (holder) {
        this.log.info({ leader: holder }, 'new leader observed');
        this.options.onNewLeader?.(holder);
      }
    }
  }

  private async release(): Promise<void> {
    const lease = this.observed;
    if (!lease || lease.spec?.holderIdentity !== this.identity) return;
    const now = formatMicroTime(this.clock.now());
    try {
      const released = await this.client.replace<Lease>(
        this.path,
        {
          ...lease,
          spec: {
            leaseDurationSeconds: 1,
            acquireTime: now,
            renewTime: now,
            leaseTransitions: lease.spec?.leaseTransitions ?? 0,
          },
        },
        AbortSignal.timeout(this.requestTimeoutMs),
      );
      this.observed = released;
      this.log.info('released the lease');
    } catch (err) {
      // Conflict: someone else already took it. Anything else: it expires by itself.
      this.log.warn({ err }, 'could not release the lease');
    }
  }
}
