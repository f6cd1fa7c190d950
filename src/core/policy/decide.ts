// UpdatePolicy status: is the policy usable? Its defaultTimeZone must be an IANA zone and its business hours
// and blackouts must be readable (the CRD schema checks their shapes; this checks what it cannot, and
// anything `kubectl apply --validate=false` or an older CRD let through). A namespace without an
// UpdatePolicy uses the defaults: there is nothing to reconcile for it.
import { ConditionType, PolicyReason } from '../../api/v1alpha1/reasons.js';
import type { UpdatePolicy, UpdatePolicySpec, UpdatePolicyStatus } from '../../api/v1alpha1/updatepolicy.js';
import type { Decision, StatusEvent } from '../decision.js';
import { remoteUpdatesAvailable, windowRules } from '../rules/policies.js';
import { describeWindowProblems, isValidZone } from '../rules/windows.js';
import { type Condition, type ConditionInput, setCondition } from '../shared/conditions.js';

/** Everything wrong with a policy, as messages naming the field; empty when it is usable. */
export function policyProblems(
  spec: Pick<UpdatePolicySpec, 'defaultTimeZone' | 'businessHours' | 'blackouts'>,
): string[] {
  const problems: string[] = [];
  const zoneOk = isValidZone(spec.defaultTimeZone);
  if (!zoneOk) problems.push(`defaultTimeZone "${spec.defaultTimeZone}" is not a known IANA time zone`);
  // Read the windows in a zone that exists, so a bad zone is reported once, under its own field.
  const rules = windowRules(spec as UpdatePolicySpec, zoneOk ? spec.defaultTimeZone : 'UTC');
  problems.push(...describeWindowProblems(rules));
  return problems;
}

export type PolicyDecision = Decision<UpdatePolicyStatus>;

/** The status of an UpdatePolicy at `now` and the Event of a Ready transition. */
export function decidePolicyStatus(
  policy: Pick<UpdatePolicy, 'metadata' | 'spec' | 'status'>,
  now: Date,
): PolicyDecision {
  const problems = policyProblems(policy.spec);
  const generation = policy.metadata.generation;
  const observed = generation === undefined ? {} : { observedGeneration: generation };
  const ready: ConditionInput =
    problems.length > 0
      ? {
          type: ConditionType.Ready,
          status: 'False',
          reason: PolicyReason.InvalidPolicy,
          message: `devices governed by this policy get no automatic updates until it is fixed: ${problems.join('; ')}`,
        }
      : {
          type: ConditionType.Ready,
          status: 'True',
          reason: PolicyReason.Valid,
          message: 'time zone, business hours and blackouts are valid',
        };
  const remote: ConditionInput = remoteUpdatesAvailable(policy.spec)
    ? {
        type: ConditionType.RemoteUpdateAvailable,
        status: 'True',
        reason: PolicyReason.Available,
        message: `cloud ${policy.spec.cloud}: remote updates are available`,
      }
    : {
        type: ConditionType.RemoteUpdateAvailable,
        status: 'False',
        reason: PolicyReason.RemoteUpdateUnavailable,
        message: 'cloud GCCHigh: remote updates are not available, nothing is sent to devices of this policy',
      };
  const previous = policy.status?.conditions;
  let conditions: Condition[] = previous ?? [];
  conditions = setCondition(conditions, { ...ready, ...observed }, now);
  conditions = setCondition(conditions, { ...remote, ...observed }, now);

  const events: StatusEvent[] = [];
  const before = previous?.find((c) => c.type === ConditionType.Ready);
  if (
    before?.status !== ready.status ||
    before.reason !== ready.reason ||
    (ready.status === 'False' && before.message !== ready.message)
  ) {
    // A first valid policy is not news; a problem, a new problem or a fix is.
    if (before !== undefined || ready.status === 'False') {
      events.push({
        type: ready.status === 'False' ? 'Warning' : 'Normal',
        reason: ready.reason,
        message: ready.message ?? '',
      });
    }
  }
  return { status: { ...observed, conditions }, events };
}
