// The transport's series on /metrics, read at scrape time from the transport: commands sent, device messages
// received, malformed payloads dropped (counted and logged, never a crash) by reason and, for a transport
// with a broker link (MQTT), the connection, its reconnects, messages by topic kind and direction, the
// commands in flight and waiting, and the command round trip (publish to first event).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { METRIC_PREFIX } from '../runtime/metrics.js';
import { MALFORMED_REASONS } from './protocol.js';
import type { DeviceTransport, TransportStats } from './types.js';

export const MESSAGE_KINDS = ['state', 'events', 'commands', 'presence', 'resync'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** Which way a message went, as the operator sees it: from the broker (`in`) or to it (`out`). */
const DIRECTIONS: Readonly<Record<MessageKind, 'in' | 'out'>> = {
  state: 'in',
  events: 'in',
  presence: 'in',
  commands: 'out',
  resync: 'out',
};

/** What a transport with a broker connection tells the metrics. */
export interface LinkMetricsSource {
  readonly connected: boolean;
  readonly reconnects: number;
  /** By `${kind} ${direction}`. */
  readonly messages: ReadonlyMap<string, number>;
  readonly commandsInFlight: number;
  readonly commandsWaiting: number;
  onRoundTrip(listener: (ms: number) => void): void;
}

const COUNTERS: ReadonlyArray<{ name: string; help: string; stat: keyof TransportStats }> = [
  {
    name: `${METRIC_PREFIX}transport_commands_sent_total`,
    help: 'Update commands handed to the transport.',
    stat: 'sent',
  },
  {
    name: `${METRIC_PREFIX}transport_messages_received_total`,
    help: 'Valid state and event messages received from devices.',
    stat: 'received',
  },
];

/** Round trips of a healthy fleet take milliseconds to seconds; a minute means the slot timed out. */
const ROUND_TRIP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export function registerTransportMetrics(registry: Registry, transport: DeviceTransport): void {
  for (const { name, help, stat } of COUNTERS) {
    if (registry.getSingleMetric(name)) continue;
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(transport.stats[stat]);
      },
    });
  }
  registerMalformed(registry, transport);
  if (isLink(transport)) registerLink(registry, transport);
}

function isLink(transport: DeviceTransport): transport is DeviceTransport & LinkMetricsSource {
  return typeof (transport as Partial<LinkMetricsSource>).onRoundTrip === 'function';
}

/**
 * Malformed payloads by why (`topic`, `too_large`, `not_json`, `schema`, `device_mismatch`); every reason has
 * a series from the start, so a rate over any of them works before the first bad message.
 */
function registerMalformed(registry: Registry, transport: DeviceTransport): void {
  const name = `${METRIC_PREFIX}transport_messages_malformed_total`;
  const counts = transport.malformedByReason;
  if (registry.getSingleMetric(name)) return;
  new Counter({
    name,
    help: 'Device messages (or topics) that failed validation and were dropped, by reason.',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      this.reset();
      for (const reason of MALFORMED_REASONS) this.inc({ reason }, counts.get(reason));
    },
  });
}

function registerLink(registry: Registry, link: LinkMetricsSource): void {
  const connectedName = `${METRIC_PREFIX}transport_connected`;
  if (registry.getSingleMetric(connectedName)) return;
  new Gauge({
    name: connectedName,
    help: 'Whether the transport is connected to the broker now (1) or not (0).',
    registers: [registry],
    collect() {
      this.set(link.connected ? 1 : 0);
    },
  });
  new Counter({
    name: `${METRIC_PREFIX}transport_reconnects_total`,
    help: 'Broker connections lost and attempted again.',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(link.reconnects);
    },
  });
  new Counter({
    name: `${METRIC_PREFIX}transport_messages_total`,
    help: 'MQTT messages by topic kind and direction (in: from the broker, out: to it), malformed ones included.',
    labelNames: ['kind', 'direction'],
    registers: [registry],
    collect() {
      this.reset();
      for (const kind of MESSAGE_KINDS) {
        const direction = DIRECTIONS[kind];
        this.inc({ kind, direction }, link.messages.get(`${kind} ${direction}`) ?? 0);
      }
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}transport_commands_in_flight`,
    help: 'Commands published and not yet answered by an event, over all proxies.',
    registers: [registry],
    collect() {
      this.set(link.commandsInFlight);
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}transport_commands_waiting`,
    help: 'Commands waiting because their proxy has as many un-answered commands as allowed.',
    registers: [registry],
    collect() {
      this.set(link.commandsWaiting);
    },
  });
  const roundTrip = new Histogram({
    name: `${METRIC_PREFIX}transport_command_round_trip_seconds`,
    help: 'Time from publishing a command to its first event.',
    buckets: ROUND_TRIP_BUCKETS,
    registers: [registry],
  });
  link.onRoundTrip((ms) => roundTrip.observe(ms / 1000));
}
