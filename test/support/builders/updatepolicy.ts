// The UpdatePolicy builder.
import type { UpdatePolicy, UpdatePolicySpec } from '../../../src/api/v1alpha1/updatepolicy.js';
import { API, defaulted } from './defaults.js';

export interface PolicyMeta {
  name?: string;
  namespace?: string;
}

/** The namespace's `default` policy (in `berlin`): the schema's defaults under `spec`. */
export function policy(spec: Partial<UpdatePolicySpec> = {}, meta: PolicyMeta = {}): UpdatePolicy {
  return defaulted<UpdatePolicy>({
    apiVersion: API,
    kind: 'UpdatePolicy',
    metadata: { name: meta.name ?? 'default', namespace: meta.namespace ?? 'berlin' },
    spec: spec as UpdatePolicySpec,
  });
}
