// What the tests of src/core share besides the builders of test/support/builders: policy specs, device
// views, catalogs and instants.
import { DEFAULT_UPDATE_POLICY_SPEC } from '../../src/api/v1alpha1/defaults.js';
import type { FirmwareRelease } from '../../src/api/v1alpha1/firmwarerelease.js';
import type { UpdatePolicySpec } from '../../src/api/v1alpha1/updatepolicy.js';
import { buildCatalog, type Catalog } from '../../src/core/rules/catalog.js';
import { type DeviceView, deviceView } from '../../src/core/rules/device-view.js';
import { type DeviceOptions, device, policy } from '../support/builders/index.js';

export {
  API,
  type DeviceOptions,
  device,
  plan,
  policy,
  type ReleaseOptions,
  release,
  SHA,
} from '../support/builders/index.js';

/** The spec a namespace without an UpdatePolicy is governed by, with `overrides`. */
export function policySpec(overrides: Partial<UpdatePolicySpec> = {}): UpdatePolicySpec {
  return { ...structuredClone(DEFAULT_UPDATE_POLICY_SPEC), ...overrides };
}

/** A device view under one policy (default: the DEFAULT policy with the overrides). */
export function view(o: DeviceOptions = {}, overrides: Partial<UpdatePolicySpec> = {}): DeviceView {
  const d = device(o);
  return deviceView(d, [policy(overrides, { name: d.spec.policy, namespace: d.metadata.namespace })]);
}

export function catalog(...releases: FirmwareRelease[]): Catalog {
  return buildCatalog(releases);
}

export const at = (iso: string) => new Date(iso);
export const DAY = 86_400_000;
export const plusDays = (iso: string, days: number) => new Date(Date.parse(iso) + days * DAY);
