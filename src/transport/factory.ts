// The one place that knows which device transports exist. createTransport returns the transport the
// controllers send through together with whatever must run beside it (for memory: the simulated fleet that
// follows the cluster's TeamsDevices), behind one start/stop pair, so the operator starts and stops a
// transport without knowing which one it is.
import type { Logger } from 'pino';
import type { Config, Transport } from '../config/config.js';
import type { Clock } from '../runtime/clock.js';
import { MemoryTransport } from './memory.js';
import { SimulatedFleet, type SimulatedFleetOptions } from './simulator/fleet.js';
import type { DeviceTransport } from './types.js';

/** The configured transport cannot be used by this build (a usage problem, not a crash). */
export class TransportUnavailableError extends Error {
  override readonly name = 'TransportUnavailableError';
}

const MQTT_UNAVAILABLE =
  'the MQTT transport is not available in this version of teams-device-operator yet; ' +
  'run with --transport memory (simulated devices) for now';

/**
 * Throws TransportUnavailableError when this build cannot run the configured transport. `run` calls it
 * before it connects to anything, so a usage problem exits 2 whatever else is wrong.
 */
export function assertTransportAvailable(config: Pick<Config, 'transport'>): void {
  if (config.transport === 'mqtt') throw new TransportUnavailableError(MQTT_UNAVAILABLE);
}

export interface TransportDeps {
  /** The operator's clock: the simulated devices run on it. */
  clock: Clock;
  logger: Logger;
  /** The caches the simulated fleet follows (synced before start() is called). */
  informers: SimulatedFleetOptions['informers'];
  /**
   * This memory transport rather than a new one, whatever config.transport says: tests and the bench share
   * one between operators and look into its devices.
   */
  memory?: MemoryTransport;
}

/** A transport and what runs beside it, started and stopped as one. */
export interface TransportRuntime {
  /** Which transport it is, for logs. */
  readonly kind: Transport;
  readonly transport: DeviceTransport;
  /** Starts what runs beside the transport (its devices exist before anything is sent), then the transport. */
  start(): Promise<void>;
  /** Stops what runs beside the transport, then the transport. */
  stop(): Promise<void>;
}

/**
 * memory: in-process simulated devices on the operator's clock, one per TeamsDevice. mqtt: not available
 * yet (TransportUnavailableError). Nothing is started here.
 */
export function createTransport(config: Pick<Config, 'transport'>, deps: TransportDeps): TransportRuntime {
  if (deps.memory) return memoryRuntime(deps.memory, deps);
  switch (config.transport) {
    case 'memory':
      return memoryRuntime(new MemoryTransport({ clock: deps.clock, logger: deps.logger }), deps);
    case 'mqtt':
      throw new TransportUnavailableError(MQTT_UNAVAILABLE);
  }
}

function memoryRuntime(transport: MemoryTransport, deps: TransportDeps): TransportRuntime {
  const fleet = new SimulatedFleet({ transport, informers: deps.informers, logger: deps.logger });
  return {
    kind: 'memory',
    transport,
    start: async () => {
      fleet.start();
      await transport.start();
    },
    stop: async () => {
      fleet.stop();
      await transport.stop();
    },
  };
}
