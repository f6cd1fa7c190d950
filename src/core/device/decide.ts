// The TeamsDevice decision: from what the device reports, the catalog, its policy, the plans that select it,
// the latest event of its command in flight and the concurrency slot, the whole status the device should have
// now, the command to send (if any), the Events worth recording and the next instant that matters. Pure: no
// I/O, `now` passed in. The device controller (src/controllers/device) gathers the input and applies this.
//
// What it costs in API writes per update: status Sent, the progress at most once per progressIntervalMs
// (coalesceProgress), the final result; one Event per finished attempt.
//
// One update at a time per device. In order of preference, what starts: the due rows of UpdatePlans (plans by
// name; immediate at once, scheduled at their time, windows ignored: rule 9), then the automatic firmware
// update (its due time passed and now outside business hours and blackouts: rules 5-7, 11). Retries wait for
// retry.backoffMinutes (automatic ones then for the next allowed instant). Nothing is sent in GCC-High, to an
// offline device, or without a concurrency slot. Rule numbers are those of src/core/rules/README.md.
import type { Artifact } from '../../api/v1alpha1/firmwarerelease.js';
import type { InFlightState } from '../../api/v1alpha1/in-flight.js';
import { DeviceReason } from '../../api/v1alpha1/reasons.js';
import type {
  Component,
  HistoryEntry,
  InFlightUpdate,
  TeamsDevice,
  TeamsDeviceStatus,
} from '../../api/v1alpha1/teamsdevice.js';
import type { UpdatePlan } from '../../api/v1alpha1/updateplan.js';
import type { UpdatePolicySpec } from '../../api/v1alpha1/updatepolicy.js';
import type { Decision } from '../decision.js';
import { availableUpdates } from '../rules/available-updates.js';
import type { Catalog } from '../rules/catalog.js';
import { type DeviceView, deviceFacts, runningState } from '../rules/device-view.js';
import { windowsProblem } from '../rules/eligibility.js';
import { effectiveZone, remoteUpdatesAvailable, windowRules } from '../rules/policies.js';
import { firmwareVerification } from '../rules/verification.js';
import { MS_PER_MINUTE, toIsoSeconds } from '../shared/instant.js';
import { type ClassifiedCandidate, updateCandidates } from './candidates.js';
import { commandId } from './command-id.js';
import { automaticBlock, deviceConditions, type WaitReason } from './conditions.js';
import {
  type DeviceEvent,
  describeCandidate,
  type FinishedUpdate,
  type FollowUp,
  finishedEvent,
  transitionEvents,
} from './events.js';
import { maxAttempts, type UpdateSource, withHistoryEntry } from './history.js';
import { commandNotAfter } from './not-after.js';
import {
  coalesceProgress,
  DEFAULT_PROGRESS_INTERVAL_MS,
  isInFlight,
  type ObservedCommandEvent,
  progressUpdate,
  timeoutAt,
} from './progress.js';
import {
  type DeviceObservation,
  effectiveOnline,
  nextLastSeen,
  type ProxyObservation,
  reportedAt,
  reportedFrom,
  stableAvailableUpdates,
  withExhausted,
} from './report.js';

export type { DeviceEvent, FinishedUpdate } from './events.js';
export { COMMAND_TTL_MS } from './not-after.js';
export { DEFAULT_PROGRESS_INTERVAL_MS, type ObservedCommandEvent } from './progress.js';
export { type DeviceObservation, LAST_SEEN_REFRESH_MS, type ProxyObservation } from './report.js';

/** A command in flight with no event heard is sent again (same command id) at most this often. */
export const DEFAULT_RESEND_AFTER_MS = 5 * MS_PER_MINUTE;

export interface DeviceDecisionInput {
  device: TeamsDevice;
  /** What the device last reported to this process; absent: nothing yet (status.reported stands). */
  observed?: DeviceObservation | undefined;
  /**
   * The presence of the proxy `observed.proxy` names, when the operator knows it; absent: no proxy named, or
   * none known (the device is judged by its own state). A proxy known offline makes the device offline.
   */
  proxy?: ProxyObservation | undefined;
  catalog: Catalog;
  /** The device's policy (core policyFor). */
  policy: UpdatePolicySpec;
  /** The UpdatePlans of the device's namespace that select it. */
  plans: readonly UpdatePlan[];
  /** The latest event of the command in flight (status.update.commandId), if any. */
  event?: ObservedCommandEvent | undefined;
  /** Whether a concurrency slot is free for this device (or it already holds one). */
  slotAvailable: boolean;
  /** What this process knows of handing the command in flight to the transport. */
  delivery?: { lastSentAt?: Date | undefined; failed?: boolean | undefined } | undefined;
  now: Date;
  options?: DeviceDecisionOptions;
}

export interface DeviceDecisionOptions {
  /** A command in flight with no event heard is sent again at most this often; default 5 minutes. */
  resendAfterMs?: number;
  /**
   * The progress of the update in flight (Sent -> Downloading -> Installing) is written at most this often,
   * counted from the last write of status.update; 0: every change. Default 30 s (--progress-interval).
   */
  progressIntervalMs?: number;
}

/** A command to send (after the status write). */
export interface UpdateToSend {
  component: Component;
  /** The version exactly as the release writes it (command ids use it unnormalised). */
  version: string;
  /** FirmwareRelease name. */
  release: string;
  artifact: Artifact;
  source: UpdateSource;
  attempt: number;
  commandId: string;
  /** True: the command in flight sent again with the same id (no status change). */
  resend: boolean;
  /** The last instant the proxy may start it (commandNotAfter): later, it rejects the command. */
  notAfter: Date;
}

/**
 * The shape every decision has (status, events, requeueAfterMs until the next instant that matters: a due
 * time, a retry, a timeout, a resend), plus what only a device decides: the command to send and the slot.
 */
export interface DeviceDecision extends Decision<TeamsDeviceStatus> {
  send?: UpdateToSend;
  /** The device holds a concurrency slot after this decision: its update is Sent, Downloading or Installing. */
  inFlight: boolean;
  /** An update is due but waits for a concurrency slot (the caller wakes the device when one frees). */
  waitingForSlot: boolean;
  /** The attempt that finished in this decision, if any. */
  finished?: FinishedUpdate;
}

/** The earliest future instant seen. */
class Wake {
  private at: number | null = null;
  constructor(private readonly now: Date) {}
  add(instant: Date | null | undefined): void {
    const t = instant?.getTime();
    if (t === undefined || Number.isNaN(t) || t <= this.now.getTime()) return;
    if (this.at === null || t < this.at) this.at = t;
  }
  afterMs(): number | undefined {
    return this.at === null ? undefined : this.at - this.now.getTime();
  }
}

/** What the decision steps share. */
interface Step {
  input: DeviceDecisionInput;
  view: DeviceView;
  online: boolean | undefined;
  remote: boolean;
  wake: Wake;
  resendAfterMs: number;
}

function viewOf(device: TeamsDevice, policy: UpdatePolicySpec): DeviceView {
  const zone = effectiveZone(device.spec, policy);
  return { ...deviceFacts(device), policy, zone, rules: windowRules(policy, zone) };
}

/** The update in flight after the latest event: still running (perhaps sent again), or finished. */
function advanceInFlight(
  s: Step,
  current: InFlightUpdate & { state: InFlightState },
): { update: InFlightUpdate | null; send?: UpdateToSend; finished?: FinishedUpdate } {
  const { input, view, wake } = s;
  const now = input.now;
  const step = progressUpdate(current, input.event, view.running[current.component], input.policy, now);
  if (step.kind === 'finished') {
    return {
      update: null,
      finished: {
        component: current.component,
        version: current.version,
        source: current.source,
        attempt: current.attempt,
        from: runningState(input.device).running[current.component],
        result: step.result,
        message: step.message,
        startedAt: current.startedAt,
      },
    };
  }
  wake.add(step.timeoutAt);
  if (input.event?.commandId === current.commandId) return { update: step.update };
  // Nothing heard of the command by this process (lost on its way, or the operator restarted and the proxy's
  // events went to nobody): send it again under the same id once resendAfterMs has passed since the last
  // send, or since startedAt after a restart; at once when handing it over failed. The proxy answers a
  // command id it knows with its latest event, and runs one it dropped again.
  const last = input.delivery?.failed
    ? null
    : (input.delivery?.lastSentAt ?? (current.startedAt ? new Date(current.startedAt) : null));
  const resendAt = last ? new Date(last.getTime() + s.resendAfterMs) : now;
  if (resendAt.getTime() > now.getTime()) {
    wake.add(resendAt);
    return { update: step.update };
  }
  const release = input.catalog
    .verified(view, current.component)
    .find((r) => r.spec.version === current.version);
  if (!s.online || !s.remote || !release?.spec.artifact) return { update: step.update };
  wake.add(new Date(now.getTime() + s.resendAfterMs));
  return {
    update: step.update,
    send: {
      component: current.component,
      version: current.version,
      release: release.metadata.name,
      artifact: release.spec.artifact,
      source: current.source as UpdateSource,
      attempt: current.attempt,
      commandId: current.commandId,
      resend: true,
      notAfter: commandNotAfter(current.source as UpdateSource, view.rules, now),
    },
  };
}

function scheduled(
  view: DeviceView,
  c: ClassifiedCandidate,
  attempt: number,
  message: string,
): InFlightUpdate {
  return {
    commandId: commandId(view.deviceId, c.component, c.version, attempt),
    component: c.component,
    version: c.version,
    source: c.source,
    state: 'Scheduled',
    attempt,
    message,
  };
}

/** What starts now, or waits (for the device, a slot, or a retry), when nothing is in flight. */
function startNext(
  s: Step,
  candidates: readonly ClassifiedCandidate[],
): {
  update: InFlightUpdate | null;
  send?: UpdateToSend;
  waiting: { reason: WaitReason; message: string } | null;
} {
  const { input, view, wake } = s;
  const { now, policy } = input;
  const ready = candidates.find((c) => c.state.kind === 'ready' && c.release.spec.artifact);
  if (ready?.state.kind === 'ready') {
    const attempt = ready.state.attempt;
    let waiting: { reason: WaitReason; message: string } | null = null;
    if (!s.online) {
      waiting = {
        reason: DeviceReason.WaitingForDevice,
        message: `${describeCandidate(ready)} is due: waiting for the device to come online`,
      };
    } else if (!input.slotAvailable) {
      waiting = {
        reason: DeviceReason.WaitingForSlot,
        message: `${describeCandidate(ready)} is due: waiting for one of maxConcurrentUpdates (${policy.maxConcurrentUpdates}) to free up in namespace ${view.namespace}`,
      };
    }
    if (waiting) {
      const retry = attempt > 1 ? scheduled(view, ready, attempt, `retry due: ${waiting.message}`) : null;
      return { update: retry, waiting };
    }
    const id = commandId(view.deviceId, ready.component, ready.version, attempt);
    const update: InFlightUpdate = {
      commandId: id,
      component: ready.component,
      version: ready.version,
      source: ready.source,
      state: 'Sent',
      attempt,
      startedAt: toIsoSeconds(now),
    };
    wake.add(timeoutAt(update, policy));
    wake.add(new Date(now.getTime() + s.resendAfterMs));
    return {
      update,
      send: {
        component: ready.component,
        version: ready.version,
        release: ready.release.metadata.name,
        artifact: ready.release.spec.artifact as Artifact,
        source: ready.source,
        attempt,
        commandId: id,
        resend: false,
        notAfter: commandNotAfter(ready.source, view.rules, now),
      },
      waiting: null,
    };
  }
  // Nothing may start: show the retry that comes first, if any.
  let retry: ClassifiedCandidate | undefined;
  for (const c of candidates) {
    if (c.state.kind !== 'retry') continue;
    if (!retry || retryTime(c) < retryTime(retry)) retry = c;
  }
  if (retry?.state.kind !== 'retry') return { update: null, waiting: null };
  const message = retry.state.at
    ? `retry at ${toIsoSeconds(retry.state.at)}`
    : 'no allowed instant for a retry within the windows';
  return { update: scheduled(view, retry, retry.state.attempt, message), waiting: null };
}

/** What follows a failed attempt of the same update: its retry, scheduled or sent now; null otherwise. */
function followUp(
  finished: FinishedUpdate,
  update: InFlightUpdate | null,
  send: UpdateToSend | undefined,
  policy: UpdatePolicySpec,
): FollowUp | null {
  if (finished.result !== 'Failed' || !update) return null;
  if (
    update.component !== finished.component ||
    update.version !== finished.version ||
    update.source !== finished.source
  ) {
    return null;
  }
  const of = maxAttempts(policy);
  if (update.state === 'Scheduled') return { attempt: update.attempt, of, message: update.message ?? '' };
  if (send && !send.resend) return { attempt: send.attempt, of, message: 'sent now' };
  return null;
}

function retryTime(c: ClassifiedCandidate): number {
  return c.state.kind === 'retry' && c.state.at ? c.state.at.getTime() : Number.POSITIVE_INFINITY;
}

/** The whole decision for one device at `now`. */
export function decideDevice(input: DeviceDecisionInput): DeviceDecision {
  const { device, observed, catalog, policy, now } = input;
  const old: TeamsDeviceStatus = device.status ?? {};

  // What the device reports.
  const reported = observed ? reportedFrom(observed) : old.reported;
  const online = effectiveOnline(observed, old.online, input.proxy);
  const proxyOffline =
    observed && input.proxy && !input.proxy.online
      ? { name: input.proxy.name, since: input.proxy.since }
      : null;
  const view = viewOf({ ...device, status: { ...old, ...(reported ? { reported } : {}) } }, policy);
  const remote = remoteUpdatesAvailable(policy);
  const s: Step = {
    input,
    view,
    online,
    remote,
    wake: new Wake(now),
    resendAfterMs: input.options?.resendAfterMs ?? DEFAULT_RESEND_AFTER_MS,
  };

  // The update in flight.
  let history: HistoryEntry[] = [...(old.history ?? [])];
  let update: InFlightUpdate | null = null;
  let send: UpdateToSend | undefined;
  let finished: FinishedUpdate | undefined;
  if (isInFlight(old.update)) {
    ({ update, send, finished } = advanceInFlight(s, old.update));
    if (finished) {
      history = withHistoryEntry(history, {
        component: finished.component,
        from: finished.from,
        to: finished.version,
        source: finished.source,
        result: finished.result,
        finishedAt: toIsoSeconds(now),
      });
    }
  }

  // What comes next.
  const { candidates, automatic, planWakeAt } = updateCandidates({
    view,
    catalog,
    plans: input.plans,
    history,
    reportedAt: reportedAt(old, observed),
    now,
  });
  s.wake.add(planWakeAt);
  // The automatic target's time comes through its candidate (so a given-up target wakes nothing); a newer
  // release taking over comes at its phase start.
  s.wake.add(automatic.next?.phaseStart);
  for (const c of candidates) {
    if (c.state.kind === 'later' || c.state.kind === 'retry') s.wake.add(c.state.at);
  }
  let waiting: { reason: WaitReason; message: string } | null = null;
  if (!update && remote) ({ update, send, waiting } = startNext(s, candidates));

  // One Event per finished attempt (none when an update starts).
  const events: DeviceEvent[] = [];
  if (finished) {
    events.push(
      finishedEvent(
        finished,
        candidates,
        followUp(finished, update, send, policy),
        policy.retry.maxAttempts,
        now,
      ),
    );
  }

  // Status and conditions.
  const auto = candidates.find((c) => c.source === 'Auto');
  const available = stableAvailableUpdates(
    withExhausted(availableUpdates(view, catalog, now), auto),
    old.availableUpdates,
    now,
  );
  const conditions = deviceConditions(
    old.conditions,
    {
      generation: device.metadata.generation,
      online,
      proxyOffline,
      windowsProblem: windowsProblem(policy, view.zone),
      zone: view.zone,
      availableUpdates: available,
      update,
      waiting,
      autoBlocked: automaticBlock(view, catalog, automatic, auto, policy, remote),
      remoteUpdatesAvailable: remote,
    },
    now,
  );
  // lastSeen follows the device's own state; online flips with its proxy too.
  const lastSeen = nextLastSeen(
    old,
    observed && online !== undefined && online !== observed.online ? { ...observed, online } : observed,
    now,
  );
  const computed: TeamsDeviceStatus = {
    ...old,
    ...(device.metadata.generation === undefined ? {} : { observedGeneration: device.metadata.generation }),
    ...(online === undefined ? {} : { online }),
    ...(lastSeen === undefined ? {} : { lastSeen }),
    ...(reported === undefined ? {} : { reported }),
    firmwareVerification: firmwareVerification(view, catalog),
    availableUpdates: available,
    update,
    ...(history.length > 0 ? { history } : {}),
    conditions,
  };
  const { status, wakeAt } = coalesceProgress(
    old,
    computed,
    now,
    input.options?.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS,
  );
  s.wake.add(wakeAt);
  events.push(...transitionEvents(old.conditions, status.conditions ?? []));
  const requeueAfterMs = s.wake.afterMs();
  return {
    status,
    ...(send ? { send } : {}),
    events,
    ...(requeueAfterMs === undefined ? {} : { requeueAfterMs }),
    inFlight: isInFlight(update),
    waitingForSlot: waiting?.reason === DeviceReason.WaitingForSlot,
    ...(finished ? { finished } : {}),
  };
}
