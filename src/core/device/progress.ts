// The update in flight on a device (status.update in Sent, Downloading or Installing), moved along by the
// command events the device proxy reports, by the version the device reports, and by the timeout; and how
// often its progress is written (coalesceProgress).

import { type InFlightState, isInFlightState } from '../../api/v1alpha1/in-flight.js';
import { ConditionType } from '../../api/v1alpha1/reasons.js';
import type { InFlightUpdate, TeamsDeviceStatus } from '../../api/v1alpha1/teamsdevice.js';
import type { UpdatePolicySpec } from '../../api/v1alpha1/updatepolicy.js';
import { sameVersion } from '../rules/versions.js';
import { MS_PER_MINUTE, toIsoSeconds } from '../shared/instant.js';
import { jsonEqual } from '../shared/json-equal.js';

/** Default of --progress-interval: the progress of an update in flight is written at most this often. */
export const DEFAULT_PROGRESS_INTERVAL_MS = 30_000;

/** A command event as the device protocol carries it (src/transport/protocol.ts CommandEvent). */
export interface ObservedCommandEvent {
  commandId: string;
  state: 'accepted' | 'downloading' | 'installing' | 'succeeded' | 'failed' | 'rejected';
  progress?: number;
  message?: string;
  ts: string;
}

/** Whether a status.update is in flight: sent and not finished (a Scheduled retry is not). */
export function isInFlight(
  update: InFlightUpdate | null | undefined,
): update is InFlightUpdate & { state: InFlightState } {
  return !!update && isInFlightState(update.state);
}

const RANK: Record<InFlightState, number> = { Sent: 0, Downloading: 1, Installing: 2 };

const EVENT_STATE: Partial<Record<ObservedCommandEvent['state'], InFlightState>> = {
  accepted: 'Sent',
  downloading: 'Downloading',
  installing: 'Installing',
};

export type Progression =
  | {
      kind: 'running';
      update: InFlightUpdate & { state: InFlightState };
      /** When the attempt times out; null without startedAt. */
      timeoutAt: Date | null;
    }
  | { kind: 'finished'; result: 'Succeeded' | 'Failed' | 'Expired'; message: string };

/**
 * Whether a rejection says the command arrived after its notAfter (the proxy's message names notAfter):
 * the command never started, so that is no failure of the update.
 */
export function isLateRejection(event: Pick<ObservedCommandEvent, 'state' | 'message'>): boolean {
  return event.state === 'rejected' && /notAfter|too late/i.test(event.message ?? '');
}

/** When an attempt started at `startedAt` times out (updateTimeoutMinutes later). */
export function timeoutAt(update: Pick<InFlightUpdate, 'startedAt'>, policy: UpdatePolicySpec): Date | null {
  if (!update.startedAt) return null;
  const started = Date.parse(update.startedAt);
  return Number.isNaN(started) ? null : new Date(started + policy.updateTimeoutMinutes * MS_PER_MINUTE);
}

/**
 * The update in flight after `event` (the latest event of its command id, if any), given the version of its
 * component the device runs now:
 *  - the device runs the target version, or says succeeded: Succeeded;
 *  - rejected because it arrived after notAfter: Expired (it never started; sent again in the next window);
 *  - failed or rejected: Failed, with the device's message;
 *  - no outcome by startedAt + updateTimeoutMinutes: Failed (timed out);
 *  - otherwise its state follows the events (accepted: Sent, downloading, installing), never backwards, with
 *    the percentage of the latest event when that event is of the state shown. How often that is written is
 *    coalesceProgress's business.
 */
export function progressUpdate(
  update: InFlightUpdate & { state: InFlightState },
  event: ObservedCommandEvent | undefined,
  running: string | null,
  policy: UpdatePolicySpec,
  now: Date,
): Progression {
  const ev = event && event.commandId === update.commandId ? event : undefined;
  if (running !== null && sameVersion(running, update.version)) {
    return {
      kind: 'finished',
      result: 'Succeeded',
      message: ev?.state === 'succeeded' && ev.message ? ev.message : `the device runs ${update.version}`,
    };
  }
  if (ev?.state === 'succeeded') {
    return { kind: 'finished', result: 'Succeeded', message: ev.message || `installed ${update.version}` };
  }
  if (ev && isLateRejection(ev)) {
    return { kind: 'finished', result: 'Expired', message: ev.message || 'the command arrived too late' };
  }
  if (ev?.state === 'failed' || ev?.state === 'rejected') {
    return { kind: 'finished', result: 'Failed', message: ev.message || `the device says ${ev.state}` };
  }
  const deadline = timeoutAt(update, policy);
  if (deadline && now.getTime() >= deadline.getTime()) {
    return {
      kind: 'finished',
      result: 'Failed',
      message: `no result within updateTimeoutMinutes (${policy.updateTimeoutMinutes} minutes)`,
    };
  }
  const reported = ev ? EVENT_STATE[ev.state] : undefined;
  const state = reported && RANK[reported] > RANK[update.state] ? reported : update.state;
  const { progress: _previous, ...rest } = update;
  const progress = reported === state && state !== 'Sent' ? percent(ev?.progress) : undefined;
  return {
    kind: 'running',
    update: { ...rest, state, ...(progress === undefined ? {} : { progress }) },
    timeoutAt: deadline,
  };
}

/** A reported percentage as status.update.progress holds it: an integer from 0 to 100. */
function percent(value: number | undefined): number | undefined {
  if (value === undefined || !Number.isFinite(value)) return undefined;
  return Math.min(100, Math.max(0, Math.round(value)));
}

/** When status.update was last written: progressAt, else startedAt (the Sent write); null when unknown. */
function lastUpdateWrite(update: Pick<InFlightUpdate, 'startedAt' | 'progressAt'>): Date | null {
  const text = update.progressAt ?? update.startedAt;
  const t = text === undefined ? Number.NaN : Date.parse(text);
  return Number.isNaN(t) ? null : new Date(t);
}

/**
 * The status to write, with the progress of the update in flight coalesced. When the only change from `old`
 * to `next` is the progress of the same command (status.update state Sent -> Downloading -> Installing, its
 * message, and the Updating condition that shows it), it is written at most once per `intervalMs` counted
 * from the last write of status.update (lastUpdateWrite): inside the interval the old update and Updating
 * condition are kept, so nothing is written, and `wakeAt` says when the progress may be written (the caller
 * decides again then, from the latest event). Written progress carries progressAt = now. Anything else (the
 * final result, a new command, a timeout, any other field) is written at once, with the progress along.
 * `intervalMs` 0 writes every progress change.
 */
export function coalesceProgress(
  old: TeamsDeviceStatus,
  next: TeamsDeviceStatus,
  now: Date,
  intervalMs: number,
): { status: TeamsDeviceStatus; wakeAt?: Date } {
  const before = old.update;
  const after = next.update;
  if (
    !isInFlight(before) ||
    !isInFlight(after) ||
    before.commandId !== after.commandId ||
    jsonEqual(before, after)
  ) {
    return { status: next };
  }
  const written = { status: { ...next, update: { ...after, progressAt: toIsoSeconds(now) } } };
  if (intervalMs <= 0) return written;
  const updatingBefore = old.conditions?.find((c) => c.type === ConditionType.Updating);
  const held: TeamsDeviceStatus = {
    ...next,
    update: before,
    ...(next.conditions && updatingBefore
      ? { conditions: next.conditions.map((c) => (c.type === ConditionType.Updating ? updatingBefore : c)) }
      : {}),
  };
  // Something else is written anyway: the progress goes with it.
  if (!jsonEqual(held, old)) return written;
  const last = lastUpdateWrite(before);
  if (last === null || now.getTime() - last.getTime() >= intervalMs) return written;
  return { status: held, wakeAt: new Date(last.getTime() + intervalMs) };
}
