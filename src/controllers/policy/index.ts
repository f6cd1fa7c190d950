// The UpdatePolicy controller: says whether a policy is usable (its zone, business hours and blackouts, see
// src/core/policy-status.ts) in the Ready condition, with observedGeneration and an Event on a transition.
// A namespace without a policy uses the defaults: there is nothing to reconcile for it.
import { ConditionType, type UpdatePolicy } from '../../api/v1alpha1/index.js';
import { decidePolicyStatus } from '../../core/policy/decide.js';
import { namespaceOf } from '../../core/rules/policies.js';
import { patchStatus } from '../../k8s/status.js';
import type { Reconciler } from '../../runtime/controller.js';
import type { ControllerFactory, OperatorContext } from '../types.js';

export const POLICY_CONTROLLER = 'updatepolicy';

/** Our API types keep timestamps as the strings the server sends; client-node's types say Date. */

function policyReconciler(ctx: OperatorContext): Reconciler {
  const { informers, client, recorder } = ctx;
  return {
    async reconcile(key, rc) {
      const policy = informers.policies.getByKey(key);
      if (!policy) return;
      const decision = decidePolicyStatus(policy, ctx.clock.now());
      const { patched } = await patchStatus(client, policy, decision.status, { signal: rc.signal });
      if (!patched) return;
      const ready = decision.status.conditions?.find((c) => c.type === ConditionType.Ready);
      rc.log.info({ ready: ready?.status, reason: ready?.reason }, 'policy status written');
      for (const e of decision.events) await recorder.record(policy, e.type, e.reason, e.message);
    },
  };
}

export const policyController: ControllerFactory = (ctx) => ({
  name: POLICY_CONTROLLER,
  reconciler: policyReconciler(ctx),
  watch: (enqueue) => {
    const key = (policy: UpdatePolicy) => `${namespaceOf(policy.metadata)}/${policy.metadata.name}`;
    ctx.informers.policies.addEventHandler({
      add: (policy) => enqueue(key(policy)),
      update: (_old, policy) => enqueue(key(policy)),
    });
  },
});
