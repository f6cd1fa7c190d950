// Condition types and reasons: one place, so controllers, preview and tests speak the same words.

export const ConditionType = {
  Ready: 'Ready',
  Online: 'Online',
  UpdateAvailable: 'UpdateAvailable',
  Updating: 'Updating',
  AutoUpdateBlocked: 'AutoUpdateBlocked',
  RemoteUpdateAvailable: 'RemoteUpdateAvailable',
  Halted: 'Halted',
} as const;

/** Why an update will not happen (automatically, or at all). */
export const BlockedReason = {
  /** The device runs firmware that is not a Verified release: only UpdatePlans update it. */
  UnknownFirmware: 'UnknownFirmware',
  /** The device reports autoUpdateSupported: false. */
  NotSupported: 'NotSupported',
  /** Remote updates are not available in this cloud (GCC-High). */
  RemoteUpdateUnavailable: 'RemoteUpdateUnavailable',
  /** The target is older than what runs: reverting needs a factory reset. */
  DowngradeRequiresFactoryReset: 'DowngradeRequiresFactoryReset',
  /** The requested version is not a Verified release. */
  NotVerified: 'NotVerified',
  /** No release with the requested version applies to the device. */
  NotApplicable: 'NotApplicable',
  /** No Verified release newer than what runs applies to the device. */
  UpToDate: 'UpToDate',
  /** The Teams app is never updated automatically. */
  ManualOnly: 'ManualOnly',
  /** The release is paused. */
  ReleasePaused: 'ReleasePaused',
  /** The failure threshold halted the release in this namespace. */
  ReleaseHalted: 'ReleaseHalted',
  /** The device has not reported its version yet. */
  VersionUnknown: 'VersionUnknown',
  /** The named device does not exist. */
  DeviceNotFound: 'DeviceNotFound',
  /** The plan is suspended. */
  Suspended: 'Suspended',
  /** The requested release's date is still ahead: it cannot be installed before it is out. */
  NotReleased: 'NotReleased',
  /** The device's zone (or a plan's schedule zone) is not an IANA zone, so no local time can be computed. */
  InvalidTimeZone: 'InvalidTimeZone',
  /** A plan's schedule names no valid local time in a valid zone. */
  InvalidSchedule: 'InvalidSchedule',
  /** The policy's business hours or blackouts cannot be read. */
  InvalidPolicy: 'InvalidPolicy',
} as const;
export type BlockedReason = (typeof BlockedReason)[keyof typeof BlockedReason];
