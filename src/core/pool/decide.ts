// DeviceProxyPool: which devices a pool serves (the devices.json its proxies read) and its status.

import { HTTP_ENDPOINT_ANNOTATION, SIM_ANNOTATIONS } from '../../api/v1alpha1/annotations.js';
import type { DeviceProxyPool, DeviceProxyPoolStatus } from '../../api/v1alpha1/deviceproxypool.js';
import { deviceIdOf } from '../../api/v1alpha1/keys.js';
import { ConditionType, PoolReason } from '../../api/v1alpha1/reasons.js';
import type { DeviceType, TeamsDevice } from '../../api/v1alpha1/teamsdevice.js';
import type { Decision, StatusEvent } from '../decision.js';
import { namespaceOf } from '../rules/policies.js';
import { type Condition, type ConditionInput, setCondition } from '../shared/conditions.js';

/** The pool of a device that names none (the CRD default). */
export const DEFAULT_POOL = 'default';

/** One device of a pool, as devices.json lists it for the proxies. */
export interface PoolDevice {
  /** TeamsDevice name. */
  name: string;
  /** Identity on MQTT: spec.deviceId, else the name. */
  deviceId: string;
  type: DeviceType;
  manufacturer: string;
  model: string;
  /**
   * Initial state of a simulated device, from the sim.teamsdevices.io annotations; null (or true for
   * autoUpdateSupported) when the annotation is absent. Only the annotations, never status.reported, so the
   * file changes when the fleet changes, not with every update the devices report.
   */
  firmwareVersion: string | null;
  teamsAppVersion: string | null;
  autoUpdateSupported: boolean;
  /** Base URL of the device's agent (driver http), from its annotation; null: the pool's template applies. */
  endpoint: string | null;
}

export function poolOf(device: Pick<TeamsDevice, 'spec'>): string {
  return device.spec.proxyPool || DEFAULT_POOL;
}

function annotation(device: Pick<TeamsDevice, 'metadata'>, key: string): string | null {
  const value = device.metadata.annotations?.[key]?.trim();
  return value ? value : null;
}

/** What devices.json holds for one device. */
export function poolDevice(device: Pick<TeamsDevice, 'metadata' | 'spec'>): PoolDevice {
  return {
    name: device.metadata.name,
    deviceId: deviceIdOf(device),
    type: device.spec.type,
    manufacturer: device.spec.manufacturer,
    model: device.spec.model,
    firmwareVersion: annotation(device, SIM_ANNOTATIONS.firmwareVersion),
    teamsAppVersion: annotation(device, SIM_ANNOTATIONS.teamsAppVersion),
    autoUpdateSupported: annotation(device, SIM_ANNOTATIONS.autoUpdateSupported)?.toLowerCase() !== 'false',
    endpoint: annotation(device, HTTP_ENDPOINT_ANNOTATION),
  };
}

/** The devices a pool serves: those of its namespace whose spec.proxyPool names it, by deviceId. */
export function poolDevices(
  pool: Pick<DeviceProxyPool, 'metadata'>,
  devices: readonly Pick<TeamsDevice, 'metadata' | 'spec'>[],
): PoolDevice[] {
  const namespace = namespaceOf(pool.metadata);
  return devices
    .filter((d) => namespaceOf(d.metadata) === namespace && poolOf(d) === pool.metadata.name)
    .map(poolDevice)
    .sort((a, b) => a.deviceId.localeCompare(b.deviceId));
}

export interface PoolStatusInput {
  pool: Pick<DeviceProxyPool, 'metadata' | 'spec' | 'status'>;
  devices: number;
  /** status.readyReplicas of the pool's Deployment; undefined when it does not exist (yet). */
  readyReplicas: number | undefined;
  /** Why the pool's objects could not be written (e.g. owned by something else); undefined when they were. */
  problem: string | undefined;
  now: Date;
}

export type PoolDecision = Decision<DeviceProxyPoolStatus>;

/**
 * ArtifactsChecked: whether the proxies fetch each artifact and check its size and sha256 before a driver
 * installs it. Only a simulator pool may opt out (spec.simulator.fetchArtifacts false, for catalogs whose URLs
 * point nowhere); the http driver always fetches.
 */
export function artifactsChecked(pool: Pick<DeviceProxyPool, 'spec'>): ConditionInput {
  if (pool.spec.driver === 'simulator' && pool.spec.simulator.fetchArtifacts === false) {
    return {
      type: ConditionType.ArtifactsChecked,
      status: 'False',
      reason: PoolReason.FetchDisabled,
      message:
        'spec.simulator.fetchArtifacts is false: the proxies do not fetch artifacts, so their sha256 and size are not checked',
    };
  }
  return {
    type: ConditionType.ArtifactsChecked,
    status: 'True',
    reason: PoolReason.ArtifactsFetched,
    message: 'the proxies fetch each artifact and check its sha256 and size before it is installed',
  };
}

/** The status of a pool (Ready, ArtifactsChecked) and the Event of a Ready transition. */
export function decidePoolStatus(input: PoolStatusInput): PoolDecision {
  const { pool, now } = input;
  const want = pool.spec.replicas;
  const ready = input.readyReplicas ?? 0;
  const condition: ConditionInput = input.problem
    ? {
        type: ConditionType.Ready,
        status: 'False',
        reason: PoolReason.ResourceConflict,
        message: input.problem,
      }
    : want === 0
      ? {
          type: ConditionType.Ready,
          status: 'True',
          reason: PoolReason.ScaledToZero,
          message: `replicas is 0: no proxy runs, the ${input.devices} device(s) of this pool are not reachable`,
        }
      : ready >= want
        ? {
            type: ConditionType.Ready,
            status: 'True',
            reason: PoolReason.ProxiesReady,
            message: `${ready}/${want} proxy pods ready, serving ${input.devices} device(s)`,
          }
        : {
            type: ConditionType.Ready,
            status: 'False',
            reason: PoolReason.ProxiesNotReady,
            message: `${ready}/${want} proxy pods ready`,
          };
  const generation = pool.metadata.generation;
  const observed = generation === undefined ? {} : { observedGeneration: generation };
  const previous = pool.status?.conditions;
  const conditions: Condition[] = setCondition(
    setCondition(previous, { ...condition, ...observed }, now),
    { ...artifactsChecked(pool), ...observed },
    now,
  );
  const before = previous?.find((c) => c.type === ConditionType.Ready);
  const events: StatusEvent[] =
    before?.status !== condition.status || before.reason !== condition.reason
      ? [
          {
            type: condition.reason === PoolReason.ResourceConflict ? 'Warning' : 'Normal',
            reason: condition.reason,
            message: condition.message ?? '',
          },
        ]
      : [];
  return {
    status: { ...observed, readyReplicas: ready, devices: input.devices, conditions },
    events,
  };
}
