// The conditions of a TeamsDevice: Ready, Online, UpdateAvailable, Updating, AutoUpdateBlocked and
// RemoteUpdateAvailable, in the shape of metav1.Condition (setCondition keeps lastTransitionTime unless the
// status flips).

import { isInFlightState } from '../../api/v1alpha1/in-flight.js';
import { BlockedReason, ConditionType, DeviceReason } from '../../api/v1alpha1/reasons.js';
import type { AvailableUpdate, InFlightUpdate } from '../../api/v1alpha1/teamsdevice.js';
import type { UpdatePolicySpec } from '../../api/v1alpha1/updatepolicy.js';
import type { AutomaticDecision } from '../rules/automatic.js';
import type { Catalog } from '../rules/catalog.js';
import type { DeviceView } from '../rules/device-view.js';
import type { Reason } from '../rules/eligibility.js';
import { type Condition, type ConditionInput, setCondition } from '../shared/conditions.js';
import { toIsoSeconds } from '../shared/instant.js';
import type { ClassifiedCandidate } from './candidates.js';

export type { Condition } from '../shared/conditions.js';

/** Why a due update did not start. */
export type WaitReason = typeof DeviceReason.WaitingForDevice | typeof DeviceReason.WaitingForSlot;

export interface ConditionFacts {
  generation: number | undefined;
  /** Undefined: nothing heard from the device. */
  online: boolean | undefined;
  /** The proxy serving the device is known offline (then `online` is false): which, and since when. */
  proxyOffline: { name: string; since: Date } | null;
  /** InvalidTimeZone / InvalidPolicy: the device's windows cannot be evaluated. */
  windowsProblem: Reason | null;
  zone: string;
  availableUpdates: readonly AvailableUpdate[];
  /** status.update after the decision. */
  update: InFlightUpdate | null;
  /** A due update that did not start, and why. */
  waiting: { reason: WaitReason; message: string } | null;
  /** Why automatic firmware updates will not happen; null when they may. */
  autoBlocked: { reason: string; message: string } | null;
  remoteUpdatesAvailable: boolean;
}

function proxyOfflineMessage(proxy: { name: string; since: Date }): string {
  return `the device proxy ${proxy.name} has been offline since ${toIsoSeconds(proxy.since)}`;
}

function describeUpdate(
  update: Pick<InFlightUpdate, 'component' | 'version' | 'source' | 'attempt'>,
): string {
  return `${update.component} ${update.version} (${update.source}, attempt ${update.attempt})`;
}

function ready(f: ConditionFacts): ConditionInput {
  if (f.windowsProblem === BlockedReason.InvalidTimeZone) {
    return {
      type: ConditionType.Ready,
      status: 'False',
      reason: f.windowsProblem,
      message: `time zone "${f.zone}" is not an IANA time zone`,
    };
  }
  if (f.windowsProblem) {
    return {
      type: ConditionType.Ready,
      status: 'False',
      reason: f.windowsProblem,
      message: 'the business hours or blackouts of the UpdatePolicy cannot be read',
    };
  }
  if (f.online === undefined) {
    return {
      type: ConditionType.Ready,
      status: 'False',
      reason: DeviceReason.NotReported,
      message: 'nothing has been heard from the device yet',
    };
  }
  if (f.proxyOffline) {
    return {
      type: ConditionType.Ready,
      status: 'False',
      reason: DeviceReason.ProxyOffline,
      message: proxyOfflineMessage(f.proxyOffline),
    };
  }
  if (!f.online) {
    return {
      type: ConditionType.Ready,
      status: 'False',
      reason: DeviceReason.Offline,
      message: 'the device proxy reports the device as disconnected',
    };
  }
  return {
    type: ConditionType.Ready,
    status: 'True',
    reason: DeviceReason.Ready,
    message: 'the device reports its state',
  };
}

function online(f: ConditionFacts): ConditionInput {
  if (f.online === undefined) {
    return {
      type: ConditionType.Online,
      status: 'Unknown',
      reason: DeviceReason.NotReported,
      message: 'nothing has been heard from the device yet',
    };
  }
  if (f.proxyOffline) {
    return {
      type: ConditionType.Online,
      status: 'False',
      reason: DeviceReason.ProxyOffline,
      message: proxyOfflineMessage(f.proxyOffline),
    };
  }
  return f.online
    ? {
        type: ConditionType.Online,
        status: 'True',
        reason: DeviceReason.Connected,
        message: 'the device is connected',
      }
    : {
        type: ConditionType.Online,
        status: 'False',
        reason: DeviceReason.Disconnected,
        message: 'the device is disconnected',
      };
}

function updateAvailable(f: ConditionFacts): ConditionInput {
  if (f.availableUpdates.length === 0) {
    return {
      type: ConditionType.UpdateAvailable,
      status: 'False',
      reason: BlockedReason.UpToDate,
      message: 'no newer Verified release applies to the device',
    };
  }
  const rows = f.availableUpdates.map(
    (row) => `${row.component} ${row.currentVersion ?? '(unknown)'} -> ${row.newVersion}`,
  );
  return {
    type: ConditionType.UpdateAvailable,
    status: 'True',
    reason: DeviceReason.UpdateAvailable,
    message: rows.join('; '),
  };
}

function updating(f: ConditionFacts): ConditionInput {
  const u = f.update;
  if (u && isInFlightState(u.state)) {
    return {
      type: ConditionType.Updating,
      status: 'True',
      reason: DeviceReason[u.state],
      message: describeUpdate(u),
    };
  }
  if (f.waiting) {
    return {
      type: ConditionType.Updating,
      status: 'False',
      reason: f.waiting.reason,
      message: f.waiting.message,
    };
  }
  if (u?.state === 'Scheduled') {
    return {
      type: ConditionType.Updating,
      status: 'False',
      reason: DeviceReason.RetryScheduled,
      message: u.message ? `${describeUpdate(u)}: ${u.message}` : describeUpdate(u),
    };
  }
  return {
    type: ConditionType.Updating,
    status: 'False',
    reason: DeviceReason.Idle,
    message: 'no update in flight',
  };
}

function autoUpdateBlocked(f: ConditionFacts): ConditionInput {
  return f.autoBlocked
    ? {
        type: ConditionType.AutoUpdateBlocked,
        status: 'True',
        reason: f.autoBlocked.reason,
        message: f.autoBlocked.message,
      }
    : {
        type: ConditionType.AutoUpdateBlocked,
        status: 'False',
        reason: DeviceReason.AutoUpdatesAllowed,
        message: 'automatic firmware updates may happen',
      };
}

function remoteUpdateAvailable(f: ConditionFacts): ConditionInput {
  return f.remoteUpdatesAvailable
    ? {
        type: ConditionType.RemoteUpdateAvailable,
        status: 'True',
        reason: DeviceReason.RemoteUpdateAvailable,
        message: 'updates can be sent to the device',
      }
    : {
        type: ConditionType.RemoteUpdateAvailable,
        status: 'False',
        reason: BlockedReason.RemoteUpdateUnavailable,
        message: 'remote updates are not available in GCC-High (UpdatePolicy cloud GCCHigh): nothing is sent',
      };
}

/** The device's conditions after a decision, from the previous ones (lastTransitionTime kept unless flipped). */
export function deviceConditions(
  previous: readonly Condition[] | undefined,
  facts: ConditionFacts,
  now: Date,
): Condition[] {
  let conditions = [...(previous ?? [])];
  for (const make of [ready, online, updateAvailable, updating, autoUpdateBlocked, remoteUpdateAvailable]) {
    const cond = make(facts);
    conditions = setCondition(
      conditions,
      facts.generation === undefined ? cond : { ...cond, observedGeneration: facts.generation },
      now,
    );
  }
  return conditions;
}

function blockMessage(reason: string, view: DeviceView, release: string | undefined): string {
  switch (reason) {
    case BlockedReason.RemoteUpdateUnavailable:
      return 'remote updates are not available in GCC-High (UpdatePolicy cloud GCCHigh)';
    case BlockedReason.UnknownFirmware:
      return `firmware ${view.running.Firmware} is not a Verified release for ${view.manufacturer} ${view.model}: only UpdatePlans update this device`;
    case BlockedReason.NotSupported:
      return 'the device reports autoUpdateSupported: false: only UpdatePlans update it';
    case BlockedReason.VersionUnknown:
      return 'the device has not reported its firmware version';
    case BlockedReason.ReleasePaused:
      return `release ${release ?? ''} is paused`;
    case BlockedReason.ReleaseHalted:
      return `the rollout of release ${release ?? ''} is halted in namespace ${view.namespace}`;
    case BlockedReason.InvalidTimeZone:
      return `time zone "${view.zone}" is not an IANA time zone`;
    case BlockedReason.InvalidPolicy:
      return 'the business hours or blackouts of the UpdatePolicy cannot be read';
    default:
      return reason;
  }
}

/**
 * Why automatic firmware updates will not happen (AutoUpdateBlocked): GCC-High, a reason of the rules
 * (automaticDecision; UpToDate is not a block), or the target failed retry.maxAttempts times in a row.
 */
export function automaticBlock(
  view: DeviceView,
  catalog: Catalog,
  automatic: AutomaticDecision,
  auto: ClassifiedCandidate | undefined,
  policy: UpdatePolicySpec,
  remote: boolean,
): { reason: string; message: string } | null {
  const reason = remote ? automatic.blockedReason : BlockedReason.RemoteUpdateUnavailable;
  if (reason && reason !== BlockedReason.UpToDate) {
    const newest = catalog.newerVerified(view, 'Firmware', view.running.Firmware)[0];
    return { reason, message: blockMessage(reason, view, newest?.metadata.name) };
  }
  if (auto?.state.kind === 'exhausted') {
    return {
      reason: DeviceReason.RetriesExhausted,
      message: `the automatic update to firmware ${auto.version} failed ${auto.state.failures} times in a row (retry.maxAttempts ${policy.retry.maxAttempts}); an UpdatePlan can still install it`,
    };
  }
  return null;
}
