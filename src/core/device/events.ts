// The Kubernetes Events of a device decision: one per finished attempt (its outcome, duration and what follows
// a failure), and the condition changes worth knowing (online flips, automatic updates blocked, a due update
// waiting for its device). The start of an update is no Event: status.update (Sent, startedAt), the Updating
// condition, the log and the updates-sent metric show it; routine waiting for a concurrency slot neither.

import { DeviceEventReason, DeviceReason } from '../../api/v1alpha1/reasons.js';
import type { StatusEvent } from '../decision.js';
import type { Condition } from '../shared/conditions.js';
import { toIsoSeconds } from '../shared/instant.js';
import type { ClassifiedCandidate } from './candidates.js';

/** An Event of a device decision: the StatusEvent every decision returns. */
export type DeviceEvent = StatusEvent;

/** The attempt that finished in a decision. */
export interface FinishedUpdate {
  component: ClassifiedCandidate['component'];
  version: string;
  source: string;
  attempt: number;
  /** The version of the component before the update, as the device reported it. */
  from: string | null;
  result: 'Succeeded' | 'Failed' | 'Expired';
  message: string;
  /** status.update.startedAt of the attempt, if known. */
  startedAt?: string | undefined;
}

/** After a failed attempt: the next attempt of the same update, scheduled (`message` says when) or sent now. */
export interface FollowUp {
  attempt: number;
  of: number;
  message: string;
}

export function describeCandidate(c: Pick<ClassifiedCandidate, 'component' | 'version' | 'source'>): string {
  return `${c.component} ${c.version} (${c.source})`;
}

/** A duration as Go (and kubectl) print one: 2s, 4m12s, 1h3m0s. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

/** " in 4m12s (started 2026-12-05T17:00:03Z)", or "" without a start time. */
function timing(finished: FinishedUpdate, verb: 'in' | 'after', now: Date): string {
  const started = finished.startedAt === undefined ? Number.NaN : Date.parse(finished.startedAt);
  if (Number.isNaN(started)) return '';
  const duration = formatDuration(now.getTime() - started);
  return ` ${verb} ${duration} (started ${toIsoSeconds(new Date(started))})`;
}

/**
 * The one Event of a finished attempt: UpdateSucceeded, or the Warning UpdateFailed saying what follows (the
 * retry, or giving up after retry.maxAttempts). Its message says the versions, source, attempt, duration and
 * start, and what the device said.
 */
export function finishedEvent(
  finished: FinishedUpdate,
  candidates: readonly ClassifiedCandidate[],
  followUp: FollowUp | null,
  maxAttempts: number,
  now: Date,
): DeviceEvent {
  const what = `${finished.component} ${finished.from ?? '(unknown)'} -> ${finished.version} (${finished.source}, attempt ${finished.attempt})`;
  if (finished.result === 'Succeeded') {
    return {
      type: 'Normal',
      reason: DeviceEventReason.UpdateSucceeded,
      message: `${what} succeeded${timing(finished, 'in', now)}: ${finished.message}`,
    };
  }
  if (finished.result === 'Expired') {
    return {
      type: 'Warning',
      reason: DeviceEventReason.UpdateExpired,
      message: `${what} was not started: ${finished.message}; it is sent again in its next window, and does not count as a failed attempt`,
    };
  }
  let next = '';
  const same = candidates.find(
    (c) =>
      c.component === finished.component && c.version === finished.version && c.source === finished.source,
  );
  if (same?.state.kind === 'exhausted') {
    next = `; failed ${same.state.failures} times in a row: giving up (retry.maxAttempts ${maxAttempts})`;
  } else if (followUp) {
    next = `; attempt ${followUp.attempt} of ${followUp.of}: ${followUp.message}`;
  }
  return {
    type: 'Warning',
    reason: DeviceEventReason.UpdateFailed,
    message: `${what} failed${timing(finished, 'after', now)}: ${finished.message}${next}`,
  };
}

/**
 * Events for condition changes worth knowing: online flips, automatic updates blocked, a due update waiting
 * for its device.
 */
export function transitionEvents(
  before: readonly Condition[] | undefined,
  after: readonly Condition[],
): DeviceEvent[] {
  const find = (list: readonly Condition[] | undefined, type: string) => list?.find((c) => c.type === type);
  const events: DeviceEvent[] = [];
  const onlineBefore = find(before, 'Online');
  const onlineAfter = find(after, 'Online');
  if (onlineBefore && onlineAfter && onlineBefore.status !== onlineAfter.status) {
    if (onlineAfter.status === 'True') {
      events.push({
        type: 'Normal',
        reason: DeviceEventReason.DeviceOnline,
        message: 'the device is connected',
      });
    } else if (onlineAfter.status === 'False') {
      events.push({
        type: 'Warning',
        reason: DeviceEventReason.DeviceOffline,
        // Why: the device itself, or the proxy that serves it (ProxyOffline names it).
        message: onlineAfter.message ?? 'the device is disconnected',
      });
    }
  }
  const blockedBefore = find(before, 'AutoUpdateBlocked');
  const blockedAfter = find(after, 'AutoUpdateBlocked');
  if (blockedAfter?.status === 'True') {
    if (blockedBefore?.status !== 'True' || blockedBefore.reason !== blockedAfter.reason) {
      events.push({
        type: 'Warning',
        reason: DeviceEventReason.AutoUpdateBlocked,
        message: `${blockedAfter.reason}: ${blockedAfter.message ?? ''}`,
      });
    }
  } else if (blockedBefore?.status === 'True' && blockedAfter?.status === 'False') {
    events.push({
      type: 'Normal',
      reason: DeviceEventReason.AutoUpdateUnblocked,
      message: 'automatic firmware updates may happen again',
    });
  }
  // A due update waiting for its device (offline) is worth knowing; waiting for a concurrency slot is routine
  // in a gradual rollout (the Updating condition and the release and plan counts show it).
  const updatingBefore = find(before, 'Updating');
  const updatingAfter = find(after, 'Updating');
  if (
    updatingAfter?.reason === DeviceReason.WaitingForDevice &&
    updatingBefore?.reason !== updatingAfter.reason
  ) {
    events.push({
      type: 'Normal',
      reason: DeviceEventReason.UpdateWaiting,
      message: updatingAfter.message ?? updatingAfter.reason,
    });
  }
  return events;
}
