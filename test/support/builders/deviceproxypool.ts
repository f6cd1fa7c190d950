// The DeviceProxyPool builder.
import type { DeviceProxyPool, DeviceProxyPoolSpec } from '../../../src/api/v1alpha1/deviceproxypool.js';
import { API, defaulted } from './defaults.js';

/** A pool (default `default` in `berlin`): the schema's defaults under `spec`. */
export function pool(
  spec: Partial<DeviceProxyPoolSpec> = {},
  meta: { name?: string; namespace?: string } = {},
): DeviceProxyPool {
  return defaulted<DeviceProxyPool>({
    apiVersion: API,
    kind: 'DeviceProxyPool',
    metadata: { name: meta.name ?? 'default', namespace: meta.namespace ?? 'berlin' },
    spec: spec as DeviceProxyPoolSpec,
  });
}
