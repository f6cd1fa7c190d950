// metav1.Condition helpers, pure so the decisions in src/core build conditions with them: lastTransitionTime
// changes only when the status flips; reason, message and observedGeneration follow the latest computation.
import type { Condition as ConditionSchema, Static } from '../../api/v1alpha1/schema-kit.js';
import { toIsoSeconds } from './instant.js';

export type Condition = Static<typeof ConditionSchema>;

/** A condition as a reconciler computes it; setCondition stamps lastTransitionTime. */
export type ConditionInput = Omit<Condition, 'lastTransitionTime'>;

/**
 * The conditions with `cond` set (a new array; the input is not changed). An existing condition of the
 * same type keeps its place and its lastTransitionTime unless its status changes; a new one is appended
 * with lastTransitionTime = now (metav1.Time, whole seconds).
 */
export function setCondition(
  conditions: readonly Condition[] | undefined,
  cond: ConditionInput,
  now: Date,
): Condition[] {
  const list = [...(conditions ?? [])];
  const index = list.findIndex((c) => c.type === cond.type);
  const existing = index >= 0 ? list[index] : undefined;
  const lastTransitionTime =
    existing && existing.status === cond.status ? existing.lastTransitionTime : toIsoSeconds(now);
  const next: Condition = {
    type: cond.type,
    status: cond.status,
    reason: cond.reason,
    ...(cond.message === undefined ? {} : { message: cond.message }),
    lastTransitionTime,
    ...(cond.observedGeneration === undefined ? {} : { observedGeneration: cond.observedGeneration }),
  };
  if (index >= 0) list[index] = next;
  else list.push(next);
  return list;
}

export function findCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

export function isConditionTrue(conditions: readonly Condition[] | undefined, type: string): boolean {
  return findCondition(conditions, type)?.status === 'True';
}

export function removeCondition(conditions: readonly Condition[] | undefined, type: string): Condition[] {
  return (conditions ?? []).filter((c) => c.type !== type);
}
