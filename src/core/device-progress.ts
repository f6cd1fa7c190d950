// The update in flight on a device (status.update in Sent, Downloading or Installing), moved along by the
// command events the device proxy reports, by the version the device reports, and by the timeout.
import type { InFlightUpdate } from '../api/v1alpha1/teamsdevice.js';
import type { UpdatePolicySpec } from '../api/v1alpha1/updatepolicy.js';
import { MS_PER_MINUTE } from './instant.js';
import { sameVersion } from './versions.js';

/** A command event as the device protocol carries it (src/mqtt/protocol.ts CommandEvent). */
export interface ObservedCommandEvent {
  commandId: string;
  state: 'accepted' | 'downloading' | 'installing' | 'succeeded' | 'failed' | 'rejected';
  progress?: number;
  message?: string;
  ts: string;
}

export const IN_FLIGHT_STATES = ['Sent', 'Downloading', 'Installing'] as const;
export type InFlightState = (typeof IN_FLIGHT_STATES)[number];

/** Whether a status.update is in flight: sent and not finished (a Scheduled retry is not). */
export function isInFlight(
  update: InFlightUpdate | null | undefined,
): update is InFlightUpdate & { state: InFlightState } {
  return !!update && (IN_FLIGHT_STATES as readonly string[]).includes(update.state);
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
  | { kind: 'finished'; result: 'Succeeded' | 'Failed'; message: string };

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
 *  - failed or rejected: Failed, with the device's message;
 *  - no outcome by startedAt + updateTimeoutMinutes: Failed (timed out);
 *  - otherwise its state follows the events (accepted: Sent, downloading, installing), never backwards.
 * Progress percentages are not kept: they would cost a status write per message.
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
  const { progress: _progress, ...rest } = update;
  return { kind: 'running', update: { ...rest, state }, timeoutAt: deadline };
}
