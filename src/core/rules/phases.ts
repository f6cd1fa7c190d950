import type { FirmwareRelease } from '../../api/v1alpha1/firmwarerelease.js';
import { PHASES, type Phase } from '../../api/v1alpha1/teamsdevice.js';
import type { UpdatePolicySpec } from '../../api/v1alpha1/updatepolicy.js';
import { MS_PER_DAY } from '../shared/instant.js';

export function phaseDelayDays(policy: Pick<UpdatePolicySpec, 'phaseDelayDays'>, phase: Phase): number {
  const delays = policy.phaseDelayDays;
  return phase === 'Test' ? delays.test : phase === 'General' ? delays.general : delays.final;
}

/**
 * When automatic updates of a release start for devices of a phase (rule 5): releaseDate plus the phase's
 * delay, in whole days of 24 hours (the release date is an instant, so the start is one too, whatever the
 * device's zone; windows are applied afterwards, in that zone).
 */
export function phaseStart(
  release: Pick<FirmwareRelease, 'spec'>,
  phase: Phase,
  policy: Pick<UpdatePolicySpec, 'phaseDelayDays'>,
): Date {
  return new Date(phaseStartMs(release, phase, policy));
}

const releaseDates = new WeakMap<object, { text: string; ms: number }>();

/** phaseStart as epoch milliseconds; the release date is parsed once per release object. */
export function phaseStartMs(
  release: Pick<FirmwareRelease, 'spec'>,
  phase: Phase,
  policy: Pick<UpdatePolicySpec, 'phaseDelayDays'>,
): number {
  const text = release.spec.releaseDate;
  let date = releaseDates.get(release);
  if (date?.text !== text) {
    date = { text, ms: Date.parse(text) };
    releaseDates.set(release, date);
  }
  return date.ms + phaseDelayDays(policy, phase) * MS_PER_DAY;
}

/** The start of every phase of a release, Test first (FirmwareRelease status.phases). */
export function phaseStarts(
  release: Pick<FirmwareRelease, 'spec'>,
  policy: Pick<UpdatePolicySpec, 'phaseDelayDays'>,
): Array<{ phase: Phase; startsAt: Date }> {
  return PHASES.map((phase) => ({ phase, startsAt: phaseStart(release, phase, policy) }));
}
