// One short line per reason, so the table says why an update will not happen, not only its code.
import type { BlockedReason } from '../../api/v1alpha1/index.js';

const EXPLANATIONS: Record<BlockedReason, string> = {
  UnknownFirmware: 'running firmware is not Verified',
  NotSupported: 'device cannot auto-update',
  RemoteUpdateUnavailable: 'no remote updates in GCC-High',
  DowngradeRequiresFactoryReset: 'older than what runs',
  NotVerified: 'that version is not Verified',
  NotApplicable: 'no such release for this device',
  UpToDate: 'already runs it',
  ManualOnly: 'Teams app updates need an UpdatePlan',
  ReleasePaused: 'the release is paused',
  ReleaseHalted: 'the failure threshold halted the release',
  VersionUnknown: 'the device has not reported its version',
  DeviceNotFound: 'no such TeamsDevice in the namespace',
  Suspended: 'the plan is suspended',
  NotReleased: 'that release is not out yet',
  InvalidTimeZone: 'the time zone is not an IANA zone',
  InvalidSchedule: 'the schedule is not a valid local time',
  InvalidPolicy: 'the policy cannot be read',
};

/** `Reason (source): what it means`, the reason as the core gives it, explained when it is a known code. */
export function explainReason(reason: string, source: string): string {
  const explanation = (EXPLANATIONS as Record<string, string>)[reason];
  return explanation === undefined ? `${reason} (${source})` : `${reason} (${source}): ${explanation}`;
}
