import type { FirmwareRelease } from '../../api/v1alpha1/firmwarerelease.js';
import { BlockedReason } from '../../api/v1alpha1/reasons.js';
import type { Component, TeamsDevice } from '../../api/v1alpha1/teamsdevice.js';
import type { UpdatePlan, UpdatePlanSpec } from '../../api/v1alpha1/updateplan.js';
import type { UpdatePolicy } from '../../api/v1alpha1/updatepolicy.js';
import { earlier, later } from '../shared/instant.js';
import { matchesSelector } from '../shared/selector.js';
import type { DeviceIdentity } from './applicability.js';
import { automaticArrival } from './automatic.js';
import type { Catalog } from './catalog.js';
import { type DeviceView, deviceView } from './device-view.js';
import type { Reason } from './eligibility.js';
import { indexPolicies, namespaceOf, type PolicyIndex, remoteUpdatesAvailable } from './policies.js';
import { compareVersions, sameVersion } from './versions.js';
import { isValidZone, localWallTimeToInstant } from './windows.js';

export type PlanUpdate = UpdatePlanSpec['updates'][number];

/** One (device, component) of an UpdatePlan, resolved. */
export interface PlanRow {
  device: string;
  component: Component;
  currentVersion: string | null;
  /** The version the plan installs; null when no target could be resolved. */
  newVersion: string | null;
  /** The FirmwareRelease that provides newVersion. */
  release: string | null;
  /**
   * When the plan runs this row: `now` for an immediate plan, else the schedule (not before `now`).
   * Null when the row is refused before any time matters.
   */
  runAt: Date | null;
  /** When the update is applied: runAt, or the automatic time when earlier (rule 8). Null when refused. */
  effectiveAt: Date | null;
  /** Why the row is refused; null when it will be applied. */
  reason: Reason | null;
}

export type PlanSchedule =
  | { kind: 'immediate' }
  | { kind: 'scheduled'; at: Date }
  | { kind: 'invalid'; reason: Reason; message: string };

/** The plan's schedule as an instant: `at` is a local wall-clock time in `timeZone`. */
export function planSchedule(spec: Pick<UpdatePlanSpec, 'schedule'>): PlanSchedule {
  const schedule = spec.schedule;
  if (!schedule) return { kind: 'immediate' };
  const { at, timeZone } = schedule;
  const invalid = (message: string): PlanSchedule => ({
    kind: 'invalid',
    reason: BlockedReason.InvalidSchedule,
    message,
  });
  if (!at || !timeZone) return invalid('a schedule needs both at (local date and time) and timeZone');
  if (!isValidZone(timeZone)) return invalid(`schedule.timeZone "${timeZone}" is not an IANA time zone`);
  try {
    return { kind: 'scheduled', at: localWallTimeToInstant(at, timeZone) };
  } catch (err) {
    return invalid((err as Error).message);
  }
}

/** Whether a plan names (devices.names) or selects (devices.selector) a device of its namespace. */
export function planSelects(
  plan: Pick<UpdatePlan, 'metadata' | 'spec'>,
  device: Pick<TeamsDevice, 'metadata'>,
): boolean {
  if (namespaceOf(plan.metadata) !== namespaceOf(device.metadata)) return false;
  const { names, selector } = plan.spec.devices;
  if (((names ?? []) as string[]).includes(device.metadata.name)) return true;
  return selector !== undefined && matchesSelector(device.metadata.labels, selector);
}

/** The plan's devices: those named in devices.names and those its selector matches (their union), by name. */
export function selectPlanDevices(
  plan: Pick<UpdatePlan, 'metadata' | 'spec'>,
  devices: readonly TeamsDevice[],
): { selected: TeamsDevice[]; missing: string[] } {
  const wanted = new Set((plan.spec.devices.names ?? []) as string[]);
  const byName = new Map<string, TeamsDevice>();
  for (const device of devices) {
    if (planSelects(plan, device)) byName.set(device.metadata.name, device);
  }
  const missing = [...wanted].filter((name) => !byName.has(name)).sort();
  const selected = [...byName.values()].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  return { selected, missing };
}

/**
 * The release a plan installs for one component on a device (rule 1): the Verified release of the requested
 * version that applies to it (whatever its date: the caller checks it is out), else the newest Verified release
 * that applies and is out by `at`. NotApplicable: no release of that version (or none at all) applies to the
 * device; NotVerified: it does, but none of them is Verified.
 */
export function resolvePlanTarget(
  device: DeviceIdentity,
  update: PlanUpdate,
  catalog: Catalog,
  at: Date,
): { release: FirmwareRelease } | { reason: Reason } {
  const verified = catalog.verified(device, update.component);
  const requested = update.version;
  if (requested === undefined) {
    const newest = verified.find((release) => isReleasedBy(release, at));
    return newest ? { release: newest } : { reason: BlockedReason.NotApplicable };
  }
  const match = verified.find((r) => sameVersion(r.spec.version, requested));
  if (match) return { release: match };
  const known = catalog
    .applicable(device, update.component)
    .some((r) => sameVersion(r.spec.version, requested));
  return { reason: known ? BlockedReason.NotVerified : BlockedReason.NotApplicable };
}

/** Whether a release is out at `at`: nothing is installed before its release date. */
export function isReleasedBy(release: FirmwareRelease, at: Date): boolean {
  return Date.parse(release.spec.releaseDate) <= at.getTime();
}

/**
 * Whether a target may be sent to a device running `running`: never an older version (rule 4,
 * DowngradeRequiresFactoryReset), nothing when it already runs it (UpToDate), and nothing when the running
 * version is unknown, since rule 4 cannot be checked (VersionUnknown).
 */
export function checkPlanTarget(running: string | null, target: string, requested = true): Reason | null {
  if (running === null) return BlockedReason.VersionUnknown;
  const order = compareVersions(target, running);
  if (order === 0) return BlockedReason.UpToDate;
  // A plan that names no version asks for "the newest there is": a device already past it is up to date.
  if (order < 0) return requested ? BlockedReason.DowngradeRequiresFactoryReset : BlockedReason.UpToDate;
  return null;
}

/**
 * One row of a plan at `now`. The first refusal that applies wins: DeviceNotFound, RemoteUpdateUnavailable
 * (GCC-High: manual updates are not sent either), Suspended, InvalidSchedule, NotApplicable / NotVerified,
 * VersionUnknown / UpToDate / DowngradeRequiresFactoryReset. Manual updates ignore autoUpdateSupported,
 * unknown firmware, paused and halted releases, and windows (rule 9): an immediate plan runs at `now`, a
 * scheduled one at its local time. A scheduled firmware row is applied at min(schedule, the time automatic
 * updates would install that same version on this device) (rule 8, automaticArrival); a schedule in the
 * past runs at `now`.
 */
export function resolvePlanRow(
  plan: Pick<UpdatePlan, 'spec'>,
  device: DeviceView | undefined,
  deviceName: string,
  update: PlanUpdate,
  catalog: Catalog,
  now: Date,
): PlanRow {
  const component = update.component;
  const row: PlanRow = {
    device: deviceName,
    component,
    currentVersion: device?.running[component] ?? null,
    newVersion: null,
    release: null,
    runAt: null,
    effectiveAt: null,
    reason: null,
  };
  const refuse = (reason: Reason, newVersion = row.newVersion): PlanRow => ({ ...row, newVersion, reason });
  if (!device) return refuse(BlockedReason.DeviceNotFound);
  if (!remoteUpdatesAvailable(device.policy)) return refuse(BlockedReason.RemoteUpdateUnavailable);
  if (plan.spec.suspend) return refuse(BlockedReason.Suspended);
  const schedule = planSchedule(plan.spec);
  if (schedule.kind === 'invalid') return refuse(schedule.reason);
  const runAt = schedule.kind === 'scheduled' ? later(schedule.at, now) : now;
  const target = resolvePlanTarget(device, update, catalog, runAt);
  if ('reason' in target) return refuse(target.reason);
  row.newVersion = target.release.spec.version;
  row.release = target.release.metadata.name;
  row.runAt = runAt;
  const refused = checkPlanTarget(row.currentVersion, row.newVersion, update.version !== undefined);
  // Up to date: show the version it runs, not an older "newest" release.
  if (refused === BlockedReason.UpToDate) return refuse(refused, row.currentVersion);
  if (refused) return refuse(refused);
  if (!isReleasedBy(target.release, runAt)) return refuse(BlockedReason.NotReleased);
  row.effectiveAt = row.runAt;
  if (schedule.kind === 'scheduled' && component === 'Firmware') {
    const automatic = automaticArrival(device, catalog, now, target.release.spec.version);
    if (automatic) row.effectiveAt = earlier(row.runAt, automatic);
  }
  return row;
}

/** Every row of a plan at `now`: selected devices by name, then missing names, each in the order of updates. */
export function resolvePlan(
  plan: UpdatePlan,
  devices: readonly TeamsDevice[],
  policies: readonly UpdatePolicy[] | PolicyIndex,
  catalog: Catalog,
  now: Date,
): PlanRow[] {
  const index = Array.isArray(policies) ? indexPolicies(policies) : (policies as PolicyIndex);
  const { selected, missing } = selectPlanDevices(plan, devices);
  const rows: PlanRow[] = [];
  for (const device of selected) {
    const view = deviceView(device, index);
    for (const update of plan.spec.updates) {
      rows.push(resolvePlanRow(plan, view, device.metadata.name, update, catalog, now));
    }
  }
  for (const name of missing) {
    for (const update of plan.spec.updates) {
      rows.push(resolvePlanRow(plan, undefined, name, update, catalog, now));
    }
  }
  return rows;
}
