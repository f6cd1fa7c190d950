// What a device proxy asks of a driver: the device side of one proxy. The proxy owns MQTT, presence, the
// command ledger (a command id it finished is never run twice), the notAfter check and the artifact check
// (size and sha256) before a driver installs anything; a driver only reaches devices. Two exist: simulator
// (built-in simulated devices, src/proxy/drivers/simulator.ts) and http (a device agent speaking the REST
// contract of docs/device-agent.openapi.yaml, src/proxy/drivers/http.ts).

import type { Component } from '../api/v1alpha1/teamsdevice.js';
import type { PoolDevice } from '../core/pool/decide.js';
import type { CommandEvent, DeviceStateMessage, UpdateCommand } from '../transport/protocol.js';

/** What a driver reports back to its proxy, which publishes it. */
export interface DriverListener {
  /** The device's state changed (or was read for the first time): the proxy publishes it, retained. */
  state(deviceId: string, state: DeviceStateMessage): void;
  /** Progress or outcome of a command: the proxy publishes it and, when final, records it in its ledger. */
  event(deviceId: string, event: CommandEvent): void;
}

/** An artifact the proxy has fetched and checked, handed to the driver to install. */
export interface CheckedArtifact {
  /** Where the bytes are on the proxy's disk; absent when the pool does not fetch (a simulator opt-out). */
  path?: string;
  sha256: string;
  sizeBytes: number;
}

/** The versions a device has installed, as the proxy keeps them across its restarts. */
export type InstalledVersions = Partial<Record<Component, string | null>>;

export interface Driver {
  readonly name: 'simulator' | 'http';
  /**
   * The devices this proxy serves now (its share of devices.json): the driver starts reaching new ones
   * (and reports their state through the listener) and forgets removed ones. `installed` holds the versions
   * a device had when the proxy last stopped, for drivers that simulate devices.
   */
  setDevices(
    devices: readonly PoolDevice[],
    installed: ReadonlyMap<string, InstalledVersions>,
  ): Promise<void>;
  /** The current state of a device, read again (a resync); undefined for a device it does not serve. */
  readState(deviceId: string): Promise<DeviceStateMessage | undefined>;
  /**
   * Runs an accepted, checked command on a device; progress and outcome come through the listener. The
   * proxy calls it at most once per command id.
   */
  install(deviceId: string, command: UpdateCommand, artifact: CheckedArtifact): Promise<void>;
  stop(): Promise<void>;
}
