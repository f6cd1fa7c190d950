import type { FirmwareRelease } from '../../api/v1alpha1/firmwarerelease.js';
import { BlockedReason } from '../../api/v1alpha1/reasons.js';
import { later } from '../shared/instant.js';
import { releaseAppliesTo } from './applicability.js';
import type { Catalog } from './catalog.js';
import type { DeviceView } from './device-view.js';
import { deviceAutoBlock, type Reason, releaseAutoBlock } from './eligibility.js';
import { phaseStartMs } from './phases.js';
import { spreadOffsetMs } from './spread.js';
import { compareVersions, isNewer } from './versions.js';
import { nextAllowedInstant } from './windows.js';

/** A release on its way to a device automatically. */
export interface AutoStep {
  release: FirmwareRelease;
  version: string;
  /** releaseDate + the delay of the device's phase (rule 5). */
  phaseStart: Date;
  /** phaseStart + the device's spread offset (rule 6): the earliest instant the device takes it. */
  notBefore: Date;
  /**
   * The first instant >= max(notBefore, now) outside business hours and blackouts in the device's zone
   * (rules 7, 11); null when the windows leave no such instant within their horizon.
   */
  dueAt: Date | null;
}

/** The automatic firmware decision for one device at one instant. */
export interface AutomaticDecision {
  /** Why no automatic firmware update will happen; null when one is due now or later. */
  blockedReason: Reason | null;
  /** The newest eligible release whose phase has started: what the device gets automatically, at dueAt. */
  target: AutoStep | null;
  /**
   * The next release to become the target (the eligible release newer than the target whose phase starts
   * first) and when it will come. If its phase starts before target.dueAt it takes over: the device goes to
   * it directly.
   */
  next: AutoStep | null;
  /** When this decision changes by itself: target.dueAt or next.phaseStart, whichever is first. */
  wakeAt: Date | null;
}

function notBeforeMs(device: DeviceView, release: FirmwareRelease, startMs: number): number {
  return startMs + spreadOffsetMs(device.deviceId, release.metadata.name, device.policy.rolloutSpreadDays);
}

function step(device: DeviceView, release: FirmwareRelease, startMs: number): AutoStep {
  return {
    release,
    version: release.spec.version,
    phaseStart: new Date(startMs),
    notBefore: new Date(notBeforeMs(device, release, startMs)),
    dueAt: null,
  };
}

interface Scan {
  blockedReason: Reason | null;
  target: FirmwareRelease | null;
  targetStart: number;
  next: FirmwareRelease | null;
  nextStart: number;
}

/**
 * The releases that matter at `nowMs`. Walks the Verified applicable releases newer than what runs, newest
 * first: the target is the first eligible one whose phase has started; the next is, among the newer eligible
 * ones (none started yet), the one that starts first (the newest on a tie).
 */
function scan(device: DeviceView, catalog: Catalog, nowMs: number): Scan {
  const result: Scan = { blockedReason: null, target: null, targetStart: 0, next: null, nextStart: Infinity };
  result.blockedReason = deviceAutoBlock(device, 'Firmware', catalog);
  if (result.blockedReason) return result;
  const running = device.running.Firmware as string; // known: deviceAutoBlock checked it
  let newest: FirmwareRelease | null = null;
  let anyEligible = false;
  for (const release of catalog.verified(device, 'Firmware')) {
    if (!isNewer(release.spec.version, running)) break;
    newest ??= release;
    if (releaseAutoBlock(release, device.namespace) !== null) continue;
    anyEligible = true;
    const start = phaseStartMs(release, device.phase, device.policy);
    if (start <= nowMs) {
      result.target = release;
      result.targetStart = start;
      break;
    }
    if (start < result.nextStart) {
      result.next = release;
      result.nextStart = start;
    }
  }
  if (!newest) result.blockedReason = BlockedReason.UpToDate;
  else if (!anyEligible) result.blockedReason = releaseAutoBlock(newest, device.namespace);
  return result;
}

/** The automatic firmware target of a device at `now`, and the next one (rule 5). */
export function automaticDecision(device: DeviceView, catalog: Catalog, now: Date): AutomaticDecision {
  const found = scan(device, catalog, now.getTime());
  if (found.blockedReason) {
    return { blockedReason: found.blockedReason, target: null, next: null, wakeAt: null };
  }
  const target = found.target ? step(device, found.target, found.targetStart) : null;
  if (target) target.dueAt = nextAllowedInstant(later(target.notBefore, now), device.rules);
  const next = found.next ? step(device, found.next, found.nextStart) : null;
  if (next) next.dueAt = nextAllowedInstant(next.notBefore, device.rules);
  let wakeAt = target?.dueAt ?? null;
  if (next && (!wakeAt || next.phaseStart.getTime() < wakeAt.getTime())) wakeAt = next.phaseStart;
  return { blockedReason: null, target, next, wakeAt };
}

/**
 * When a release would be installed on the device automatically, computed at `now`; null when it would not
 * be: the device blocks automatic updates of its component, the release is paused, halted in the device's
 * namespace, not Verified, does not apply, or is not newer than what runs. (A still newer release may take
 * over before this time; see automaticDecision.)
 */
export function automaticTime(
  device: DeviceView,
  release: FirmwareRelease,
  catalog: Catalog,
  now: Date,
): Date | null {
  const running = device.running[release.spec.component];
  if (
    release.spec.verification !== 'Verified' ||
    !releaseAppliesTo(release, device) ||
    running === null ||
    !isNewer(release.spec.version, running) ||
    deviceAutoBlock(device, release.spec.component, catalog) !== null ||
    releaseAutoBlock(release, device.namespace) !== null
  ) {
    return null;
  }
  const notBefore = notBeforeMs(device, release, phaseStartMs(release, device.phase, device.policy));
  return nextAllowedInstant(new Date(Math.max(notBefore, now.getTime())), device.rules);
}

/**
 * The first automatic firmware update at or after `from` and no later than `until`, for a device that keeps
 * running what it runs until then; null when there is none. Follows rule 5 through time: whenever a newer
 * release's phase starts before the current target is due, the newer one takes over.
 */
export function nextAutomaticUpdate(
  device: DeviceView,
  catalog: Catalog,
  from: Date,
  until: Date,
): { release: FirmwareRelease; at: Date } | null {
  let t = from.getTime();
  const end = until.getTime();
  for (;;) {
    const { target, targetStart, next, nextStart } = scan(device, catalog, t);
    const due = target
      ? nextAllowedInstant(new Date(Math.max(notBeforeMs(device, target, targetStart), t)), device.rules)
      : null;
    if (target && due && due.getTime() < nextStart) {
      return due.getTime() <= end ? { release: target, at: due } : null;
    }
    if (!next || nextStart > end) return null;
    t = nextStart;
  }
}

/** Far enough to cover any phase delay (the CRD allows 3650 days). */
const END_OF_TIME = new Date(8.64e15);

/**
 * When automatic updates alone, from `now`, would bring the device to `version`: the time of the step of
 * the automatic chain (nextAutomaticUpdate, repeated) that installs it. Null when they never would: the
 * device is blocked, the version is not an eligible release, or a newer release takes over and the chain
 * jumps past it. This is the automatic time of rule 8.
 */
export function automaticArrival(
  device: DeviceView,
  catalog: Catalog,
  now: Date,
  version: string,
): Date | null {
  let current = device;
  let t = now;
  for (;;) {
    const update = nextAutomaticUpdate(current, catalog, t, END_OF_TIME);
    if (!update) return null;
    const order = compareVersions(update.release.spec.version, version);
    if (order === 0) return update.at;
    if (order > 0) return null;
    current = { ...current, running: { ...current.running, Firmware: update.release.spec.version } };
    t = update.at;
  }
}
