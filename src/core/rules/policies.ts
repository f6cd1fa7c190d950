import { DEFAULT_UPDATE_POLICY_SPEC } from '../../api/v1alpha1/defaults.js';
import { namespacedKey } from '../../api/v1alpha1/keys.js';
import type { TeamsDevice, TeamsDeviceSpec } from '../../api/v1alpha1/teamsdevice.js';
import type { UpdatePolicy, UpdatePolicySpec } from '../../api/v1alpha1/updatepolicy.js';
import type { WindowRules } from './windows.js';

/** Index of policies by namespace and name, for looking up many devices. */
export type PolicyIndex = ReadonlyMap<string, UpdatePolicySpec>;

const key = namespacedKey;

export function namespaceOf(meta: { namespace?: string }): string {
  return meta.namespace ?? 'default';
}

export function indexPolicies(policies: readonly UpdatePolicy[]): PolicyIndex {
  return new Map(policies.map((p) => [key(namespaceOf(p.metadata), p.metadata.name), p.spec]));
}

/**
 * The policy that governs a device: the UpdatePolicy named by spec.policy in the device's namespace, or
 * DEFAULT_UPDATE_POLICY_SPEC when that namespace has no such policy.
 */
export function policyFor(
  device: Pick<TeamsDevice, 'metadata' | 'spec'>,
  policies: readonly UpdatePolicy[] | PolicyIndex,
): UpdatePolicySpec {
  const namespace = namespaceOf(device.metadata);
  const name = device.spec.policy;
  if (!Array.isArray(policies)) return lookupPolicy(policies as PolicyIndex, namespace, name);
  const found = (policies as readonly UpdatePolicy[]).find(
    (p) => p.metadata.name === name && namespaceOf(p.metadata) === namespace,
  );
  return found?.spec ?? DEFAULT_UPDATE_POLICY_SPEC;
}

/** The policy `name` of a namespace, or DEFAULT_UPDATE_POLICY_SPEC when the namespace has none by that name. */
export function lookupPolicy(policies: PolicyIndex, namespace: string, name = 'default'): UpdatePolicySpec {
  return policies.get(key(namespace, name)) ?? DEFAULT_UPDATE_POLICY_SPEC;
}

/** The device's zone: spec.timeZone, else the policy's defaultTimeZone, else UTC. */
export function effectiveZone(
  spec: Pick<TeamsDeviceSpec, 'timeZone'>,
  policy?: Pick<UpdatePolicySpec, 'defaultTimeZone'>,
): string {
  return spec.timeZone || policy?.defaultTimeZone || 'UTC';
}

const rulesCache = new WeakMap<UpdatePolicySpec, Map<string, WindowRules>>();

/**
 * Business hours and blackouts of a policy, read in one zone. The same (policy object, zone) gives the same
 * rules object, so devices sharing a policy and a zone share their rules.
 */
export function windowRules(policy: UpdatePolicySpec, zone: string): WindowRules {
  let byZone = rulesCache.get(policy);
  if (!byZone) {
    byZone = new Map();
    rulesCache.set(policy, byZone);
  }
  let rules = byZone.get(zone);
  if (!rules) {
    rules = {
      zone,
      businessHours: policy.businessHours as WindowRules['businessHours'],
      blackouts: policy.blackouts ?? [],
    };
    byZone.set(zone, rules);
  }
  return rules;
}

/** GCC-High tenants get no remote updates at all (rule 10). */
export function remoteUpdatesAvailable(policy: Pick<UpdatePolicySpec, 'cloud'>): boolean {
  return policy.cloud !== 'GCCHigh';
}
