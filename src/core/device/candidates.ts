// What a device could install next: the due rows of the UpdatePlans that select it (rule 9) and its automatic
// firmware target (rules 5-7, 11), each classified against the history (retries, backoff, give-up). Rule
// numbers are those of src/core/rules/README.md.
import type { FirmwareRelease } from '../../api/v1alpha1/firmwarerelease.js';
import type { Component, HistoryEntry } from '../../api/v1alpha1/teamsdevice.js';
import type { UpdatePlan } from '../../api/v1alpha1/updateplan.js';
import { type AutomaticDecision, automaticDecision } from '../rules/automatic.js';
import type { Catalog } from '../rules/catalog.js';
import type { DeviceView } from '../rules/device-view.js';
import { resolvePlanRow } from '../rules/manual.js';
import { isNewer, sameVersion } from '../rules/versions.js';
import { nextAllowedInstant } from '../rules/windows.js';
import { later } from '../shared/instant.js';
import {
  AUTO_SOURCE,
  consecutiveFailures,
  lastEntryFor,
  maxAttempts,
  nextAttempt,
  planSource,
  retryNotBefore,
  type UpdateSource,
} from './history.js';

/** An update the device could get: where it comes from, what it installs, and from when. */
export interface Candidate {
  source: UpdateSource;
  component: Component;
  version: string;
  release: FirmwareRelease;
  /** When it is due: the plan row's effectiveAt, or the automatic dueAt (rules 7, 8, 9, 11). */
  dueAt: Date;
}

export type CandidateState =
  /** May start now, as this attempt. */
  | { kind: 'ready'; attempt: number }
  /** Not due yet (no failure so far). */
  | { kind: 'later'; at: Date }
  /** A failed attempt waits for its backoff (and, automatic, for the next allowed instant); null: never. */
  | { kind: 'retry'; attempt: number; at: Date | null; failures: number }
  /** Failed retry.maxAttempts times in a row: given up. */
  | { kind: 'exhausted'; failures: number }
  /** It just succeeded; the device has not reported the new version yet. */
  | { kind: 'awaitingReport' };

export interface ClassifiedCandidate extends Candidate {
  state: CandidateState;
}

export interface CandidateSet {
  /** Plan rows first (plans by name, rows in the order of spec.updates), then the automatic one. */
  candidates: ClassifiedCandidate[];
  automatic: AutomaticDecision;
  /** The earliest future instant at which a plan row not listed yet becomes due, if any. */
  planWakeAt: Date | null;
}

export interface CandidateContext {
  view: DeviceView;
  catalog: Catalog;
  plans: readonly UpdatePlan[];
  history: readonly HistoryEntry[] | undefined;
  /** When the device last reported its versions (state ts, else lastSeen); null when unknown. */
  reportedAt: Date | null;
  now: Date;
}

function releaseByName(
  view: DeviceView,
  catalog: Catalog,
  component: Component,
  name: string,
): FirmwareRelease | undefined {
  return catalog.verified(view, component).find((r) => r.metadata.name === name);
}

/** The rows of the plans that run on this device at or before `now`, and when the next one comes. */
function planCandidates(ctx: CandidateContext): { candidates: Candidate[]; wakeAt: Date | null } {
  const { view, catalog, now } = ctx;
  const candidates: Candidate[] = [];
  let wakeAt: Date | null = null;
  const plans = [...ctx.plans].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  for (const plan of plans) {
    for (const update of plan.spec.updates) {
      const row = resolvePlanRow(plan, view, view.name, update, catalog, now);
      if (row.reason !== null || !row.effectiveAt || !row.newVersion || !row.release) continue;
      const release = releaseByName(view, catalog, row.component, row.release);
      if (!release) continue;
      if (row.effectiveAt.getTime() > now.getTime()) {
        if (!wakeAt || row.effectiveAt.getTime() < wakeAt.getTime()) wakeAt = row.effectiveAt;
      }
      candidates.push({
        source: planSource(plan.metadata.name),
        component: row.component,
        version: release.spec.version,
        release,
        dueAt: row.effectiveAt,
      });
    }
  }
  return { candidates, wakeAt };
}

function classify(candidate: Candidate, ctx: CandidateContext): CandidateState {
  const { history, view, now } = ctx;
  const { component, version } = candidate;
  const last = lastEntryFor(history, component, version);
  if (last?.result === 'Succeeded') {
    const finished = Date.parse(last.finishedAt);
    if (!ctx.reportedAt || finished >= ctx.reportedAt.getTime()) return { kind: 'awaitingReport' };
  }
  // A plan counts its own failures (an admin asked for it); automatic updates count every failure of the
  // version, so a version a plan gave up on is not retried automatically either.
  const failures = consecutiveFailures(history, {
    component,
    version,
    ...(candidate.source === AUTO_SOURCE ? {} : { source: candidate.source }),
  });
  if (failures.count >= maxAttempts(view.policy)) return { kind: 'exhausted', failures: failures.count };
  const attempt = nextAttempt(history, component, version);
  let readyAt: Date | null = candidate.dueAt;
  if (failures.count > 0 && failures.lastFailedAt) {
    readyAt = later(readyAt, retryNotBefore(failures.lastFailedAt, view.policy));
    // Rule 11: an automatic retry waits for the next instant outside business hours and blackouts.
    if (candidate.source === AUTO_SOURCE) readyAt = nextAllowedInstant(later(readyAt, now), view.rules);
  }
  if (readyAt && readyAt.getTime() <= now.getTime()) return { kind: 'ready', attempt };
  if (failures.count > 0) return { kind: 'retry', attempt, at: readyAt, failures: failures.count };
  return { kind: 'later', at: readyAt ?? candidate.dueAt };
}

/**
 * Every update the device could get, classified. The automatic target is listed when it has a due time;
 * it is left out when a plan row installs the same version (one command, rule 8: the plan's source).
 * Never a downgrade: every candidate is newer than what runs (plan rows are checked by resolvePlanRow,
 * the automatic target by automaticDecision).
 */
export function updateCandidates(ctx: CandidateContext): CandidateSet {
  const { view, catalog, now } = ctx;
  const plans = planCandidates(ctx);
  const automatic = automaticDecision(view, catalog, now);
  const all: Candidate[] = [...plans.candidates];
  const target = automatic.target;
  if (target?.dueAt) {
    const running = view.running.Firmware;
    const samePlanned = all.some((c) => c.component === 'Firmware' && sameVersion(c.version, target.version));
    if (!samePlanned && running !== null && isNewer(target.version, running)) {
      all.push({
        source: AUTO_SOURCE,
        component: 'Firmware',
        version: target.version,
        release: target.release,
        dueAt: target.dueAt,
      });
    }
  }
  return {
    candidates: all.map((c) => ({ ...c, state: classify(c, ctx) })),
    automatic,
    planWakeAt: plans.wakeAt,
  };
}
