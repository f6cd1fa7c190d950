// The rows of UpdatePlan status (one per device and component), decided from the plan, the devices of its
// namespace, their policies and the releases; and the plan phase their counts give.
//
// Each row starts from what the plan means at `now` (resolvePlan: the target, when it applies, or why it is
// refused) and then takes what the device's status says (the contract in src/controllers/types.ts):
//  1. the device's status.update for this plan (same component, a version of the row, source
//     UpdatePlan/<name>): its state (Sent, Downloading, Installing, or Scheduled while a retry waits);
//  2. else the newest history entry for this plan: Succeeded or Failed. History is read only for a row this
//     plan already showed as not Skipped: a plan deleted and created again under the same name (the source
//     of its updates is the same) does not adopt the history of the earlier one, so a plan re-created after
//     it succeeded shows its rows UpToDate and says that nothing is sent;
//  3. else the plan-time state: Scheduled while effectiveAt is ahead, Pending once it is due (or while the
//     plan is suspended, or the device has not reported its version), Scheduled until the release date for a
//     release not out yet, and Skipped with the reason of any other refusal.
// A due row keeps the effectiveAt it first had, so reconciling again later does not rewrite it to `now`;
// likewise scheduledFor of an immediate plan is the instant the operator first saw its current generation.
import type { FirmwareRelease } from '../../api/v1alpha1/firmwarerelease.js';
import { isInFlightState } from '../../api/v1alpha1/in-flight.js';
import { BlockedReason, PlanReason } from '../../api/v1alpha1/reasons.js';
import type { Component, TeamsDevice } from '../../api/v1alpha1/teamsdevice.js';
import type { PlanDeviceRow, PlanPhase, PlanRowState } from '../../api/v1alpha1/updateplan.js';
import type { PlanRow } from '../rules/manual.js';
import { sameVersion } from '../rules/versions.js';
import { toIsoSeconds } from '../shared/instant.js';

/** Refusals that end by themselves: the row waits instead of being skipped. */
const WAITING_REASONS: ReadonlySet<string> = new Set([BlockedReason.Suspended, BlockedReason.VersionUnknown]);

export interface DeviceProgress {
  state: PlanRowState;
  version: string;
}

/**
 * What a device's status says about a plan's update of one component to one of `versions`: the update in
 * flight for that source, else (when `readHistory`) the newest finished one. Null when it says nothing.
 */
export function deviceProgress(
  device: Pick<TeamsDevice, 'status'> | undefined,
  source: string,
  component: Component,
  versions: readonly string[],
  readHistory: boolean,
): DeviceProgress | null {
  const matches = (version: string) => versions.some((v) => sameVersion(v, version));
  const update = device?.status?.update;
  if (update && update.source === source && update.component === component && matches(update.version)) {
    return { state: update.state, version: update.version };
  }
  if (!readHistory) return null;
  let newest: { result: 'Succeeded' | 'Failed'; to: string; at: number } | null = null;
  for (const entry of device?.status?.history ?? []) {
    // An expired command is sent again: the row shows that attempt, not this one.
    if (entry.result === 'Expired') continue;
    if (entry.source !== source || entry.component !== component || !matches(entry.to)) continue;
    const at = Date.parse(entry.finishedAt);
    if (!newest || at > newest.at) newest = { result: entry.result, to: entry.to, at };
  }
  return newest ? { state: newest.result, version: newest.to } : null;
}

export interface RowContext {
  device: TeamsDevice | undefined;
  source: string;
  /** The row as the plan's status shows it now, if it does. */
  previous: PlanDeviceRow | undefined;
  /** Whether the previous row was computed from the current generation of the spec. */
  sameGeneration: boolean;
  releases: ReadonlyMap<string, FirmwareRelease>;
  now: Date;
}

/** One row of status.devices, and the instant it changes by itself (null: it does not). */
export function planRowStatus(row: PlanRow, c: RowContext): { row: PlanDeviceRow; wakeAt: Date | null } {
  const { previous, now } = c;
  const base: PlanDeviceRow = {
    device: row.device,
    component: row.component,
    ...(row.currentVersion === null ? {} : { currentVersion: row.currentVersion }),
    state: 'Pending',
  };
  const versions = [row.newVersion, c.sameGeneration ? previous?.newVersion : undefined].filter(
    (v): v is string => typeof v === 'string',
  );
  const readHistory = previous !== undefined && previous.state !== 'Skipped';
  const progress = deviceProgress(c.device, c.source, row.component, versions, readHistory);
  // The instant the row first became due, kept while the row targets the same version.
  const firstDue = (computed: Date | null, version: string | null): string | undefined => {
    const kept = previous?.effectiveAt;
    const keep =
      kept !== undefined &&
      version !== null &&
      previous?.newVersion !== undefined &&
      sameVersion(previous.newVersion, version) &&
      Date.parse(kept) <= now.getTime() &&
      (computed === null || computed.getTime() <= now.getTime());
    if (keep) return kept;
    return computed ? toIsoSeconds(computed) : undefined;
  };
  const withTimes = (
    state: PlanRowState,
    newVersion: string | null,
    effectiveAt: string | undefined,
    reason?: string,
  ): PlanDeviceRow => ({
    ...base,
    ...(newVersion === null ? {} : { newVersion }),
    ...(effectiveAt === undefined ? {} : { effectiveAt }),
    state,
    ...(reason ? { reason } : {}),
  });

  if (progress) {
    // The device controller has started on this row: a Scheduled update there is a retry waiting, not a
    // row waiting for its time.
    const reason = progress.state === 'Scheduled' ? PlanReason.UpdateScheduled : undefined;
    return {
      row: withTimes(progress.state, progress.version, firstDue(row.effectiveAt, progress.version), reason),
      wakeAt: null,
    };
  }
  if (row.reason === BlockedReason.NotReleased) {
    const release = row.release ? c.releases.get(row.release) : undefined;
    const date = release ? new Date(release.spec.releaseDate) : null;
    const at = date && !Number.isNaN(date.getTime()) ? date : null;
    return {
      row: withTimes('Scheduled', row.newVersion, at ? toIsoSeconds(at) : undefined, row.reason),
      wakeAt: at && at.getTime() > now.getTime() ? at : null,
    };
  }
  if (row.reason !== null) {
    const state: PlanRowState = WAITING_REASONS.has(row.reason) ? 'Pending' : 'Skipped';
    return { row: withTimes(state, row.newVersion, undefined, row.reason), wakeAt: null };
  }
  const effectiveAt = row.effectiveAt as Date; // resolvePlanRow sets it for every row it does not refuse
  if (effectiveAt.getTime() > now.getTime()) {
    return { row: withTimes('Scheduled', row.newVersion, toIsoSeconds(effectiveAt)), wakeAt: effectiveAt };
  }
  return { row: withTimes('Pending', row.newVersion, firstDue(effectiveAt, row.newVersion)), wakeAt: null };
}

export interface RowCounts {
  total: number;
  succeeded: number;
  failed: number;
  skipped: number;
  /** Skipped because the device already runs the version. */
  upToDate: number;
  inFlight: number;
  pending: number;
  scheduled: number;
}

export function countRows(rows: readonly PlanDeviceRow[]): RowCounts {
  const counts: RowCounts = {
    total: rows.length,
    succeeded: 0,
    failed: 0,
    skipped: 0,
    upToDate: 0,
    inFlight: 0,
    pending: 0,
    scheduled: 0,
  };
  for (const row of rows) {
    if (row.state === 'Succeeded') counts.succeeded++;
    else if (row.state === 'Failed') counts.failed++;
    else if (row.state === 'Skipped') {
      counts.skipped++;
      if (row.reason === BlockedReason.UpToDate) counts.upToDate++;
    } else if (isInFlightState(row.state) || row.reason === PlanReason.UpdateScheduled) counts.inFlight++;
    else if (row.state === 'Pending') counts.pending++;
    else counts.scheduled++;
  }
  return counts;
}

/**
 * The plan's phase from its rows: InProgress while anything is in flight, or waits after something finished;
 * Pending / Scheduled while every row still waits (due / ahead); once nothing waits, Succeeded when every row
 * succeeded or was already up to date, Failed when none did, PartiallyFailed otherwise. No rows: Pending.
 */
export function planPhase(counts: RowCounts): PlanPhase {
  if (counts.total === 0) return 'Pending';
  const finished = counts.succeeded + counts.failed;
  if (counts.inFlight > 0) return 'InProgress';
  if (counts.pending > 0) return finished > 0 ? 'InProgress' : 'Pending';
  if (counts.scheduled > 0) return finished > 0 ? 'InProgress' : 'Scheduled';
  const satisfied = counts.succeeded + counts.upToDate;
  if (satisfied === counts.total) return 'Succeeded';
  if (satisfied === 0) return 'Failed';
  return 'PartiallyFailed';
}
