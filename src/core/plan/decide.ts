// UpdatePlan status, decided from the plan, the devices of its namespace, their policies and the releases.
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
import { BlockedReason, ConditionType } from '../../api/v1alpha1/reasons.js';
import type { Component, TeamsDevice } from '../../api/v1alpha1/teamsdevice.js';
import type {
  PlanDeviceRow,
  PlanPhase,
  PlanRowState,
  UpdatePlan,
  UpdatePlanStatus,
} from '../../api/v1alpha1/updateplan.js';
import { type Decision, requeueAfter, type StatusEvent } from '../decision.js';
import { planSource } from '../device/history.js';
import { IN_FLIGHT_STATES } from '../device/progress.js';
import type { Catalog } from '../rules/catalog.js';
import { type PlanRow, planSchedule, resolvePlan } from '../rules/manual.js';
import { lookupPolicy, namespaceOf, type PolicyIndex, remoteUpdatesAvailable } from '../rules/policies.js';
import { sameVersion } from '../rules/versions.js';
import { type Condition, type ConditionInput, setCondition } from '../shared/conditions.js';
import { toIsoSeconds } from '../shared/instant.js';

/** Condition types of UpdatePlan beyond ConditionType. */
export const PlanConditionType = { Suspended: 'Suspended' } as const;

/** Reasons of UpdatePlan conditions and Events beyond the phases and BlockedReason. */
export const PlanReason = {
  /** Every row is up to date without this plan sending anything. */
  UpToDate: 'UpToDate',
  /** The TeamsDevice controller holds this plan's update for later (a retry waiting for its backoff). */
  UpdateScheduled: 'UpdateScheduled',
  /** No TeamsDevice is named or selected. */
  NoDevices: 'NoDevices',
  Available: 'Available',
  Suspended: 'Suspended',
  Resumed: 'Resumed',
} as const;

/** A row is in flight in the same states as the device's status.update. */
const IN_FLIGHT: ReadonlySet<string> = new Set(IN_FLIGHT_STATES);
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
    } else if (IN_FLIGHT.has(row.state) || row.reason === PlanReason.UpdateScheduled) counts.inFlight++;
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

export interface PlanStatusInput {
  plan: UpdatePlan;
  /** Devices of the plan's namespace (others are ignored). */
  devices: readonly TeamsDevice[];
  policies: PolicyIndex;
  catalog: Catalog;
  now: Date;
}

/**
 * The plan's status, the Events of a phase or Ready transition, and requeueAfterMs until the next instant at
 * which the status changes by itself (the schedule, a row or a release comes due); absent if none.
 */
export type PlanDecision = Decision<UpdatePlanStatus>;

const MAX_LISTED = 5;

function listRows(rows: readonly PlanDeviceRow[]): string {
  const names = rows.slice(0, MAX_LISTED).map((r) => `${r.device}/${r.component}`);
  return rows.length > MAX_LISTED
    ? `${names.join(', ')} and ${rows.length - MAX_LISTED} more`
    : names.join(', ');
}

/** "1 succeeded, 0 failed, 1 skipped (DowngradeRequiresFactoryReset: phone-2/Firmware)". */
function describeRows(rows: readonly PlanDeviceRow[], counts: RowCounts): string {
  const skippedBy = new Map<string, PlanDeviceRow[]>();
  for (const row of rows) {
    if (row.state !== 'Skipped') continue;
    const reason = row.reason ?? 'Skipped';
    skippedBy.set(reason, [...(skippedBy.get(reason) ?? []), row]);
  }
  const skipped = [...skippedBy].map(([reason, list]) => `${reason}: ${listRows(list)}`).join('; ');
  const waiting = counts.inFlight + counts.pending + counts.scheduled;
  return (
    `${counts.total} row(s): ${counts.succeeded} succeeded, ${counts.failed} failed, ` +
    `${counts.skipped} skipped${skipped ? ` (${skipped})` : ''}${waiting ? `, ${waiting} to go` : ''}`
  );
}

function readyCondition(
  phase: PlanPhase,
  rows: readonly PlanDeviceRow[],
  counts: RowCounts,
  invalid: { reason: string; message: string } | null,
  scheduledFor: string | undefined,
  namespace: string,
): ConditionInput {
  if (invalid) return { type: ConditionType.Ready, status: 'False', ...invalid };
  if (counts.total === 0) {
    return {
      type: ConditionType.Ready,
      status: 'False',
      reason: PlanReason.NoDevices,
      message: `no TeamsDevice in namespace ${namespace} is named in devices.names or matches devices.selector`,
    };
  }
  const summary = describeRows(rows, counts);
  if (phase === 'Succeeded' && counts.succeeded === 0) {
    return {
      type: ConditionType.Ready,
      status: 'True',
      reason: PlanReason.UpToDate,
      message: `every device already runs the requested versions: nothing is sent; ${summary}`,
    };
  }
  if (phase === 'Failed' || phase === 'PartiallyFailed') {
    const reasons = new Set(rows.filter((r) => r.state === 'Skipped').map((r) => r.reason));
    const only = counts.failed === 0 && reasons.size === 1 ? [...reasons][0] : undefined;
    return { type: ConditionType.Ready, status: 'False', reason: only ?? phase, message: summary };
  }
  const when = phase === 'Scheduled' && scheduledFor ? `scheduled for ${scheduledFor}; ` : '';
  return { type: ConditionType.Ready, status: 'True', reason: phase, message: `${when}${summary}` };
}

function remoteUpdateCondition(
  rows: readonly PlanDeviceRow[],
  policies: PolicyIndex,
  namespace: string,
): ConditionInput {
  const unavailable = new Set(
    rows.filter((r) => r.reason === BlockedReason.RemoteUpdateUnavailable).map((r) => r.device),
  );
  if (
    unavailable.size > 0 ||
    (rows.length === 0 && !remoteUpdatesAvailable(lookupPolicy(policies, namespace)))
  ) {
    return {
      type: ConditionType.RemoteUpdateAvailable,
      status: 'False',
      reason: BlockedReason.RemoteUpdateUnavailable,
      message:
        'remote updates are not available in GCC-High (UpdatePolicy cloud: GCCHigh): nothing is sent' +
        (unavailable.size > 0 ? ` to ${unavailable.size} device(s)` : ''),
    };
  }
  return {
    type: ConditionType.RemoteUpdateAvailable,
    status: 'True',
    reason: PlanReason.Available,
    message: 'remote updates are available for the devices of this plan',
  };
}

/** The status of an UpdatePlan at `now`, the Events of its transitions, and when to look again. */
export function decidePlanStatus(input: PlanStatusInput): PlanDecision {
  const { plan, now, policies, catalog } = input;
  const previous = plan.status;
  const namespace = namespaceOf(plan.metadata);
  const generation = plan.metadata.generation;
  const sameGeneration = generation !== undefined && previous?.observedGeneration === generation;
  const source = planSource(plan.metadata.name);
  const byName = new Map(
    input.devices.filter((d) => namespaceOf(d.metadata) === namespace).map((d) => [d.metadata.name, d]),
  );
  const previousRows = new Map((previous?.devices ?? []).map((r) => [`${r.device}\u0000${r.component}`, r]));
  const releases = new Map(catalog.releases.map((r) => [r.metadata.name, r]));

  const schedule = planSchedule(plan.spec);
  // An immediate plan applies from the instant the operator first saw this generation of it.
  const scheduledFor =
    schedule.kind === 'scheduled'
      ? toIsoSeconds(schedule.at)
      : schedule.kind === 'immediate'
        ? ((sameGeneration ? previous?.scheduledFor : undefined) ?? toIsoSeconds(now))
        : undefined;
  let wakeAt: Date | null =
    schedule.kind === 'scheduled' && schedule.at.getTime() > now.getTime() ? schedule.at : null;

  const rows: PlanDeviceRow[] = [];
  for (const planned of resolvePlan(plan, [...byName.values()], policies, catalog, now)) {
    const { row, wakeAt: rowWake } = planRowStatus(planned, {
      device: byName.get(planned.device),
      source,
      previous: previousRows.get(`${planned.device}\u0000${planned.component}`),
      sameGeneration,
      releases,
      now,
    });
    rows.push(row);
    if (rowWake && (!wakeAt || rowWake.getTime() < wakeAt.getTime())) wakeAt = rowWake;
  }

  const counts = countRows(rows);
  const invalid = schedule.kind === 'invalid' ? { reason: schedule.reason, message: schedule.message } : null;
  // An invalid schedule refuses every row; the plan waits for a fix rather than failing.
  const phase = invalid ? 'Pending' : planPhase(counts);

  const observed = generation === undefined ? {} : { observedGeneration: generation };
  const stamp = (c: ConditionInput): ConditionInput => ({ ...c, ...observed });
  let conditions: Condition[] = previous?.conditions ?? [];
  const ready = readyCondition(phase, rows, counts, invalid, scheduledFor, namespace);
  conditions = setCondition(conditions, stamp(ready), now);
  conditions = setCondition(conditions, stamp(remoteUpdateCondition(rows, policies, namespace)), now);
  const wasSuspended = conditions.some((c) => c.type === PlanConditionType.Suspended);
  if (plan.spec.suspend) {
    conditions = setCondition(
      conditions,
      stamp({
        type: PlanConditionType.Suspended,
        status: 'True',
        reason: PlanReason.Suspended,
        message: 'spec.suspend is true: nothing new is sent for this plan; updates in flight finish',
      }),
      now,
    );
  } else if (wasSuspended) {
    conditions = setCondition(
      conditions,
      stamp({
        type: PlanConditionType.Suspended,
        status: 'False',
        reason: PlanReason.Resumed,
        message: 'spec.suspend is false: the plan runs',
      }),
      now,
    );
  }

  const status: UpdatePlanStatus = {
    ...observed,
    phase,
    ...(scheduledFor ? { scheduledFor } : {}),
    devices: rows,
    summary: {
      total: counts.total,
      succeeded: counts.succeeded,
      failed: counts.failed,
      skipped: counts.skipped,
    },
    conditions,
  };

  const events: StatusEvent[] = [];
  const before = previous?.conditions?.find((c) => c.type === ConditionType.Ready);
  if (previous?.phase !== phase || before?.reason !== ready.reason || before?.status !== ready.status) {
    const warning = ready.status === 'False' && ready.reason !== PlanReason.NoDevices;
    events.push({
      type: warning ? 'Warning' : 'Normal',
      reason: ready.reason,
      message: `phase ${phase}: ${ready.message ?? ''}`,
    });
  }
  return { status, events, ...requeueAfter(wakeAt, now) };
}
