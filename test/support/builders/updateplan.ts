// The UpdatePlan builder.
import type { UpdatePlan, UpdatePlanSpec } from '../../../src/api/v1alpha1/updateplan.js';
import { API, defaulted } from './defaults.js';

/** A plan (in `berlin`) updating the Firmware of `spec.devices`, not suspended. */
export function plan(
  name: string,
  spec: Partial<UpdatePlanSpec> & Pick<UpdatePlanSpec, 'devices'>,
  namespace = 'berlin',
): UpdatePlan {
  return defaulted<UpdatePlan>({
    apiVersion: API,
    kind: 'UpdatePlan',
    metadata: { name, namespace },
    spec: { updates: [{ component: 'Firmware' }], suspend: false, ...spec },
  });
}
