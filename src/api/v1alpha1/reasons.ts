// Condition types, condition reasons and Event reasons of every kind: one place, so controllers, preview and
// tests speak the same words. Each reason is written once, as a key of its table, beside the one-line
// explanation a person reads (`preview` prints it next to the code); the name objects are derived from the
// tables, so a reason cannot exist without its explanation.

/** `{ Name: 'Name' }` for every key of an explanation table, frozen. */
function namesOf<const T extends Record<string, string>>(explained: T): { readonly [K in keyof T]: K } {
  return Object.freeze(Object.fromEntries(Object.keys(explained).map((k) => [k, k]))) as {
    readonly [K in keyof T]: K;
  };
}

export const ConditionType = {
  Ready: 'Ready',
  Online: 'Online',
  UpdateAvailable: 'UpdateAvailable',
  Updating: 'Updating',
  AutoUpdateBlocked: 'AutoUpdateBlocked',
  RemoteUpdateAvailable: 'RemoteUpdateAvailable',
  Halted: 'Halted',
  /** DeviceProxyPool: whether its proxies fetch each artifact and check its size and sha256. */
  ArtifactsChecked: 'ArtifactsChecked',
} as const;

/** Condition types of UpdatePlan beyond ConditionType. */
export const PlanConditionType = { Suspended: 'Suspended' } as const;

/** Why an update will not happen (automatically, or at all). */
export const BLOCKED_REASON_EXPLANATIONS = {
  /** The device runs firmware that is not a Verified release: only UpdatePlans update it. */
  UnknownFirmware: 'running firmware is not Verified',
  /** The device reports autoUpdateSupported: false. */
  NotSupported: 'device cannot auto-update',
  /** Remote updates are not available in this cloud (GCC-High). */
  RemoteUpdateUnavailable: 'no remote updates in GCC-High',
  /** The target is older than what runs: reverting needs a factory reset. */
  DowngradeRequiresFactoryReset: 'older than what runs',
  /** The requested version is not a Verified release. */
  NotVerified: 'that version is not Verified',
  /** No release with the requested version applies to the device. */
  NotApplicable: 'no such release for this device',
  /** No Verified release newer than what runs applies to the device. */
  UpToDate: 'already runs it',
  /** The Teams app is never updated automatically. */
  ManualOnly: 'Teams app updates need an UpdatePlan',
  /** The release is paused. */
  ReleasePaused: 'the release is paused',
  /** The failure threshold halted the release in this namespace. */
  ReleaseHalted: 'the failure threshold halted the release',
  /** The device has not reported its version yet. */
  VersionUnknown: 'the device has not reported its version',
  /** The named device does not exist. */
  DeviceNotFound: 'no such TeamsDevice in the namespace',
  /** The plan is suspended. */
  Suspended: 'the plan is suspended',
  /** The requested release's date is still ahead: it cannot be installed before it is out. */
  NotReleased: 'that release is not out yet',
  /** The device's zone (or a plan's schedule zone) is not an IANA zone, so no local time can be computed. */
  InvalidTimeZone: 'the time zone is not an IANA zone',
  /** A plan's schedule names no valid local time in a valid zone. */
  InvalidSchedule: 'the schedule is not a valid local time',
  /** The policy's business hours or blackouts cannot be read. */
  InvalidPolicy: 'the policy cannot be read',
} as const;
export const BlockedReason = namesOf(BLOCKED_REASON_EXPLANATIONS);
export type BlockedReason = (typeof BlockedReason)[keyof typeof BlockedReason];

/** Condition reasons of a TeamsDevice besides the BlockedReasons. */
export const DEVICE_REASON_EXPLANATIONS = {
  // Ready
  /** The device reports its state and its windows can be evaluated. */
  Ready: 'the device reports its state',
  /** Nothing has been heard from the device yet. */
  NotReported: 'nothing heard from the device yet',
  /** The proxy reports the device as disconnected. */
  Offline: 'the proxy reports the device disconnected',
  /**
   * Ready and Online False: the device proxy that serves the device (DeviceState.proxy) is offline (its last
   * will, or its shutdown), so whatever the device last said, nothing reaches it.
   */
  ProxyOffline: 'the device proxy serving the device is offline',
  // Online
  Connected: 'the device is connected',
  Disconnected: 'the device is disconnected',
  // UpdateAvailable
  UpdateAvailable: 'a newer Verified release applies',
  // Updating (True: the state of the update in flight)
  Sent: 'the update was sent to the device',
  Downloading: 'the device downloads the update',
  Installing: 'the device installs the update',
  // Updating (False)
  Idle: 'no update in flight',
  /** A failed attempt is retried after the backoff. */
  RetryScheduled: 'a failed attempt is retried after the backoff',
  /** An update is due, but the device is offline: it starts when the device is back (rule 11 of src/core/rules/README.md). */
  WaitingForDevice: 'an update is due; it starts when the device is back online',
  /** An update is due, but maxConcurrentUpdates updates are in flight in the namespace. */
  WaitingForSlot: 'an update is due; maxConcurrentUpdates are in flight',
  // AutoUpdateBlocked
  /** Automatic firmware updates may happen. */
  AutoUpdatesAllowed: 'automatic firmware updates may happen',
  /** The automatic update of the target release failed retry.maxAttempts times in a row. */
  RetriesExhausted: 'the automatic update failed retry.maxAttempts times in a row',
  // RemoteUpdateAvailable
  RemoteUpdateAvailable: 'remote updates are available in this cloud',
} as const;
export const DeviceReason = namesOf(DEVICE_REASON_EXPLANATIONS);
export type DeviceReason = (typeof DeviceReason)[keyof typeof DeviceReason];

/**
 * Reasons of the Kubernetes Events the device controller records: one per finished attempt (UpdateSucceeded,
 * or the Warning UpdateFailed whose message says the retry or giving up), and condition changes.
 */
export const DEVICE_EVENT_REASON_EXPLANATIONS = {
  UpdateSucceeded: 'the device reports the target version',
  UpdateFailed: 'an update attempt failed',
  /** The command reached its proxy after its notAfter: it never started, and is sent again in the next window. */
  UpdateExpired: 'the command arrived too late and is sent again in the next window',
  /** A due update waits for its device to come online (not for a concurrency slot: that is routine). */
  UpdateWaiting: 'a due update waits for its device to come online',
  AutoUpdateBlocked: 'automatic updates became blocked',
  AutoUpdateUnblocked: 'automatic updates are allowed again',
  DeviceOnline: 'the device came online',
  DeviceOffline: 'the device went offline',
} as const;
export const DeviceEventReason = namesOf(DEVICE_EVENT_REASON_EXPLANATIONS);
export type DeviceEventReason = (typeof DeviceEventReason)[keyof typeof DeviceEventReason];

/** Reasons of FirmwareRelease conditions and Events. */
export const RELEASE_REASON_EXPLANATIONS = {
  Verified: 'the release is Verified and may roll out',
  UnknownVersion: 'the version is not a known release',
  Paused: 'the release is paused',
  FailureThresholdExceeded: 'the failure threshold halted the release',
  NotHalted: 'no namespace halted the release',
  RolloutHalted: 'the failure threshold halted the rollout in a namespace',
  RolloutResumed: 'the rollout resumed in a namespace',
} as const;
export const ReleaseReason = namesOf(RELEASE_REASON_EXPLANATIONS);
export type ReleaseReason = (typeof ReleaseReason)[keyof typeof ReleaseReason];

/** Reasons of UpdatePlan conditions and Events beyond the phases and BlockedReason. */
export const PLAN_REASON_EXPLANATIONS = {
  /** Every row is up to date without this plan sending anything. */
  UpToDate: 'every device already runs the target',
  /** The TeamsDevice controller holds this plan's update for later (a retry waiting for its backoff). */
  UpdateScheduled: 'the device controller holds the update for later',
  /** No TeamsDevice is named or selected. */
  NoDevices: 'no TeamsDevice is named or selected',
  Available: 'remote updates are available for every device',
  Suspended: 'the plan is suspended',
  Resumed: 'the plan is no longer suspended',
} as const;
export const PlanReason = namesOf(PLAN_REASON_EXPLANATIONS);
export type PlanReason = (typeof PlanReason)[keyof typeof PlanReason];

/** Reasons of DeviceProxyPool conditions and Events. */
export const POOL_REASON_EXPLANATIONS = {
  ProxiesReady: 'every proxy replica is ready',
  ProxiesNotReady: 'some proxy replicas are not ready',
  ScaledToZero: 'the pool runs no replicas',
  /** The Deployment or ConfigMap exists and is controlled by something else. */
  ResourceConflict: 'the Deployment or ConfigMap is controlled by something else',
  /** Events: the controller created or updated the pool's ConfigMap or Deployment. */
  Created: 'the controller created an object of the pool',
  Updated: 'the controller updated an object of the pool',
  /** ArtifactsChecked True: the proxies fetch each artifact and check its size and sha256 before installing. */
  ArtifactsFetched: 'the proxies fetch and check every artifact',
  /** ArtifactsChecked False: spec.simulator.fetchArtifacts is false, so nothing is fetched or checked. */
  FetchDisabled: 'artifacts are not fetched, so sha256 and size are not checked',
} as const;
export const PoolReason = namesOf(POOL_REASON_EXPLANATIONS);
export type PoolReason = (typeof PoolReason)[keyof typeof PoolReason];

/** Reasons of UpdatePolicy conditions and Events; two are BlockedReasons, with the same words. */
export const POLICY_REASON_EXPLANATIONS = {
  Valid: 'the policy can be read',
  InvalidPolicy: BLOCKED_REASON_EXPLANATIONS.InvalidPolicy,
  Available: 'remote updates are available in this cloud',
  RemoteUpdateUnavailable: BLOCKED_REASON_EXPLANATIONS.RemoteUpdateUnavailable,
} as const;
export const PolicyReason = namesOf(POLICY_REASON_EXPLANATIONS);
export type PolicyReason = (typeof PolicyReason)[keyof typeof PolicyReason];

/**
 * Reasons for an object of any kind that the operator cannot read (left from an older CRD, or written
 * around it): it is skipped by every other object's reconcile and reported on itself.
 */
export const OBJECT_REASON_EXPLANATIONS = {
  /** Ready False: the spec does not match the kind's schema (the message names the field). */
  InvalidSpec: 'the spec does not match the schema; the object is ignored until it is fixed',
  /** Warning Event: the same, once per problem. */
  InvalidObject: 'the object does not match its schema and is ignored',
} as const;
export const ObjectReason = namesOf(OBJECT_REASON_EXPLANATIONS);
export type ObjectReason = (typeof ObjectReason)[keyof typeof ObjectReason];
