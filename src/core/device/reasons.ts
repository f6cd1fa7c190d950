// Reasons of the TeamsDevice conditions and Events that are not BlockedReasons (src/api/v1alpha1/reasons.ts
// holds ConditionType and BlockedReason; these are the device controller's own words, in one place).

/** Condition reasons of a TeamsDevice besides the BlockedReasons. */
export const DeviceReason = {
  // Ready
  /** The device reports its state and its windows can be evaluated. */
  Ready: 'Ready',
  /** Nothing has been heard from the device yet. */
  NotReported: 'NotReported',
  /** The proxy reports the device as disconnected. */
  Offline: 'Offline',
  // Online
  Connected: 'Connected',
  Disconnected: 'Disconnected',
  // UpdateAvailable
  UpdateAvailable: 'UpdateAvailable',
  // Updating (True: the state of the update in flight)
  Sent: 'Sent',
  Downloading: 'Downloading',
  Installing: 'Installing',
  // Updating (False)
  Idle: 'Idle',
  /** A failed attempt is retried after the backoff. */
  RetryScheduled: 'RetryScheduled',
  /**
   * An update is due, but the device is offline: it starts when the device is back (rule 11 of
   * src/core/rules/README.md).
   */
  WaitingForDevice: 'WaitingForDevice',
  /** An update is due, but maxConcurrentUpdates updates are in flight in the namespace. */
  WaitingForSlot: 'WaitingForSlot',
  // AutoUpdateBlocked
  /** Automatic firmware updates may happen. */
  AutoUpdatesAllowed: 'AutoUpdatesAllowed',
  /** The automatic update of the target release failed retry.maxAttempts times in a row. */
  RetriesExhausted: 'RetriesExhausted',
  // RemoteUpdateAvailable
  RemoteUpdateAvailable: 'RemoteUpdateAvailable',
} as const;
export type DeviceReason = (typeof DeviceReason)[keyof typeof DeviceReason];

/**
 * Reasons of the Kubernetes Events the device controller records: one per finished attempt (UpdateSucceeded,
 * or the Warning UpdateFailed whose message says the retry or giving up), and condition changes.
 */
export const DeviceEventReason = {
  UpdateSucceeded: 'UpdateSucceeded',
  UpdateFailed: 'UpdateFailed',
  /** A due update waits for its device to come online (not for a concurrency slot: that is routine). */
  UpdateWaiting: 'UpdateWaiting',
  AutoUpdateBlocked: 'AutoUpdateBlocked',
  AutoUpdateUnblocked: 'AutoUpdateUnblocked',
  DeviceOnline: 'DeviceOnline',
  DeviceOffline: 'DeviceOffline',
} as const;
export type DeviceEventReason = (typeof DeviceEventReason)[keyof typeof DeviceEventReason];
