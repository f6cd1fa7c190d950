// TeamsDevice status.history: the finished attempts, newest first, at most HISTORY_LIMIT. Attempt numbers,
// retry counts and retry times are derived from it, so they survive a restart and need no other field.
import type { Component, HistoryEntry } from '../../api/v1alpha1/teamsdevice.js';
import type { UpdatePolicySpec } from '../../api/v1alpha1/updatepolicy.js';
import { sameVersion } from '../rules/versions.js';
import { MS_PER_MINUTE } from '../shared/instant.js';

export const HISTORY_LIMIT = 10;

/** Auto, or UpdatePlan/<name>. */
export type UpdateSource = 'Auto' | `UpdatePlan/${string}`;

export const AUTO_SOURCE: UpdateSource = 'Auto';

export function planSource(planName: string): UpdateSource {
  return `UpdatePlan/${planName}`;
}

/** What an attempt installs: a component at a version, for a source. */
export interface UpdateKey {
  component: Component;
  version: string;
  /** Absent: any source. */
  source?: string;
}

function matches(entry: HistoryEntry, key: UpdateKey): boolean {
  return (
    entry.component === key.component &&
    sameVersion(entry.to, key.version) &&
    (key.source === undefined || entry.source === key.source)
  );
}

/**
 * The Failed entries at the head of the history restricted to `key` (updates of other components, versions
 * or sources in between do not reset the count), and when the newest of them finished.
 */
export function consecutiveFailures(
  history: readonly HistoryEntry[] | undefined,
  key: UpdateKey,
): { count: number; lastFailedAt: Date | null } {
  let count = 0;
  let lastFailedAt: Date | null = null;
  for (const entry of history ?? []) {
    if (!matches(entry, key)) continue;
    // A command that arrived too late never started: no failure, and no success either.
    if (entry.result === 'Expired') continue;
    if (entry.result !== 'Failed') break;
    if (count === 0) lastFailedAt = new Date(entry.finishedAt);
    count++;
  }
  return { count, lastFailedAt };
}

/**
 * The attempt number of the next command installing `component` at `version`: 1 + the consecutive failures
 * of that (component, version), whatever their source. Counting across sources keeps command ids unique: a
 * plan that follows failed automatic attempts of the same version sends a new command, not one the proxy has
 * already finished (command ids do not include the source).
 */
export function nextAttempt(
  history: readonly HistoryEntry[] | undefined,
  component: Component,
  version: string,
): number {
  // Expired attempts count here (not as failures): each sends a new command id, since the proxy has finished
  // the expired one.
  let attempts = 0;
  for (const entry of history ?? []) {
    if (!matches(entry, { component, version })) continue;
    if (entry.result === 'Succeeded') break;
    attempts++;
  }
  return 1 + attempts;
}

/** retry.maxAttempts, bounded by what the history can count. */
export function maxAttempts(policy: Pick<UpdatePolicySpec, 'retry'>): number {
  return Math.max(1, Math.min(policy.retry.maxAttempts, HISTORY_LIMIT));
}

/** When a failed update may be tried again: the last failure + backoffMinutes (windows come on top for Auto). */
export function retryNotBefore(lastFailedAt: Date, policy: Pick<UpdatePolicySpec, 'retry'>): Date {
  return new Date(lastFailedAt.getTime() + policy.retry.backoffMinutes * MS_PER_MINUTE);
}

/** The history with `entry` in front, bounded. */
export function withHistoryEntry(
  history: readonly HistoryEntry[] | undefined,
  entry: HistoryEntry,
): HistoryEntry[] {
  return [entry, ...(history ?? [])].slice(0, HISTORY_LIMIT);
}

/** The newest entry for (component, version), any source. */
export function lastEntryFor(
  history: readonly HistoryEntry[] | undefined,
  component: Component,
  version: string,
): HistoryEntry | undefined {
  return (history ?? []).find((entry) => matches(entry, { component, version }));
}
