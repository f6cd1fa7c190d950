// The live view as lines of text: a pure function of the snapshot and the terminal's size, no escape codes
// (the terminal writer adds those), so what a user sees is tested as plain strings.
import { formatLocal } from '../../core/rules/windows.js';
import type { PhaseRow, ReleaseRow, Snapshot } from './snapshot.js';

export const BAR = { updated: '█', inFlight: '▓', failed: '✗', waiting: '░' } as const;

/** Rows of the in-flight section at most; the rest are counted. */
const MAX_IN_FLIGHT = 8;

/** `2026-12-02 04:12:00 UTC` */
export function formatInstant(instant: Date): string {
  return `${instant.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** `2026-12-05 18:00` in `zone`. */
function formatLocalMinute(instant: Date, zone: string): string {
  return formatLocal(instant, zone).slice(0, 16).replace('T', ' ');
}

/** A bar of `width` cells: updated, in flight, failed, waiting, each in proportion of the targeted devices. */
export function progressBar(
  row: Pick<PhaseRow, 'updated' | 'inFlight' | 'failed' | 'targeted'>,
  width: number,
): string {
  const total = Math.max(1, row.targeted);
  const cells = (n: number) => Math.round((n / total) * width);
  const updated = cells(row.updated);
  const inFlight = Math.min(width - updated, cells(row.inFlight));
  const failed = Math.min(width - updated - inFlight, cells(row.failed));
  const waiting = width - updated - inFlight - failed;
  return `${BAR.updated.repeat(updated)}${BAR.inFlight.repeat(inFlight)}${BAR.failed.repeat(failed)}${BAR.waiting.repeat(waiting)}`;
}

function clockLine(s: Snapshot): string {
  const state = s.paused ? '  PAUSED' : '';
  return `Simulated time ${formatInstant(s.now)}   speed ×${s.speed}${state}`;
}

/** A release every targeted device of which runs it: nothing left to watch. */
const installed = (r: ReleaseRow) => r.phases.every((p) => p.updated === p.targeted);

/**
 * One bar per phase of each Verified release still rolling out; releases already on every device they
 * target, and releases that are not Verified (never installed automatically), are only counted.
 */
function releaseLines(s: Snapshot, width: number): string[] {
  const shown = s.releases.filter((r) => r.verified && !installed(r));
  const done = s.releases.filter((r) => r.verified && installed(r)).length;
  const unverified = s.releases.filter((r) => !r.verified).length;
  const lines: string[] = [];
  if (shown.length === 0) lines.push('  (no release is rolling out)');
  const nameWidth = Math.min(34, Math.max(0, ...shown.map((r) => r.name.length)));
  const barWidth = Math.max(10, Math.min(30, width - nameWidth - 52));
  for (const r of shown) {
    for (const p of r.phases) {
      const counts = `${p.updated} updated, ${p.inFlight} in flight, ${p.failed} failed, ${p.waiting} waiting`;
      lines.push(`  ${r.name.padEnd(nameWidth)} ${p.phase.padEnd(7)} ${progressBar(p, barWidth)} ${counts}`);
    }
  }
  lines.push(
    `  + ${done} installed on every device they target, ${unverified} not Verified (never automatic)`,
  );
  return lines;
}

function windowLines(s: Snapshot): string[] {
  if (s.windows.length === 0) return ['  (no UpdatePolicy "default")'];
  const nsWidth = Math.max(...s.windows.map((w) => w.namespace.length));
  return s.windows.map((w) => {
    const head = `  ${w.namespace.padEnd(nsWidth)} ${w.zone.padEnd(20)}`;
    if (w.state === 'open') return `${head} open: automatic updates may start`;
    const what = w.state === 'blackout' ? `blackout${w.reason ? ` (${w.reason})` : ''}` : 'business hours';
    const next =
      w.nextOpen === null || w.nextOpen === undefined
        ? 'no window within three years'
        : `next window ${formatLocalMinute(w.nextOpen, w.zone)} local`;
    return `${head} ${what}; ${next}`;
  });
}

function inFlightLines(s: Snapshot): string[] {
  if (s.inFlight.length === 0) return ['  (none)'];
  const shown = s.inFlight.slice(0, MAX_IN_FLIGHT).map((u) => {
    const pct = u.progress === undefined ? '' : ` ${u.progress}%`;
    return `  ${u.device}  ${u.component} ${u.version}  ${u.state}${pct}`;
  });
  const more = s.inFlight.length - shown.length;
  return more > 0 ? [...shown, `  … and ${more} more`] : shown;
}

function planLines(s: Snapshot): string[] {
  if (s.plans.length === 0) return ['  (none)'];
  return s.plans.map(
    (p) =>
      `  ${p.plan}  ${p.phase}  ${p.succeeded}/${p.total} succeeded, ${p.failed} failed, ${p.skipped} skipped`,
  );
}

function eventLines(s: Snapshot): string[] {
  if (s.events.length === 0) return ['  (none)'];
  return s.events.map(
    (e) =>
      `  ${e.time.toISOString().slice(11, 19)} ${e.type.padEnd(7)} ${e.reason} ${e.object}: ${e.message}`,
  );
}

/**
 * The view in at most `height` lines of at most `width` characters. Sections come in order of importance,
 * so a short terminal cuts the Events first.
 */
export function renderView(s: Snapshot, width: number, height: number): string[] {
  const lines = [
    `teams-device-operator local   ${clockLine(s)}`,
    `Devices: ${s.devices} (${s.online} online)   keys: q quit, p pause, + faster, - slower`,
    '',
    'Update windows',
    ...windowLines(s),
    `Releases (${BAR.updated} updated ${BAR.inFlight} in flight ${BAR.failed} failed ${BAR.waiting} waiting)`,
    ...releaseLines(s, width),
    `Updates in flight (${s.inFlight.length})`,
    ...inFlightLines(s),
    'UpdatePlans',
    ...planLines(s),
    'Latest events',
    ...eventLines(s),
  ];
  const fitted = lines.map((line) =>
    [...line].length > width ? `${[...line].slice(0, Math.max(0, width - 1)).join('')}…` : line,
  );
  if (fitted.length <= height) return fitted;
  return [
    ...fitted.slice(0, Math.max(0, height - 1)),
    `… ${fitted.length - height + 1} more lines (enlarge the terminal)`,
  ];
}
