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

interface Keyed<T> {
  entry: T;
  index: number;
  /** The instant as a number, parsed once; NaN when blocked. */
  ms: number;
}

function withinDevice<T extends PreviewRow>(x: Keyed<T>, y: Keyed<T>): number {
  const a = x.entry;
  const b = y.entry;
  return (
    (a.at === null ? 1 : 0) - (b.at === null ? 1 : 0) ||
    (a.at !== null && b.at !== null ? x.ms - y.ms : 0) ||
    compare(a.component, b.component) ||
    x.index - y.index
  );
}

/**
 * By namespace and device; within a device, updates that will happen by time (so chains read
 * 1.0 → 1.1, then 1.1 → 1.2), then those that will not. Ties keep the core's order. The rows are grouped
 * by device first, so a fleet's devices are sorted once each and only a device's few rows among themselves.
 */
export function sortRows<T extends PreviewRow>(entries: readonly T[]): T[] {
  const byNamespace = new Map<string, Map<string, Keyed<T>[]>>();
  entries.forEach((entry, index) => {
    let devices = byNamespace.get(entry.namespace);
    if (!devices) {
      devices = new Map();
      byNamespace.set(entry.namespace, devices);
    }
    let rows = devices.get(entry.device);
    if (!rows) {
      rows = [];
      devices.set(entry.device, rows);
    }
    rows.push({ entry, index, ms: entry.at === null ? Number.NaN : Date.parse(entry.at) });
  });
  const sorted: T[] = [];
  for (const namespace of [...byNamespace.keys()].sort(compare)) {
    const devices = byNamespace.get(namespace) ?? new Map<string, Keyed<T>[]>();
    for (const device of [...devices.keys()].sort(compare)) {
      for (const row of (devices.get(device) ?? []).sort(withinDevice)) sorted.push(row.entry);
    }
  }
  return sorted;
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

/** `JSON.stringify(row, null, 2)` indented one level, as an element of the array. */
function jsonElement(row: PreviewRow): string {
  const fields: string[] = [];
  for (const key of ROW_KEYS) {
    const value = row[key];
    if (value !== undefined) fields.push(`    ${JSON.stringify(key)}: ${JSON.stringify(value)}`);
  }
  return fields.length === 0 ? '  {}' : `  {\n${fields.join(',\n')}\n  }`;
}

/** Characters of JSON gathered before a chunk is handed on. */
const CHUNK_CHARS = 1 << 20;

/**
 * The JSON array of the rows, sorted, exactly as `JSON.stringify(rows, null, 2)` plus a newline, in chunks
 * of about a megabyte: a fleet's output need never be one string of tens of MB.
 */
export function* jsonChunks(entries: readonly PreviewRow[]): Generator<string> {
  const rows = sortRows(entries);
  if (rows.length === 0) {
    yield '[]\n';
    return;
  }
  let chunk = '[\n';
  for (let i = 0; i < rows.length; i++) {
    chunk += jsonElement(toRow(rows[i] as PreviewRow)) + (i === rows.length - 1 ? '\n]\n' : ',\n');
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

export function renderJson(entries: readonly PreviewRow[]): string {
  return [...jsonChunks(entries)].join('');
}
