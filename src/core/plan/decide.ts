// The UpdatePlan decision: its rows (rows.ts), its phase and conditions (conditions.ts), the Events of a
// transition and when to look again, in the one shape every decision has.
import { ConditionType, PlanConditionType, PlanReason } from '../../api/v1alpha1/reasons.js';
import type { TeamsDevice } from '../../api/v1alpha1/teamsdevice.js';
import type { PlanDeviceRow, UpdatePlan, UpdatePlanStatus } from '../../api/v1alpha1/updateplan.js';
import { type Decision, requeueAfter, type StatusEvent } from '../decision.js';
import { planSource } from '../device/history.js';
import type { Catalog } from '../rules/catalog.js';
import { planSchedule, resolvePlan } from '../rules/manual.js';
import { namespaceOf, type PolicyIndex } from '../rules/policies.js';
import { type Condition, type ConditionInput, setCondition } from '../shared/conditions.js';
import { toIsoSeconds } from '../shared/instant.js';
import { readyCondition, remoteUpdateCondition } from './conditions.js';
import { countRows, planPhase, planRowStatus } from './rows.js';

export interface PlanStatusInput {
  plan: UpdatePlan;
  /** Devices of the plan's namespace (others are ignored). */
  devices: readonly TeamsDevice[];
  policies: PolicyIndex;
  catalog: Catalog;
  now: Date;
}

/**
 * The plan's status, the Events of a phase or Ready transition, and requeueAfterMs until the next instant at
 * which the status changes by itself (the schedule, a row or a release comes due); absent if none.
 */
export type PlanDecision = Decision<UpdatePlanStatus>;

/** The status of an UpdatePlan at `now`, the Events of its transitions, and when to look again. */
export function decidePlanStatus(input: PlanStatusInput): PlanDecision {
  const { plan, now, policies, catalog } = input;
  const previous = plan.status;
  const namespace = namespaceOf(plan.metadata);
  const generation = plan.metadata.generation;
  const sameGeneration = generation !== undefined && previous?.observedGeneration === generation;
  const source = planSource(plan.metadata.name);
  const byName = new Map(
    input.devices.filter((d) => namespaceOf(d.metadata) === namespace).map((d) => [d.metadata.name, d]),
  );
  const previousRows = new Map((previous?.devices ?? []).map((r) => [`${r.device}\u0000${r.component}`, r]));
  const releases = new Map(catalog.releases.map((r) => [r.metadata.name, r]));

  const schedule = planSchedule(plan.spec);
  // An immediate plan applies from the instant the operator first saw this generation of it.
  const scheduledFor =
    schedule.kind === 'scheduled'
      ? toIsoSeconds(schedule.at)
      : schedule.kind === 'immediate'
        ? ((sameGeneration ? previous?.scheduledFor : undefined) ?? toIsoSeconds(now))
        : undefined;
  let wakeAt: Date | null =
    schedule.kind === 'scheduled' && schedule.at.getTime() > now.getTime() ? schedule.at : null;

  const rows: PlanDeviceRow[] = [];
  for (const planned of resolvePlan(plan, [...byName.values()], policies, catalog, now)) {
    const { row, wakeAt: rowWake } = planRowStatus(planned, {
      device: byName.get(planned.device),
      source,
      previous: previousRows.get(`${planned.device}\u0000${planned.component}`),
      sameGeneration,
      releases,
      now,
    });
    rows.push(row);
    if (rowWake && (!wakeAt || rowWake.getTime() < wakeAt.getTime())) wakeAt = rowWake;
  }

  const counts = countRows(rows);
  const invalid = schedule.kind === 'invalid' ? { reason: schedule.reason, message: schedule.message } : null;
  // An invalid schedule refuses every row; the plan waits for a fix rather than failing.
  const phase = invalid ? 'Pending' : planPhase(counts);

  const observed = generation === undefined ? {} : { observedGeneration: generation };
  const stamp = (c: ConditionInput): ConditionInput => ({ ...c, ...observed });
  let conditions: Condition[] = previous?.conditions ?? [];
  const ready = readyCondition(phase, rows, counts, invalid, scheduledFor, namespace);
  conditions = setCondition(conditions, stamp(ready), now);
  conditions = setCondition(conditions, stamp(remoteUpdateCondition(rows, policies, namespace)), now);
  const wasSuspended = conditions.some((c) => c.type === PlanConditionType.Suspended);
  if (plan.spec.suspend) {
    conditions = setCondition(
      conditions,
      stamp({
        type: PlanConditionType.Suspended,
        status: 'True',
        reason: PlanReason.Suspended,
        message: 'spec.suspend is true: nothing new is sent for this plan; updates in flight finish',
      }),
      now,
    );
  } else if (wasSuspended) {
    conditions = setCondition(
      conditions,
      stamp({
        type: PlanConditionType.Suspended,
        status: 'False',
        reason: PlanReason.Resumed,
        message: 'spec.suspend is false: the plan runs',
      }),
      now,
    );
  }

  const status: UpdatePlanStatus = {
    ...observed,
    phase,
    ...(scheduledFor ? { scheduledFor } : {}),
    devices: rows,
    summary: {
      total: counts.total,
      succeeded: counts.succeeded,
      failed: counts.failed,
      skipped: counts.skipped,
    },
    conditions,
  };

  const events: StatusEvent[] = [];
  const before = previous?.conditions?.find((c) => c.type === ConditionType.Ready);
  if (previous?.phase !== phase || before?.reason !== ready.reason || before?.status !== ready.status) {
    const warning = ready.status === 'False' && ready.reason !== PlanReason.NoDevices;
    events.push({
      type: warning ? 'Warning' : 'Normal',
      reason: ready.reason,
      message: `phase ${phase}: ${ready.message ?? ''}`,
    });
  }
  return { status, events, ...requeueAfter(wakeAt, now) };
}
