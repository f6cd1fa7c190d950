// Runs the operator against the embedded control plane on a FakeClock with a MemoryTransport, records every
// command sent with the clock time, and steps simulated time from timer to timer, letting reconciles settle
// between steps. "Settled" is exact, not a pause: no request in flight, every informer has seen the
// server's latest resourceVersion (bookmarks carry it), and every work queue is empty with no retry pending.

import { setImmediate as nextTurn, setTimeout as pause } from 'node:timers/promises';
import type { KubeConfig } from '@kubernetes/client-node';
import pino, { type Logger } from 'pino';
import type { Component } from '../../src/api/v1alpha1/index.js';
import { type Config, parseConfig } from '../../src/config/config.js';
import { KubeClient } from '../../src/k8s/client.js';
import {
  type Operator,
  type OperatorOptions,
  startOperator,
  withKeepAlive,
} from '../../src/operator/index.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { MemoryTransport } from '../../src/transport/memory.js';
import type { UpdateCommand } from '../../src/transport/types.js';
import { ClientSpy } from '../support/client-spy.js';

export interface SendRecord {
  deviceId: string;
  commandId: string;
  component: Component;
  version: string;
  /** The operator clock when send() was called. */
  at: Date;
  /** Which operator sent it (harness label). */
  by: string;
}

export interface HarnessOptions {
  kubeConfig: () => KubeConfig;
  start: string | Date;
  /** Extra config flags, e.g. ['--leader-elect']. */
  flags?: string[];
}

export interface StartOptions extends Partial<Omit<OperatorOptions, 'config'>> {
  label?: string;
  flags?: string[];
}

/** Config for a test operator: memory transport, ephemeral ports, quiet logs. */
export function testConfig(flags: string[] = []): Readonly<Config> {
  return parseConfig(
    ['--transport', 'memory', '--metrics-port', '0', '--health-port', '0', '--log-level', 'silent', ...flags],
    {},
  );
}

export const testLogger = (): Logger => pino({ level: process.env.TDO_TEST_LOG_LEVEL || 'silent' });

/** A guard against a timer that re-arms itself at the same instant forever. */
const MAX_STEPS = 200_000;

export class OperatorHarness {
  readonly clock: FakeClock;
  readonly memory: MemoryTransport;
  readonly client: ClientSpy;
  /** Asks the server for its resourceVersion (not counted: not the operator's traffic). */
  private readonly probe: KubeClient;
  readonly sends: SendRecord[] = [];
  readonly operators: Operator[] = [];
  private readonly stopped = new Set<Operator>();
  private readonly options: HarnessOptions;

  constructor(options: HarnessOptions) {
    this.options = options;
    this.clock = new FakeClock(options.start);
    this.memory = new MemoryTransport({ clock: this.clock, logger: testLogger() });
    // The operator's client as `run` makes it (keep-alive connections), counting what it sends.
    this.client = new ClientSpy(withKeepAlive(options.kubeConfig()));
    this.probe = new KubeClient(withKeepAlive(options.kubeConfig()));
  }

  /** Starts an operator on the shared cluster client, clock and MemoryTransport. */
  async start(options: StartOptions = {}): Promise<Operator> {
    const { label = `operator-${this.operators.length + 1}`, flags, ...rest } = options;
    const operator = await startOperator({
      config: testConfig([...(this.options.flags ?? []), ...(flags ?? [])]),
      client: this.client,
      clock: this.clock,
      transport: this.recordingTransport(label),
      logger: testLogger(),
      host: '127.0.0.1',
      identity: label,
      ...rest,
    });
    this.operators.push(operator);
    void operator.done.then(() => this.stopped.add(operator));
    return operator;
  }

  async stop(operator: Operator): Promise<void> {
    await operator.stop();
    this.stopped.add(operator);
  }

  async stopAll(): Promise<void> {
    for (const operator of this.operators) await this.stop(operator);
  }

  live(): Operator[] {
    return this.operators.filter((o) => !this.stopped.has(o));
  }

  /** Waits until the operators have nothing left to do at the current instant. */
  async settle(limitMs = 60_000): Promise<void> {
    const deadline = Date.now() + limitMs;
    for (;;) {
      if (Date.now() > deadline) throw new Error(`the operators did not settle within ${limitMs} ms`);
      const live = this.live();
      // A standby's controllers hold keys until it leads: only started ones have work to finish.
      const queues = live.flatMap((o) =>
        [...o.controllers.values()].filter((c) => c.isStarted()).map((c) => c.queue),
      );
      await Promise.all(queues.map((q) => q.idle()));
      while (this.client.pending > 0) await nextTurn();
      const rv = await this.globalResourceVersion();
      const informers = live.flatMap((o) => Object.values(o.informers));
      while (!informers.every((i) => Number(i.lastSyncResourceVersion() || 0) >= rv)) {
        if (Date.now() > deadline) throw new Error('the informers did not catch up with the server');
        await pause(1);
      }
      for (let i = 0; i < 3; i++) await nextTurn();
      const retrying = queues.some((q) => q.delayedKeys().some((key) => q.numRequeues(key) > 0));
      const busy =
        retrying || this.client.pending > 0 || queues.some((q) => q.len() > 0 || q.inProcess() > 0);
      if (!busy && (await this.globalResourceVersion()) === rv) return;
      if (retrying) await pause(2);
    }
  }

  /**
   * Advances the clock from timer to timer up to `end`, settling after each step; then to `end`.
   * Returns the number of steps.
   */
  async runUntil(end: Date, onStep?: (at: Date) => void | Promise<void>): Promise<number> {
    let steps = 0;
    await this.settle();
    for (let next = this.clock.nextTimerAt(); next && next <= end; next = this.clock.nextTimerAt()) {
      if (steps > MAX_STEPS)
        throw new Error(`more than ${MAX_STEPS} timer steps before ${end.toISOString()}`);
      await this.clock.advanceTo(next);
      await this.settle();
      steps++;
      await onStep?.(next);
    }
    if (this.clock.now() < end) await this.clock.advanceTo(end);
    await this.settle();
    return steps;
  }

  /** Steps from timer to timer (at most up to `limit`) while `condition` holds. */
  async stepWhile(condition: () => boolean, limit: Date): Promise<void> {
    await this.settle();
    while (condition()) {
      const next = this.clock.nextTimerAt();
      if (!next || next > limit) return;
      await this.clock.advanceTo(next);
      await this.settle();
    }
  }

  /** Sends recorded for one device, in order. */
  sendsTo(deviceId: string): SendRecord[] {
    return this.sends.filter((s) => s.deviceId === deviceId);
  }

  private async globalResourceVersion(): Promise<number> {
    const list = await this.probe.list('/api/v1/namespaces', { limit: 1 });
    return Number(list.metadata?.resourceVersion ?? 0);
  }

  /** The shared MemoryTransport, seen through a proxy that records send() with the clock time. */
  private recordingTransport(label: string): MemoryTransport {
    const memory = this.memory;
    const send = async (deviceId: string, command: UpdateCommand) => {
      this.sends.push({
        deviceId,
        commandId: command.commandId,
        component: command.component,
        version: command.version,
        at: this.clock.now(),
        by: label,
      });
      return memory.send(deviceId, command);
    };
    return new Proxy(memory, {
      get(target, prop) {
        if (prop === 'send') return send;
        const value = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }
}
