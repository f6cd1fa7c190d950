// The closing lines of the human output: how many updates, from where, in which phase, and why not.
import { namespacedKey, PHASES, type TeamsDevice } from '../../api/v1alpha1/index.js';
import type { PreviewRow } from './rows.js';
import { hang, plural } from './text.js';

function count(values: readonly string[], order: readonly string[] = []): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  const known = order.filter((v) => counts.has(v));
  const rest = [...counts.keys()].filter((v) => !order.includes(v)).sort();
  const parts = [...known, ...rest].map((v) => `${v} ${counts.get(v)}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

export function renderSummary(rows: readonly PreviewRow[], devices: readonly TeamsDevice[]): string[] {
  const phaseOf = new Map(
    devices.map((d) => [
      namespacedKey(d.metadata.namespace, d.metadata.name),
      d.spec.firmwareAutoUpdate.phase,
    ]),
  );
  const scheduled = rows.filter((r) => r.at !== null);
  const blocked = rows.filter((r) => r.at === null);
  const phases = scheduled.map((r) => phaseOf.get(namespacedKey(r.namespace, r.device)) ?? 'unknown device');
  const months = scheduled.map((r) => (r.at ?? '').slice(0, 7));
  const label = (name: string) => `  ${name.padEnd(11)}`;
  return [
    `Summary: ${plural(scheduled.length, 'update')}, ${blocked.length} that will not happen`,
    ...hang(
      label('by source'),
      count(
        scheduled.map((r) => r.source),
        ['Auto'],
      ),
    ),
    ...hang(label('by phase'), `${count(phases, PHASES)} (the phase of the device)`),
    ...hang(label('by month'), `${count(months)} (UTC)`),
    ...hang(label('by reason'), count(blocked.map((r) => r.reason ?? 'none'))),
  ];
}
