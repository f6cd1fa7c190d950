// The Kubernetes Events of a device decision: the outcome of an attempt, what follows a failure, and the
// condition changes worth knowing (online flips, automatic updates blocked, a due update waiting).
import type { Condition } from './conditions.js';
import type { ClassifiedCandidate } from './device-candidates.js';
import { DeviceEventReason, DeviceReason } from './device-reasons.js';

export interface DeviceEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** The attempt that finished in a decision. */
export interface FinishedUpdate {
  component: ClassifiedCandidate['component'];
  version: string;
  source: string;
  attempt: number;
  /** The version of the component before the update, as the device reported it. */
  from: string | null;
  result: 'Succeeded' | 'Failed';
  message: string;
}

export function describeCandidate(c: Pick<ClassifiedCandidate, 'component' | 'version' | 'source'>): string {
  return `${c.component} ${c.version} (${c.source})`;
}

/** UpdateSucceeded or UpdateFailed; after a failure, UpdateRetriesExhausted or UpdateRetryScheduled. */
export function finishedEvents(
  finished: FinishedUpdate,
  candidates: readonly ClassifiedCandidate[],
  retry: { attempt: number; of: number; message: string } | null,
  maxAttempts: number,
): DeviceEvent[] {
  const what = `${finished.component} ${finished.from ?? '(unknown)'} -> ${finished.version} (${finished.source}, attempt ${finished.attempt})`;
  if (finished.result === 'Succeeded') {
    return [
      { type: 'Normal', reason: DeviceEventReason.UpdateSucceeded, message: `${what}: ${finished.message}` },
    ];
  }
  const events: DeviceEvent[] = [
    { type: 'Warning', reason: DeviceEventReason.UpdateFailed, message: `${what}: ${finished.message}` },
  ];
  const same = candidates.find(
    (c) =>
      c.component === finished.component && c.version === finished.version && c.source === finished.source,
  );
  if (same?.state.kind === 'exhausted') {
    events.push({
      type: 'Warning',
      reason: DeviceEventReason.UpdateRetriesExhausted,
      message: `${describeCandidate(same)} failed ${same.state.failures} times in a row: giving up (retry.maxAttempts ${maxAttempts})`,
    });
  } else if (retry) {
    events.push({
      type: 'Normal',
      reason: DeviceEventReason.UpdateRetryScheduled,
      message: `${finished.component} ${finished.version} (${finished.source}): attempt ${retry.attempt} of ${retry.of}, ${retry.message}`,
    });
  }
  return events;
}

/** Events for condition changes worth knowing: online flips, automatic updates blocked, a due update waiting. */
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
        message: 'the device is disconnected',
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
  const updatingBefore = find(before, 'Updating');
  const updatingAfter = find(after, 'Updating');
  const waiting: string[] = [DeviceReason.WaitingForDevice, DeviceReason.WaitingForSlot];
  if (
    updatingAfter &&
    waiting.includes(updatingAfter.reason) &&
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
