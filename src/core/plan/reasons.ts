// The words of UpdatePlan status beyond the phases and BlockedReason, written once.

/** Condition types of UpdatePlan beyond ConditionType. */
export const PlanConditionType = { Suspended: 'Suspended' } as const;

/** Reasons of UpdatePlan conditions and Events beyond the phases and BlockedReason. */
export const PlanReason = {
  /** Every row is up to date without this plan sending anything. */
  UpToDate: 'UpToDate',
  /** The TeamsDevice controller holds this plan's update for later (a retry waiting for its backoff). */
  UpdateScheduled: 'UpdateScheduled',
  /** No TeamsDevice is named or selected. */
  NoDevices: 'NoDevices',
  Available: 'Available',
  Suspended: 'Suspended',
  Resumed: 'Resumed',
} as const;
