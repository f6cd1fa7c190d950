// What a TeamsDevice status says about the device itself: reported versions, online, lastSeen, and the
// availableUpdates rows kept stable between reconciles (each change costs a status write).

import { DeviceReason } from '../../api/v1alpha1/reasons.js';
import type { AvailableUpdate, ReportedState, TeamsDeviceStatus } from '../../api/v1alpha1/teamsdevice.js';
import { MS_PER_MINUTE, toIsoSeconds } from '../shared/instant.js';
import type { ClassifiedCandidate } from './candidates.js';

/** lastSeen is refreshed when online flips, else at most this often (a write per message would be too many). */
export const LAST_SEEN_REFRESH_MS = 10 * MS_PER_MINUTE;

/** The latest state message of the device (src/transport/protocol.ts DeviceStateMessage is this type). */
export interface DeviceObservation {
  online: boolean;
  manufacturer?: string;
  model?: string;
  firmwareVersion?: string;
  teamsAppVersion?: string;
  autoUpdateSupported?: boolean;
  /** The proxy serving the device, as namespace/pool/pod (its presence topic); absent: none named. */
  proxy?: string;
  /** ISO 8601 instant of the message. */
  ts: string;
}

/** What the operator knows of the presence of the proxy a device's latest state names. */
export interface ProxyObservation {
  /** namespace/pool/pod. */
  name: string;
  online: boolean;
  /** Since when the operator has known it in this state (kept while it stays so: a stable message). */
  since: Date;
}

/**
 * Whether the device is online: its own state says so and its proxy is not known to be offline. A device
 * with no state (undefined) stays unknown, never offline; a proxy with no known presence does not count.
 */
export function effectiveOnline(
  observed: DeviceObservation | undefined,
  fallback: boolean | undefined,
  proxy: ProxyObservation | undefined,
): boolean | undefined {
  if (!observed) return fallback;
  return observed.online && proxy?.online !== false;
}

/** status.reported from a state message: the fields it carries. */
export function reportedFrom(observed: DeviceObservation): ReportedState {
  const reported: ReportedState = {};
  if (observed.manufacturer !== undefined) reported.manufacturer = observed.manufacturer;
  if (observed.model !== undefined) reported.model = observed.model;
  if (observed.firmwareVersion !== undefined) reported.firmwareVersion = observed.firmwareVersion;
  if (observed.teamsAppVersion !== undefined) reported.teamsAppVersion = observed.teamsAppVersion;
  if (observed.autoUpdateSupported !== undefined) reported.autoUpdateSupported = observed.autoUpdateSupported;
  return reported;
}

/** lastSeen moves when online flips, or when it is LAST_SEEN_REFRESH_MS old; never backwards, never past now. */
export function nextLastSeen(
  old: TeamsDeviceStatus,
  observed: DeviceObservation | undefined,
  now: Date,
): string | undefined {
  if (!observed) return old.lastSeen;
  const parsed = Date.parse(observed.ts);
  const ts = Number.isNaN(parsed) ? now.getTime() : Math.min(parsed, now.getTime());
  const previous = old.lastSeen ? Date.parse(old.lastSeen) : Number.NaN;
  if (Number.isNaN(previous)) return toIsoSeconds(new Date(ts));
  if (ts <= previous) return old.lastSeen;
  if (observed.online !== old.online || ts - previous >= LAST_SEEN_REFRESH_MS) {
    return toIsoSeconds(new Date(ts));
  }
  return old.lastSeen;
}

/** When the device last reported its versions: the state message, else status.lastSeen; null if unknown. */
export function reportedAt(old: TeamsDeviceStatus, observed: DeviceObservation | undefined): Date | null {
  const text = observed?.ts ?? old.lastSeen;
  return text && !Number.isNaN(Date.parse(text)) ? new Date(text) : null;
}

/** The firmware row of a version automatic updates gave up on has no automatic time, and says why. */
export function withExhausted(
  rows: AvailableUpdate[],
  auto: ClassifiedCandidate | undefined,
): AvailableUpdate[] {
  if (auto?.state.kind !== 'exhausted') return rows;
  return rows.map((row) =>
    row.component === auto.component && row.newVersion === auto.version && row.blockedReason === null
      ? { ...row, autoUpdateAt: null, blockedReason: DeviceReason.RetriesExhausted }
      : row,
  );
}

/**
 * availableUpdates, keeping an overdue autoUpdateAt as it was: once the automatic time has passed (the device
 * was offline, or waits for a slot), the row keeps saying since when, instead of "now" on every reconcile.
 */
export function stableAvailableUpdates(
  rows: AvailableUpdate[],
  previous: readonly AvailableUpdate[] | undefined,
  now: Date,
): AvailableUpdate[] {
  const due = (at: string | null | undefined) => !!at && Date.parse(at) <= now.getTime();
  return rows.map((row) => {
    const old = previous?.find(
      (p) =>
        p.component === row.component &&
        p.newVersion === row.newVersion &&
        p.release === row.release &&
        (p.blockedReason ?? null) === (row.blockedReason ?? null),
    );
    return old && due(row.autoUpdateAt) && due(old.autoUpdateAt)
      ? { ...row, autoUpdateAt: old.autoUpdateAt }
      : row;
  });
}
