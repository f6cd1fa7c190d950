// The rows preview prints, in the order it prints them, and their JSON shape.
import type { TimelineEntry } from '../../core/rules/timeline.js';

/** The keys of one JSON row, in order: the public contract of `preview --json`. */
export const ROW_KEYS = [
  'namespace',
  'device',
  'component',
  'fromVersion',
  'toVersion',
  'at',
  'localTime',
  'source',
  'reason',
] as const;

export type PreviewRow = Pick<TimelineEntry, (typeof ROW_KEYS)[number]>;

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * By namespace and device; within a device, updates that will happen by time (so chains read
 * 1.0 → 1.1, then 1.1 → 1.2), then those that will not. Ties keep the core's order.
 */
export function sortRows<T extends PreviewRow>(entries: readonly T[]): T[] {
  return entries
    .map((entry, index) => ({ entry, index }))
    .sort((x, y) => {
      const a = x.entry;
      const b = y.entry;
      return (
        compare(a.namespace, b.namespace) ||
        compare(a.device, b.device) ||
        (a.at === null ? 1 : 0) - (b.at === null ? 1 : 0) ||
        (a.at !== null && b.at !== null ? Date.parse(a.at) - Date.parse(b.at) : 0) ||
        compare(a.component, b.component) ||
        x.index - y.index
      );
    })
    .map(({ entry }) => entry);
}

/** Exactly the public keys, whatever else the core attaches to an entry. */
export function toRow(entry: PreviewRow): PreviewRow {
  return {
    namespace: entry.namespace,
    device: entry.device,
    component: entry.component,
    fromVersion: entry.fromVersion,
    toVersion: entry.toVersion,
    at: entry.at,
    localTime: entry.localTime,
    source: entry.source,
    reason: entry.reason,
  };
}

export function renderJson(entries: readonly PreviewRow[]): string {
  return `${JSON.stringify(sortRows(entries).map(toRow), null, 2)}\n`;
}
