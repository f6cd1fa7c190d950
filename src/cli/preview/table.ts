// The human output: one section per namespace, one group per device, every line within 120 columns.
import type { TeamsDevice } from '../../api/v1alpha1/index.js';
import type { TimelineEntry } from '../../core/rules/timeline.js';
import { MS_PER_DAY } from '../../core/shared/instant.js';
import { explainReason } from './reasons.js';
import { sortRows } from './rows.js';
import { renderSummary } from './summary.js';
import { formatInstant, formatLocal, formatUtc, hang, MAX_WIDTH, pad, plural, width, wrap } from './text.js';

export interface TableInput {
  entries: readonly TimelineEntry[];
  devices: readonly TeamsDevice[];
  releases: number;
  policies: number;
  plans: number;
  /** Objects read but not planned with, by kind. */
  unused: ReadonlyMap<string, number>;
  now: Date;
  until: Date;
}

const HEADERS = { component: 'COMPONENT', change: 'FROM → TO', utc: 'UTC', local: 'LOCAL', source: 'SOURCE' };
const UTC_WIDTH = 16; // 2026-12-05 17:00
const LOCAL_WIDTH = 15; // Sat 12-05 18:00

/** Pushes `more` onto `lines` one by one: spread arguments overflow the stack past some 100,000. */
function append(lines: string[], more: readonly string[]): void {
  for (const line of more) lines.push(line);
}

/** The width of the widest text of the entries, the header's at least. */
function widest(
  header: string,
  entries: readonly TimelineEntry[],
  text: (e: TimelineEntry) => string,
): number {
  let max = width(header);
  for (const entry of entries) max = Math.max(max, width(text(entry)));
  return max;
}

function change(entry: TimelineEntry): string {
  const from = entry.fromVersion ?? '(unknown)';
  return entry.toVersion === null ? from : `${from} → ${entry.toVersion}`;
}

interface Widths {
  component: number;
  change: number;
}

function entryLines(entry: TimelineEntry, w: Widths): string[] {
  const head = `  ${pad(entry.component, w.component)}  ${pad(change(entry), w.change)}  `;
  if (entry.at === null) {
    return hang(head, `✗ ${explainReason(entry.reason ?? 'NotScheduled', entry.source)}`);
  }
  const local = entry.localTime === null ? '—' : formatLocal(entry.localTime);
  const when = `${pad(formatUtc(entry.at), UTC_WIDTH)}  ${pad(local, LOCAL_WIDTH)}  `;
  return hang(head + when, entry.source);
}

function deviceLine(name: string, device: TeamsDevice | undefined, zone: string | undefined): string[] {
  const parts = [name];
  if (device) {
    const { spec } = device;
    parts.push(spec.type === 'TeamsRoomsAndroid' ? `${spec.type} ${spec.license}` : spec.type);
    parts.push(`${spec.manufacturer} ${spec.model}`, `phase ${spec.firmwareAutoUpdate.phase}`);
  } else {
    parts.push('not in the input');
  }
  if (zone) parts.push(zone);
  return wrap(parts.join(' · '), MAX_WIDTH);
}

function namespaceSection(
  namespace: string,
  entries: readonly TimelineEntry[],
  devices: readonly TeamsDevice[],
  w: Widths,
): string[] {
  const byDevice = new Map<string, TimelineEntry[]>();
  for (const entry of entries) {
    const list = byDevice.get(entry.device) ?? [];
    list.push(entry);
    byDevice.set(entry.device, list);
  }
  const deviceByName = new Map(devices.map((d) => [d.metadata.name, d]));
  const scheduled = entries.filter((e) => e.at !== null).length;
  const lines = [
    `${namespace}: ${plural(devices.length, 'device')}, ${plural(scheduled, 'update')}, ` +
      `${entries.length - scheduled} that will not happen`,
    `  ${pad(HEADERS.component, w.component)}  ${pad(HEADERS.change, w.change)}  ` +
      `${pad(HEADERS.utc, UTC_WIDTH)}  ${pad(HEADERS.local, LOCAL_WIDTH)}  ${HEADERS.source}`,
  ];
  for (const [name, list] of byDevice) {
    lines.push(...deviceLine(name, deviceByName.get(name), list[0]?.timeZone));
    for (const entry of list) lines.push(...entryLines(entry, w));
  }
  const idle = devices.map((d) => d.metadata.name).filter((name) => !byDevice.has(name));
  if (idle.length > 0) append(lines, hang('no update in this period: ', idle.sort().join(', ')));
  return lines;
}

/** Lines of the table joined this many at a time: chunks of about a megabyte. */
const CHUNK_LINES = 10_000;

/** The table in chunks of whole lines, each ending in a newline; joined they are renderTable. */
export function* tableChunks(input: TableInput): Generator<string> {
  const lines = tableLines(input);
  for (let i = 0; i < lines.length; i += CHUNK_LINES) {
    yield `${lines.slice(i, i + CHUNK_LINES).join('\n')}\n`;
  }
}

export function renderTable(input: TableInput): string {
  return [...tableChunks(input)].join('');
}

function tableLines(input: TableInput): string[] {
  const entries = sortRows(input.entries);
  const days = Math.round((input.until.getTime() - input.now.getTime()) / MS_PER_DAY);
  const lines = [
    ...wrap(
      `Preview from ${formatInstant(input.now)} to ${formatInstant(input.until)} (${days} days): ` +
        `${plural(input.devices.length, 'device')}, ${plural(input.releases, 'release')}, ` +
        `${plural(input.policies, 'policy', 'policies')}, ${plural(input.plans, 'plan')}`,
      MAX_WIDTH,
    ),
    'Each update shows its time in UTC and in the time zone of its device (LOCAL).',
  ];
  if (input.unused.size > 0) {
    const kinds = [...input.unused].sort(([a], [b]) => (a < b ? -1 : 1)).map(([kind, n]) => `${kind} ${n}`);
    lines.push(...hang('Read, not planned with: ', kinds.join(', ')));
  }
  const w: Widths = {
    component: widest(HEADERS.component, entries, (e) => e.component),
    change: widest(HEADERS.change, entries, change),
  };
  const namespaces = [
    ...new Set([...input.devices.map((d) => d.metadata.namespace ?? ''), ...entries.map((e) => e.namespace)]),
  ].sort();
  for (const namespace of namespaces) {
    const devices = input.devices
      .filter((d) => d.metadata.namespace === namespace)
      .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
    const own = entries.filter((e) => e.namespace === namespace);
    lines.push('');
    append(lines, namespaceSection(namespace, own, devices, w));
  }
  if (namespaces.length === 0) lines.push('', 'No TeamsDevices in the input.');
  lines.push('', ...renderSummary(entries, input.devices));
  return lines;
}
