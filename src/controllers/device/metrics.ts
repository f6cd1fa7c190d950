// Metrics of the TeamsDevice controller, on the operator's registry: updates sent, succeeded and failed by
// component, phase and source kind; commands re-sent; slots in use per namespace; status writes.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Component, Phase } from '../../api/v1alpha1/index.js';
import { METRIC_PREFIX } from '../../runtime/metrics.js';

type UpdateLabels = 'component' | 'phase' | 'source';

export interface DeviceMetrics {
  sent(component: Component, phase: Phase, source: string): void;
  finished(
    result: 'Succeeded' | 'Failed' | 'Expired',
    component: Component,
    phase: Phase,
    source: string,
  ): void;
  resent(component: Component): void;
  statusWritten(): void;
  slotsInUse(namespace: string, count: number): void;
}

const byRegistry = new WeakMap<Registry, DeviceMetrics>();

/** Auto or UpdatePlan: plan names would make the label unbounded. */
const sourceKind = (source: string) => (source.startsWith('UpdatePlan/') ? 'UpdatePlan' : 'Auto');

/** The device metrics of a registry (registered once per registry). */
export function deviceMetrics(registry: Registry | undefined): DeviceMetrics | undefined {
  if (!registry) return undefined;
  const known = byRegistry.get(registry);
  if (known) return known;
  const registers = [registry];
  const labelNames: UpdateLabels[] = ['component', 'phase', 'source'];
  const sent = new Counter({
    name: `${METRIC_PREFIX}updates_sent_total`,
    help: 'Update commands sent to devices (first send of each attempt), by component, phase and source.',
    labelNames,
    registers,
  });
  const succeeded = new Counter({
    name: `${METRIC_PREFIX}updates_succeeded_total`,
    help: 'Update attempts that succeeded, by component, phase and source.',
    labelNames,
    registers,
  });
  const failed = new Counter({
    name: `${METRIC_PREFIX}updates_failed_total`,
    help: 'Update attempts that failed (device failure, rejection or timeout), by component, phase and source.',
    labelNames,
    registers,
  });
  const resent = new Counter({
    name: `${METRIC_PREFIX}commands_resent_total`,
    help: 'Commands sent again under the same id because nothing was heard of them.',
    labelNames: ['component'],
    registers,
  });
  const writes = new Counter({
    name: `${METRIC_PREFIX}status_writes_total`,
    help: 'TeamsDevice status patches sent.',
    registers,
  });
  const slots = new Gauge({
    name: `${METRIC_PREFIX}updates_in_flight`,
    help: 'Updates in flight (concurrency slots held) per namespace.',
    labelNames: ['namespace'],
    registers,
  });
  const metrics: DeviceMetrics = {
    sent: (component, phase, source) => sent.inc({ component, phase, source: sourceKind(source) }),
    finished: (result, component, phase, source) => {
      // An expired command is sent again (as resent counts): neither a success nor a failure of the update.
      if (result === 'Expired') return;
      (result === 'Succeeded' ? succeeded : failed).inc({ component, phase, source: sourceKind(source) });
    },
    resent: (component) => resent.inc({ component }),
    statusWritten: () => writes.inc(),
    slotsInUse: (namespace, count) => slots.set({ namespace }, count),
  };
  byRegistry.set(registry, metrics);
  return metrics;
}
