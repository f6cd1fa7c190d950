// The defaults the code falls back on, read from the schemas (TypeBox fills a missing field with its
// `default` and descends into it, as the API server does for `spec: {}`), never restated; computed once and
// frozen, so no caller can change them by accident.
import { deepFreeze } from '@teams-device-operator/apimachinery';
import { Value } from 'typebox/value';
import { DeviceProxyPoolSpec } from './deviceproxypool.js';
import { UpdatePolicySpec } from './updatepolicy.js';

/**
 * A namespace without the named UpdatePolicy behaves as if it had one with `spec: {}`. blackouts has no
 * schema default (absent means none): the default policy names the empty list.
 */
export const DEFAULT_UPDATE_POLICY_SPEC: UpdatePolicySpec = deepFreeze({
  ...(Value.Default(UpdatePolicySpec, {}) as UpdatePolicySpec),
  blackouts: [],
});

/** spec.simulator of a DeviceProxyPool that names none: how simulated devices behave by default. */
export const DEFAULT_SIMULATOR: Readonly<NonNullable<DeviceProxyPoolSpec['simulator']>> = deepFreeze(
  (Value.Default(DeviceProxyPoolSpec, {}) as DeviceProxyPoolSpec).simulator,
);
