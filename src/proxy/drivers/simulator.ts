// The simulator driver: one SimulatedDevice per device the proxy serves, behaving as the pool's
// spec.simulator says (simulator.json), on the proxy's clock, so simulated downloads and installs follow the
// speed the operator runs at. A device starts from the versions of devices.json (its sim.teamsdevices.io
// annotations), or from the versions it had installed when the proxy last stopped.

import type { Component } from '../../api/v1alpha1/teamsdevice.js';
import type { PoolDevice } from '../../core/pool/decide.js';
import type { Clock } from '../../runtime/clock.js';
import type { DeviceStateMessage, UpdateCommand } from '../../transport/protocol.js';
import { SimulatedDevice, type SimulatorBehaviour } from '../../transport/simulator/device.js';
import type { CheckedArtifact, Driver, DriverListener, InstalledVersions } from '../driver.js';

export interface SimulatorDriverOptions {
  clock: Clock;
  listener: DriverListener;
  behaviour: SimulatorBehaviour;
}

const COMPONENT_FIELDS: Record<Component, 'firmwareVersion' | 'teamsAppVersion'> = {
  Firmware: 'firmwareVersion',
  TeamsApp: 'teamsAppVersion',
};

/** A version the ledger kept wins over devices.json; an absent one (never recorded) does not. */
function startVersion(device: PoolDevice, kept: InstalledVersions | undefined, component: Component) {
  const v = kept?.[component];
  return v === undefined ? device[COMPONENT_FIELDS[component]] : v;
}

export class SimulatorDriver implements Driver {
  readonly name = 'simulator' as const;
  private readonly options: SimulatorDriverOptions;
  private behaviour: SimulatorBehaviour;
  private readonly devices = new Map<string, SimulatedDevice>();

  constructor(options: SimulatorDriverOptions) {
    this.options = options;
    this.behaviour = { ...options.behaviour };
  }

  /** New behaviour (simulator.json changed) for the phases that start from now on. */
  setBehaviour(behaviour: SimulatorBehaviour): void {
    this.behaviour = { ...behaviour };
    for (const device of this.devices.values()) device.setBehaviour(this.behaviour);
  }

  async setDevices(
    devices: readonly PoolDevice[],
    installed: ReadonlyMap<string, InstalledVersions>,
  ): Promise<void> {
    const wanted = new Set(devices.map((d) => d.deviceId));
    for (const [deviceId, device] of this.devices) {
      if (wanted.has(deviceId)) continue;
      device.halt();
      this.devices.delete(deviceId);
    }
    const { clock, listener } = this.options;
    for (const d of devices) {
      if (this.devices.has(d.deviceId)) continue;
      const kept = installed.get(d.deviceId);
      const device = new SimulatedDevice(
        d.deviceId,
        {
          manufacturer: d.manufacturer,
          model: d.model,
          firmwareVersion: startVersion(d, kept, 'Firmware'),
          teamsAppVersion: startVersion(d, kept, 'TeamsApp'),
          autoUpdateSupported: d.autoUpdateSupported,
        },
        this.behaviour,
        clock,
        {
          state: (state) => listener.state(d.deviceId, state),
          event: (event) => listener.event(d.deviceId, event),
        },
      );
      this.devices.set(d.deviceId, device);
      listener.state(d.deviceId, device.state());
    }
  }

  async readState(deviceId: string): Promise<DeviceStateMessage | undefined> {
    return this.devices.get(deviceId)?.state();
  }

  /**
   * The simulated device runs the command. The artifact was fetched and checked by the proxy (or, with
   * fetchArtifacts false, not at all: the device's own all-zero-digest marker still fails).
   */
  async install(deviceId: string, command: UpdateCommand, _artifact: CheckedArtifact): Promise<void> {
    const device = this.devices.get(deviceId);
    if (!device) throw new Error(`simulator: no device ${deviceId}`);
    device.receive(command);
  }

  async stop(): Promise<void> {
    for (const device of this.devices.values()) device.halt();
    this.devices.clear();
  }
}
