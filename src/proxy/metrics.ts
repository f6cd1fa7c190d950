// Prometheus metrics of one proxy on its own registry (never prom-client's global one, so several proxies in
// one test process do not share series), all named tdo_proxy_*.

import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { MALFORMED_REASONS, type MalformedReason } from '../transport/protocol.js';
import {
  ARTIFACT_FAILURE_REASONS,
  type ArtifactFailureReason,
  type ArtifactFetchResult,
} from './artifacts.js';

export const PROXY_METRIC_PREFIX = 'tdo_proxy_';

/** What the proxy did with a command it received: the result label of the commands metric. */
export const COMMAND_RESULTS = [
  'accepted',
  'finished_before',
  'running',
  'rejected_not_after',
  'rejected_busy',
  'not_served',
] as const;
export type CommandResult = (typeof COMMAND_RESULTS)[number];

const name = (n: string) => `${PROXY_METRIC_PREFIX}${n}`;

export class ProxyMetrics {
  readonly registry = new Registry();
  readonly connected: Gauge;
  readonly reconnects: Counter;
  readonly devices: Gauge;
  readonly commands: Counter<'result'>;
  readonly malformed: Counter<'reason'>;
  readonly artifactFetches: Counter<'result'>;
  readonly artifactFailures: Counter<'reason'>;
  readonly commandDuration: Histogram<'state'>;
  readonly configErrors: Counter;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.connected = new Gauge({
      name: name('connected'),
      help: '1 while the proxy is connected to the MQTT broker.',
      registers,
    });
    this.reconnects = new Counter({
      name: name('reconnects_total'),
      help: 'Connections to the broker after the first.',
      registers,
    });
    this.devices = new Gauge({
      name: name('devices'),
      help: 'Devices this proxy serves now (its share of the pool).',
      registers,
    });
    this.commands = new Counter({
      name: name('commands_received_total'),
      help: 'Valid commands received, by what the proxy did with them.',
      labelNames: ['result'],
      registers,
    });
    this.malformed = new Counter({
      name: name('malformed_messages_total'),
      help: 'Messages dropped because they are not what the protocol says, by reason.',
      labelNames: ['reason'],
      registers,
    });
    this.artifactFetches = new Counter({
      name: name('artifact_fetches_total'),
      help: 'Artifacts checked, by how they were served: downloaded, cached (on disk) or shared (a download in progress).',
      labelNames: ['result'],
      registers,
    });
    this.artifactFailures = new Counter({
      name: name('artifact_failures_total'),
      help: 'Artifact fetches that failed, by reason.',
      labelNames: ['reason'],
      registers,
    });
    this.commandDuration = new Histogram({
      name: name('command_duration_seconds'),
      help: 'Real seconds from receiving a command to its final event, by final state.',
      labelNames: ['state'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
      registers,
    });
    this.configErrors = new Counter({
      name: name('config_errors_total'),
      help: 'Reads of devices.json or simulator.json that were rejected (the last good one is kept).',
      registers,
    });
    // Every label value present from the start, so a dashboard shows 0 rather than no series.
    for (const r of COMMAND_RESULTS) this.commands.inc({ result: r }, 0);
    for (const r of MALFORMED_REASONS) this.malformed.inc({ reason: r }, 0);
    for (const r of ['downloaded', 'cached', 'shared'] satisfies ArtifactFetchResult[]) {
      this.artifactFetches.inc({ result: r }, 0);
    }
    for (const r of ARTIFACT_FAILURE_REASONS) this.artifactFailures.inc({ reason: r }, 0);
    this.connected.set(0);
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry });
  }

  malformedMessage(reason: MalformedReason): void {
    this.malformed.inc({ reason });
  }

  artifactFailed(reason: ArtifactFailureReason): void {
    this.artifactFailures.inc({ reason });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
