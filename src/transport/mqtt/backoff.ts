// How long the MQTT transport waits before its next connection attempt. Exponential so a broker that is down
// is not hammered, capped so a broker that comes back is found soon, and jittered so the replicas of many
// installations that lost the same broker do not all reconnect in the same instant.

export interface BackoffPolicy {
  /** The delay before the first attempt after a connection is lost. */
  initialMs: number;
  /** The longest delay, however many attempts have failed. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: Readonly<BackoffPolicy> = Object.freeze({ initialMs: 500, maxMs: 30_000 });

/**
 * The delay before attempt `attempt` (0 for the first after a loss): half of the capped exponential delay
 * for sure, the other half drawn at random ("equal jitter"), so it never drops to zero.
 */
export function reconnectDelayMs(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const exponent = Math.min(Math.max(0, attempt), 30);
  const capped = Math.min(policy.maxMs, policy.initialMs * 2 ** exponent);
  return Math.round(capped / 2 + random() * (capped / 2));
}
