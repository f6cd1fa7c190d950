// The access policy of a fleet: its TeamsDevices grouped by namespace and spec.proxyPool, each pool under
// its own broker user. Pure: the objects come in as parsed JSON (`kubectl get teamsdevices -A -o json`, or
// the YAML of the fleet), so the command that prints the acl_file and its tests share it.

import { deviceIdOf, TeamsDeviceSpec } from '../../api/v1alpha1/index.js';
import { isValidDeviceId, isValidTopicLevel } from '../../transport/protocol/topics.js';
import { type AccessPolicy, DEFAULT_OPERATOR_USER, defaultPoolUser, type PoolAccess } from './rules.js';

/** The pool a TeamsDevice without spec.proxyPool belongs to, read from the API's schema. */
const DEFAULT_POOL = String((TeamsDeviceSpec.properties.proxyPool as { default?: unknown }).default);

export interface FleetAccessOptions {
  operatorUser?: string;
  /** Users by pool, `namespace/pool` → user; a pool not named gets defaultPoolUser. */
  poolUsers?: ReadonlyMap<string, string>;
}

/** An object of the input that is not a usable TeamsDevice: where it is and what is wrong. */
export class FleetInputError extends Error {}

interface DeviceLike {
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown };
  spec?: { deviceId?: unknown; proxyPool?: unknown };
}

/**
 * The policy of `objects` (TeamsDevices; objects of other kinds are skipped). Throws FleetInputError naming
 * the object when a TeamsDevice has no name or namespace, or an id or pool that cannot be a topic level.
 */
export function fleetAccessPolicy(
  objects: readonly unknown[],
  options: FleetAccessOptions = {},
): AccessPolicy {
  const pools = new Map<string, PoolAccess & { deviceIds: string[] }>();
  // A device id is one topic for the whole broker: in two pools, both pools' proxies could write its state.
  const poolOfDevice = new Map<string, string>();
  objects.forEach((object, index) => {
    const device = object as DeviceLike;
    if (device === null || typeof device !== 'object' || device.kind !== 'TeamsDevice') return;
    const where = `TeamsDevice #${index + 1}`;
    const { name, namespace } = device.metadata ?? {};
    if (typeof name !== 'string' || name === '')
      throw new FleetInputError(`${where}: metadata.name is missing`);
    const named = `TeamsDevice ${typeof namespace === 'string' && namespace !== '' ? `${namespace}/` : ''}${name}`;
    if (typeof namespace !== 'string' || namespace === '') {
      throw new FleetInputError(`${named}: metadata.namespace is missing (TeamsDevices are namespaced)`);
    }
    const spec = device.spec ?? {};
    if (spec.deviceId !== undefined && typeof spec.deviceId !== 'string') {
      throw new FleetInputError(`${named}: spec.deviceId must be a string`);
    }
    if (spec.proxyPool !== undefined && typeof spec.proxyPool !== 'string') {
      throw new FleetInputError(`${named}: spec.proxyPool must be a string`);
    }
    const deviceId = deviceIdOf({ metadata: { name }, spec: { deviceId: spec.deviceId } });
    if (!isValidDeviceId(deviceId)) {
      throw new FleetInputError(
        `${named}: device id ${JSON.stringify(deviceId)} is not one MQTT topic level`,
      );
    }
    const pool = spec.proxyPool ?? DEFAULT_POOL;
    for (const [what, level] of [
      ['metadata.namespace', namespace],
      ['spec.proxyPool', pool],
    ] as const) {
      if (!isValidTopicLevel(level)) {
        throw new FleetInputError(`${named}: ${what} ${JSON.stringify(level)} is not one MQTT topic level`);
      }
    }
    const key = `${namespace}/${pool}`;
    const other = poolOfDevice.get(deviceId);
    if (other !== undefined && other !== key) {
      throw new FleetInputError(
        `${named}: device id ${JSON.stringify(deviceId)} is also a device of pool ${other}; an id names one device on MQTT`,
      );
    }
    poolOfDevice.set(deviceId, key);
    let access = pools.get(key);
    if (!access) {
      const user = options.poolUsers?.get(key) ?? defaultPoolUser(namespace, pool);
      access = { namespace, pool, user, deviceIds: [] };
      pools.set(key, access);
    }
    access.deviceIds.push(deviceId);
  });
  // A pool named in poolUsers without devices still gets its presence and resync rules.
  for (const [key, user] of options.poolUsers ?? []) {
    if (pools.has(key)) continue;
    const [namespace = '', pool = ''] = key.split('/');
    pools.set(key, { namespace, pool, user, deviceIds: [] });
  }
  const sorted = [...pools.values()].sort((a, b) =>
    a.namespace === b.namespace ? a.pool.localeCompare(b.pool) : a.namespace.localeCompare(b.namespace),
  );
  return { operatorUser: options.operatorUser ?? DEFAULT_OPERATOR_USER, pools: sorted };
}
