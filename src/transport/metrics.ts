// The transport's counters on /metrics (read at scrape time from DeviceTransport.stats): commands sent, device
// messages received, and malformed payloads dropped (counted and logged, never a crash) by reason.
import { Counter, type Registry } from 'prom-client';
import { METRIC_PREFIX } from '../runtime/metrics.js';
import { MALFORMED_REASONS } from './protocol.js';
import type { DeviceTransport, TransportStats } from './types.js';

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
