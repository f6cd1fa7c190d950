// FirmwareRelease status: the rollout per phase and the namespaces where the failure threshold halted it.
//
// status.phases has one row per phase. startsAt is releaseDate + the phase's delay; phase delays belong to
// UpdatePolicies, so namespaces can differ. The row shows the delay every policy governing a device the
// release applies to agrees on, and the default delay (Test 0, General 30, Final 90 days) when they differ
// or no device is governed: each device's own start is in its TeamsDevice status.availableUpdates.
//   targeted: devices of the phase the release applies to whose running version is older or equal to it;
//   updated:  those running it;
//   failed:   those whose newest history entry for this version is Failed and that do not run it.
//
// status.halted, per namespace: once at least failureThreshold.minDevices devices finished an automatic
// attempt to this release (history entries with source Auto, to this version) and more than
// failureThreshold.percent of them failed (a device counts by its newest such entry), the automatic rollout
// stops there (the TeamsDevice controller reads it: isHaltedIn). The thresholds are those of the
// namespace's UpdatePolicy named "default" (or the defaults). A halt stays until it is lifted declaratively:
// annotate the release teamsdevices.io/rollout-resumed-at: "<RFC 3339 instant>" with an instant at or after
// the halt's `since`. Attempts finished at or before that instant no longer count, so the rollout resumes
// and halts again only if the failures come back.

import { DEFAULT_UPDATE_POLICY_SPEC } from '../../api/v1alpha1/defaults.js';
import type {
  FirmwareRelease,
  FirmwareReleaseStatus,
  PhaseRollout,
} from '../../api/v1alpha1/firmwarerelease.js';
import { ConditionType, ReleaseReason } from '../../api/v1alpha1/reasons.js';
import { type Component, PHASES, type Phase, type TeamsDevice } from '../../api/v1alpha1/teamsdevice.js';
import type { UpdatePolicySpec } from '../../api/v1alpha1/updatepolicy.js';
import { type Decision, requeueAfter, type StatusEvent } from '../decision.js';
import { releaseAppliesTo } from '../rules/applicability.js';
import { runningState } from '../rules/device-view.js';
import { phaseDelayDays, phaseStartMs } from '../rules/phases.js';
import { lookupPolicy, namespaceOf, type PolicyIndex, policyFor } from '../rules/policies.js';
import { compareVersions, sameVersion } from '../rules/versions.js';
import { type Condition, type ConditionInput, setCondition } from '../shared/conditions.js';
import { toIsoSeconds } from '../shared/instant.js';

type HaltedNamespace = NonNullable<FirmwareReleaseStatus['halted']>[number];

/** The phase delays shown in status.phases: those all governing policies agree on, else the defaults. */
export function displayedPhaseDelays(policies: readonly UpdatePolicySpec[]): Record<Phase, number> {
  const out = {} as Record<Phase, number>;
  for (const phase of PHASES) {
    const delays = new Set(policies.map((p) => phaseDelayDays(p, phase)));
    const [only] = delays;
    out[phase] =
      delays.size === 1 && only !== undefined ? only : phaseDelayDays(DEFAULT_UPDATE_POLICY_SPEC, phase);
  }
  return out;
}

/** One device as the release counts it. */
interface Counted {
  namespace: string;
  phase: Phase;
  running: string | null;
  history: NonNullable<NonNullable<TeamsDevice['status']>['history']>;
}

function newestEntry(
  device: Counted,
  component: Component,
  version: string,
  filter: (e: Counted['history'][number]) => boolean,
) {
  let newest: Counted['history'][number] | undefined;
  for (const entry of device.history) {
    // An expired command never started: it says nothing about the release.
    if (entry.result === 'Expired') continue;
    if (entry.component !== component || !sameVersion(entry.to, version) || !filter(entry)) continue;
    if (!newest || Date.parse(entry.finishedAt) > Date.parse(newest.finishedAt)) newest = entry;
  }
  return newest;
}

export interface FailureCount {
  /** Devices with an automatic attempt to the release finished after the resume instant. */
  finished: number;
  /** Those whose newest such attempt failed. */
  failed: number;
}

/** Automatic attempts to `version` of `component` finished after `resumedAtMs` (if any), per device. */
export function countAutomaticFailures(
  devices: readonly Pick<Counted, 'history'>[],
  component: Component,
  version: string,
  resumedAtMs: number | null,
): FailureCount {
  const count: FailureCount = { finished: 0, failed: 0 };
  for (const device of devices) {
    const newest = newestEntry(
      { namespace: '', phase: 'General', running: null, ...device },
      component,
      version,
      (e) => e.source === 'Auto' && (resumedAtMs === null || Date.parse(e.finishedAt) > resumedAtMs),
    );
    if (!newest) continue;
    count.finished++;
    if (newest.result === 'Failed') count.failed++;
  }
  return count;
}

/** Whether failures exceed a threshold: at least minDevices finished and more than percent of them failed. */
export function exceedsThreshold(
  count: FailureCount,
  threshold: UpdatePolicySpec['failureThreshold'],
): boolean {
  return count.finished >= threshold.minDevices && count.failed * 100 > threshold.percent * count.finished;
}

export interface ReleaseStatusInput {
  release: FirmwareRelease;
  /** Every device the operator sees (all namespaces). */
  devices: readonly TeamsDevice[];
  policies: PolicyIndex;
  /** The value of the teamsdevices.io/rollout-resumed-at annotation, if any. */
  resumedAt: string | undefined;
  now: Date;
}

/** The release's status, its Events, and requeueAfterMs until the next phase start (absent once all started). */
export type ReleaseDecision = Decision<FirmwareReleaseStatus>;

function percent(count: FailureCount): number {
  return count.finished === 0 ? 0 : Math.round((count.failed * 100) / count.finished);
}

/** The status of a FirmwareRelease at `now`, its Events, and when to look again. */
export function decideReleaseStatus(input: ReleaseStatusInput): ReleaseDecision {
  const { release, policies, now } = input;
  const { component, version } = release.spec;
  const previous = release.status;

  const counted: Counted[] = [];
  const governing = new Set<UpdatePolicySpec>();
  for (const device of input.devices) {
    if (!releaseAppliesTo(release, device.spec)) continue;
    governing.add(policyFor(device, policies));
    counted.push({
      namespace: namespaceOf(device.metadata),
      phase: device.spec.firmwareAutoUpdate.phase,
      running: runningState(device).running[component],
      history: device.status?.history ?? [],
    });
  }

  const delays = displayedPhaseDelays([...governing]);
  const phases: PhaseRollout[] = PHASES.map((phase) => {
    const row: PhaseRollout = {
      phase,
      startsAt: toIsoSeconds(new Date(phaseStartMs(release, phase, { phaseDelayDays: toDelays(delays) }))),
      targeted: 0,
      updated: 0,
      failed: 0,
    };
    for (const d of counted) {
      if (d.phase !== phase) continue;
      const runsIt = d.running !== null && sameVersion(d.running, version);
      if (d.running !== null && compareVersions(d.running, version) <= 0) row.targeted++;
      if (runsIt) row.updated++;
      else if (newestEntry(d, component, version, () => true)?.result === 'Failed') row.failed++;
    }
    return row;
  });

  // Every distinct phase start of the governing policies, so a namespace's own start wakes the controller.
  let wakeAt: Date | null = null;
  for (const policy of governing.size > 0 ? governing : [DEFAULT_UPDATE_POLICY_SPEC]) {
    for (const phase of PHASES) {
      const at = phaseStartMs(release, phase, policy);
      if (at > now.getTime() && (!wakeAt || at < wakeAt.getTime())) wakeAt = new Date(at);
    }
  }

  const resumedMs = input.resumedAt === undefined ? Number.NaN : Date.parse(input.resumedAt);
  const badResume = input.resumedAt !== undefined && Number.isNaN(resumedMs);
  const resumedAtMs = Number.isNaN(resumedMs) ? null : resumedMs;

  const byNamespace = new Map<string, Counted[]>();
  for (const d of counted) {
    const list = byNamespace.get(d.namespace);
    if (list) list.push(d);
    else byNamespace.set(d.namespace, [d]);
  }
  const events: StatusEvent[] = [];
  const halted: HaltedNamespace[] = [];
  const namespaces = new Set([...byNamespace.keys(), ...(previous?.halted ?? []).map((h) => h.namespace)]);
  for (const namespace of [...namespaces].sort()) {
    const before = previous?.halted?.find((h) => h.namespace === namespace);
    const sinceMs = before?.since ? Date.parse(before.since) : Number.NaN;
    const lifted = before !== undefined && resumedAtMs !== null && !(resumedAtMs < sinceMs);
    if (before && !lifted) {
      halted.push(before);
      continue;
    }
    const threshold = lookupPolicy(policies, namespace).failureThreshold;
    const count = countAutomaticFailures(byNamespace.get(namespace) ?? [], component, version, resumedAtMs);
    if (exceedsThreshold(count, threshold)) {
      const message =
        `${count.failed} of ${count.finished} devices (${percent(count)}%) failed their automatic update to ` +
        `${version}${resumedAtMs !== null ? ` since ${toIsoSeconds(new Date(resumedAtMs))}` : ''}: more than ` +
        `${threshold.percent}% of at least ${threshold.minDevices}`;
      halted.push({
        namespace,
        reason: ReleaseReason.FailureThresholdExceeded,
        message,
        since: toIsoSeconds(now),
      });
      events.push({
        type: 'Warning',
        reason: ReleaseReason.RolloutHalted,
        message:
          `automatic rollout of ${version} halted in namespace ${namespace}: ${message}. To resume, annotate ` +
          `the release teamsdevices.io/rollout-resumed-at=<RFC 3339 instant>`,
      });
    } else if (lifted) {
      events.push({
        type: 'Normal',
        reason: ReleaseReason.RolloutResumed,
        message: `automatic rollout of ${version} resumed in namespace ${namespace} (rollout-resumed-at ${input.resumedAt})`,
      });
    }
  }

  const observed =
    release.metadata.generation === undefined ? {} : { observedGeneration: release.metadata.generation };
  let conditions: Condition[] = previous?.conditions ?? [];
  conditions = setCondition(
    conditions,
    {
      ...readyCondition(release, phases, delays, governing.size, badResume ? input.resumedAt : undefined),
      ...observed,
    },
    now,
  );
  conditions = setCondition(conditions, { ...haltedCondition(halted), ...observed }, now);

  return {
    status: { ...observed, phases, halted, conditions },
    events,
    ...requeueAfter(wakeAt, now),
  };
}

function toDelays(delays: Record<Phase, number>): UpdatePolicySpec['phaseDelayDays'] {
  return { test: delays.Test, general: delays.General, final: delays.Final };
}

function readyCondition(
  release: FirmwareRelease,
  phases: readonly PhaseRollout[],
  delays: Record<Phase, number>,
  policies: number,
  badResume: string | undefined,
): ConditionInput {
  const notes: string[] = [];
  if (badResume !== undefined) {
    notes.push(
      `annotation teamsdevices.io/rollout-resumed-at "${badResume}" is not an RFC 3339 instant: ignored`,
    );
  }
  const suffix = notes.length ? `; ${notes.join('; ')}` : '';
  if (release.spec.verification !== 'Verified') {
    return {
      type: ConditionType.Ready,
      status: 'True',
      reason: ReleaseReason.UnknownVersion,
      message: `Unknown version: never installed; devices running ${release.spec.version} are labelled Unknown and get no automatic updates${suffix}`,
    };
  }
  if (release.spec.component === 'TeamsApp') {
    return {
      type: ConditionType.Ready,
      status: 'True',
      reason: ReleaseReason.Verified,
      message: `Verified by Microsoft: Teams app releases are installed by UpdatePlans only${suffix}`,
    };
  }
  const starts = phases.map((p) => `${p.phase} ${p.startsAt}`).join(', ');
  const source =
    policies > 1
      ? 'the delays all governing UpdatePolicies agree on, else the defaults'
      : policies === 1
        ? 'the delays of the governing UpdatePolicy'
        : 'the default delays';
  const days = `${delays.Test}/${delays.General}/${delays.Final} days`;
  if (release.spec.paused) {
    return {
      type: ConditionType.Ready,
      status: 'True',
      reason: ReleaseReason.Paused,
      message: `Verified by Microsoft; paused: no new automatic update starts (phases from ${source}, ${days}: ${starts})${suffix}`,
    };
  }
  return {
    type: ConditionType.Ready,
    status: 'True',
    reason: ReleaseReason.Verified,
    message: `Verified by Microsoft: automatic updates start ${starts} (${source}, ${days})${suffix}`,
  };
}

function haltedCondition(halted: readonly HaltedNamespace[]): ConditionInput {
  if (halted.length === 0) {
    return {
      type: ConditionType.Halted,
      status: 'False',
      reason: ReleaseReason.NotHalted,
      message: 'no namespace exceeded its failure threshold',
    };
  }
  return {
    type: ConditionType.Halted,
    status: 'True',
    reason: ReleaseReason.FailureThresholdExceeded,
    message:
      `automatic rollout halted in ${halted.map((h) => h.namespace).join(', ')}; to resume, annotate the release ` +
      'teamsdevices.io/rollout-resumed-at=<RFC 3339 instant at or after the halt>',
  };
}
