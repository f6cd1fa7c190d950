// The UpdatePolicy controller: says whether a policy is usable (its zone, business hours and blackouts, see
// src/core/policy/decide.ts) in the Ready condition, with observedGeneration and an Event on a transition.
// A namespace without a policy uses the defaults: there is nothing to reconcile for it.
import { ConditionType, namespacedKey, type UpdatePolicy } from '../../api/v1alpha1/index.js';
import { decidePolicyStatus } from '../../core/policy/decide.js';
import { namespaceOf } from '../../core/rules/policies.js';
import type { Reconciler } from '../../runtime/controller.js';
import { applyStatus } from '../apply-status.js';
import type { ControllerFactory, OperatorContext } from '../types.js';

export const POLICY_CONTROLLER = 'updatepolicy';

function policyReconciler(ctx: OperatorContext): Reconciler {
  const { informers } = ctx;
  return {
    async reconcile(key, rc) {
      const policy = informers.policies.getByKey(key);
      if (!policy) return;
      const decision = decidePolicyStatus(policy, ctx.clock.now());
      return applyStatus(ctx, policy, decision, rc, {
        message: 'policy status written',
        fields: (status) => {
          const ready = status.conditions?.find((c) => c.type === ConditionType.Ready);
          return { ready: ready?.status, reason: ready?.reason };
        },
      });
    },
  };
}

export const policyController: ControllerFactory = (ctx) => ({
  name: POLICY_CONTROLLER,
  reconciler: policyReconciler(ctx),
  watch: (enqueue) => {
    const key = (policy: UpdatePolicy) => namespacedKey(namespaceOf(policy.metadata), policy.metadata.name);
    ctx.informers.policies.addEventHandler({
      add: (policy) => enqueue(key(policy)),
      update: (_old, policy) => enqueue(key(policy)),
    });
  },
});
