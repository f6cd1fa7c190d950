// The simulated fleet: every TeamsDevice of the cluster gets a simulated device (in the MemoryTransport under
// `run --transport memory`), kept in sync with the TeamsDevice informer. A new device starts from initialVersionsFor(device, releases)
// (its sim.teamsdevices.io annotations, else what it last reported, else the oldest Verified release) and
// behaves as the simulator settings of its DeviceProxyPool say (the pool defaults when the pool does not
// exist). A pool change gives its devices the new behaviour; a deleted TeamsDevice removes its device.
import type { Logger } from 'pino';
import {
  DEFAULT_SIMULATOR,
  type DeviceProxyPool,
  deviceIdOf,
  objectKey,
  type TeamsDevice,
} from '../../api/v1alpha1/index.js';
import type { OperatorInformers } from '../../controllers/types.js';
import { buildCatalog, type Catalog } from '../../core/rules/catalog.js';
import type { SimulatedDeviceInit, SimulatorBehaviour } from './device.js';
import { initialVersionsFor } from './initial-versions.js';

/** The behaviour of the simulated devices of a pool (defaults for a missing pool or field). */
export function simulatorBehaviour(pool: Pick<DeviceProxyPool, 'spec'> | undefined): SimulatorBehaviour {
  const sim = pool?.spec?.simulator;
  return {
    downloadSeconds: sim?.downloadSeconds ?? DEFAULT_SIMULATOR.downloadSeconds,
    installSeconds: sim?.installSeconds ?? DEFAULT_SIMULATOR.installSeconds,
    failurePercent: sim?.failurePercent ?? DEFAULT_SIMULATOR.failurePercent,
    offlinePercent: sim?.offlinePercent ?? DEFAULT_SIMULATOR.offlinePercent,
  };
}

const poolOf = (device: Pick<TeamsDevice, 'spec'>): string => device.spec?.proxyPool || 'default';

const sameBehaviour = (a: DeviceProxyPool, b: DeviceProxyPool): boolean =>
  JSON.stringify(simulatorBehaviour(a)) === JSON.stringify(simulatorBehaviour(b));

/**
 * Where the fleet's devices run: the MemoryTransport in the operator. Only what the fleet needs, so any host
 * of simulated devices can be followed by one.
 */
export interface SimulatorTransport {
  /** The device, or undefined when it does not exist. */
  device(deviceId: string): object | undefined;
  /** Adds a device from `initial`; for an existing one only the behaviour changes. */
  upsertDevice(deviceId: string, initial: SimulatedDeviceInit, behaviour: SimulatorBehaviour): void;
  removeDevice(deviceId: string): void;
}

export interface SimulatedFleetOptions {
  transport: SimulatorTransport;
  informers: Pick<OperatorInformers, 'devices' | 'releases' | 'pools'>;
  logger: Logger;
}

export class SimulatedFleet {
  private readonly transport: SimulatorTransport;
  private readonly informers: SimulatedFleetOptions['informers'];
  private readonly log: Logger;
  private active = false;
  /** The releases as a Catalog, built when first needed after a release changed. */
  private catalog: Catalog | undefined;
  /** deviceId of each TeamsDevice key, to remove the right device on delete. */
  private readonly ids = new Map<string, string>();

  constructor(options: SimulatedFleetOptions) {
    this.transport = options.transport;
    this.informers = options.informers;
    this.log = options.logger.child({ component: 'simulated-fleet' });
    const { devices, pools, releases } = this.informers;
    devices.addEventHandler({
      add: (device) => this.active && this.upsert(device),
      // Status writes are most updates: only a move to another pool changes what the simulator does.
      update: (old, device) => this.active && poolOf(old) !== poolOf(device) && this.upsert(device),
      delete: (device) => this.active && this.remove(device),
    });
    const dropCatalog = () => {
      this.catalog = undefined;
    };
    releases.addEventHandler({ add: dropCatalog, update: dropCatalog, delete: dropCatalog });
    pools.addEventHandler({
      add: (pool) => this.active && this.poolChanged(pool),
      update: (old, pool) => this.active && !sameBehaviour(old, pool) && this.poolChanged(pool),
      delete: (pool) => this.active && this.poolChanged(pool),
    });
  }

  /** Creates a simulated device for every TeamsDevice in the (synced) cache, then follows changes. */
  start(): void {
    if (this.active) return;
    this.active = true;
    const devices = this.informers.devices.list();
    for (const device of devices) this.upsert(device);
    this.log.info({ devices: devices.length }, 'simulated devices started');
  }

  stop(): void {
    this.active = false;
  }

  private releases(): Catalog {
    this.catalog ??= buildCatalog(this.informers.releases.list());
    return this.catalog;
  }

  private upsert(device: TeamsDevice): void {
    const key = objectKey(device);
    const deviceId = deviceIdOf(device);
    try {
      const pool = this.informers.pools.get(poolOf(device), device.metadata.namespace);
      const behaviour = simulatorBehaviour(pool);
      if (this.transport.device(deviceId)) {
        this.transport.upsertDevice(deviceId, this.placeholder(device), behaviour);
      } else {
        this.transport.upsertDevice(deviceId, initialVersionsFor(device, this.releases()), behaviour);
      }
      this.ids.set(key, deviceId);
    } catch (err) {
      this.log.warn({ err, device: key, deviceId }, 'cannot simulate this device');
    }
  }

  /** upsertDevice keeps an existing device's versions: its initial state is not read. */
  private placeholder(device: TeamsDevice) {
    return {
      manufacturer: device.spec.manufacturer,
      model: device.spec.model,
      firmwareVersion: null,
      teamsAppVersion: null,
      autoUpdateSupported: true,
    };
  }

  private remove(device: TeamsDevice): void {
    const key = objectKey(device);
    const deviceId = this.ids.get(key) ?? deviceIdOf(device);
    this.ids.delete(key);
    this.transport.removeDevice(deviceId);
  }

  private poolChanged(pool: DeviceProxyPool): void {
    for (const device of this.informers.devices.list(pool.metadata.namespace)) {
      if (poolOf(device) === pool.metadata.name) this.upsert(device);
    }
  }
}
