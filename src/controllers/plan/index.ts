// The UpdatePlan controller: shows what a plan does to each (device, component), and when. It never sends
// anything (the TeamsDevice controller is the single executor, see ../types.ts): it reads the plan, the
// devices of its namespace, their policies and the releases from the caches, decides the status with
// src/core/plan/decide.ts, writes it when it changed, records the Event of a phase transition after the
// write, and comes back when a scheduled row or a release comes due.
import { namespacedKey, type TeamsDevice, type UpdatePlan } from '../../api/v1alpha1/index.js';
import { decidePlanStatus } from '../../core/plan/decide.js';
import { buildCatalog } from '../../core/rules/catalog.js';
import { planSelects } from '../../core/rules/manual.js';
import { indexPolicies, namespaceOf } from '../../core/rules/policies.js';
import type { Reconciler } from '../../runtime/controller.js';
import { applyStatus } from '../apply-status.js';
import { changedBeyondStatus } from '../status-echo.js';
import {
  AGGREGATE_DEBOUNCE_MS,
  type ControllerFactory,
  type Enqueue,
  type OperatorContext,
} from '../types.js';

export const PLAN_CONTROLLER = 'updateplan';

/** The work-queue key of a plan: namespace/name. */
const keyOf = (plan: UpdatePlan) => namespacedKey(namespaceOf(plan.metadata), plan.metadata.name);

function planReconciler(ctx: OperatorContext): Reconciler {
  const { informers } = ctx;
  return {
    async reconcile(key, rc) {
      const plan = informers.plans.getByKey(key);
      if (!plan) return;
      const namespace = namespaceOf(plan.metadata);
      const now = ctx.clock.now();
      const decision = decidePlanStatus({
        plan,
        devices: informers.devices.list(namespace),
        policies: indexPolicies(informers.policies.list(namespace)),
        catalog: buildCatalog(informers.releases.list()),
        now,
      });
      return applyStatus(ctx, plan, decision, rc, {
        message: 'plan status written',
        fields: (status) => ({ phase: status.phase, summary: status.summary }),
      });
    },
  };
}

function watchPlans(ctx: OperatorContext, enqueue: Enqueue): void {
  const { informers } = ctx;
  const later = (key: string) => enqueue.after(key, AGGREGATE_DEBOUNCE_MS);
  const plansOf = (namespace: string) => informers.plans.list(namespace);
  const onDevice = (...devices: TeamsDevice[]) => {
    const keys = new Set<string>();
    for (const device of devices) {
      for (const plan of plansOf(namespaceOf(device.metadata))) {
        if (planSelects(plan, device)) keys.add(keyOf(plan));
      }
    }
    keys.forEach(later);
  };
  informers.plans.addEventHandler({
    add: (plan) => enqueue(keyOf(plan)),
    // Its own status write coming back waits like a device change (../status-echo.ts).
    update: (old, plan) => (changedBeyondStatus(old, plan) ? enqueue(keyOf(plan)) : later(keyOf(plan))),
  });
  informers.devices.addEventHandler({
    add: (device) => onDevice(device),
    update: (old, device) => onDevice(old, device),
    delete: (device) => onDevice(device),
  });
  // Releases change targets of every namespace; policies change automatic times (rule 8 of
  // src/core/rules/README.md) and GCC-High.
  const allPlans = () => informers.plans.list().map(keyOf).forEach(later);
  informers.releases.addEventHandler({ add: allPlans, update: allPlans, delete: allPlans });
  const namespacePlans = (policy: { metadata: { namespace?: string } }) =>
    plansOf(namespaceOf(policy.metadata)).map(keyOf).forEach(later);
  informers.policies.addEventHandler({
    add: namespacePlans,
    update: (_old, policy) => namespacePlans(policy),
    delete: namespacePlans,
  });
}

export const planController: ControllerFactory = (ctx) => ({
  name: PLAN_CONTROLLER,
  reconciler: planReconciler(ctx),
  watch: (enqueue) => watchPlans(ctx, enqueue),
});
