// The one place that knows which device transports exist. createTransport returns the transport the
// controllers send through together with whatever must run beside it (for memory: the simulated fleet that
// follows the cluster's TeamsDevices), behind one start/stop pair, so the operator starts and stops a
// transport without knowing which one it is.
import type { Logger } from 'pino';
import type { Config, Transport } from '../config/config.js';
import { type MqttSecrets, readMqttSecrets } from '../config/mqtt-files.js';
import type { Clock } from '../runtime/clock.js';
import { MemoryTransport } from './memory.js';
import { MqttTransport } from './mqtt/transport.js';
import { SimulatedFleet, type SimulatedFleetOptions } from './simulator/fleet.js';
import type { DeviceTransport } from './types.js';

export interface TransportDeps {
  /** The operator's clock: the simulated devices run on it. */
  clock: Clock;
  /**
   * Real time, for what a broker and real proxies see: MQTT reconnection delays, command timeouts and round
   * trips. Default: clock.
   */
  wallClock?: Clock;
  logger: Logger;
  /** The caches the simulated fleet follows (synced before start() is called). */
  informers: SimulatedFleetOptions['informers'];
  /**
   * This memory transport rather than a new one, whatever config.transport says: tests and the bench share
   * one between operators and look into its devices.
   */
  memory?: MemoryTransport;
  /** The MQTT password and TLS material already read (by `run`, to exit 2 early); default: read them here. */
  mqttSecrets?: MqttSecrets;
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

/** What createTransport reads of the config; the memory transport needs only `transport`. */
export type TransportConfig = Pick<Config, 'transport'> & Partial<Pick<Config, 'mqttUrl' | 'mqtt'>>;

/**
 * memory: in-process simulated devices on the operator's clock, one per TeamsDevice. mqtt: an MqttTransport
 * to config.mqttUrl; its password and TLS files are read here, so one that cannot be read throws a
 * ConfigError naming it before anything starts. Nothing is connected or started here.
 */
export function createTransport(config: TransportConfig, deps: TransportDeps): TransportRuntime {
  if (deps.memory) return memoryRuntime(deps.memory, deps);
  switch (config.transport) {
    case 'memory':
      return memoryRuntime(new MemoryTransport({ clock: deps.clock, logger: deps.logger }), deps);
    case 'mqtt':
      return mqttRuntime(config, deps);
  }
}

function mqttRuntime(config: TransportConfig, deps: TransportDeps): TransportRuntime {
  const { mqttUrl, mqtt } = config;
  // parseConfig refuses --transport mqtt without a URL; a hand-made config may not.
  if (mqttUrl === undefined || mqtt === undefined) {
    throw new Error('createTransport: the mqtt transport needs mqttUrl and mqtt');
  }
  const { password, ca, cert, key } = deps.mqttSecrets ?? readMqttSecrets(mqtt);
  const transport = new MqttTransport({
    url: mqttUrl,
    clientId: mqtt.clientId,
    ...(mqtt.username === undefined ? {} : { username: mqtt.username }),
    ...(password === undefined ? {} : { password }),
    ...(ca || cert || key ? { tls: { ...(ca && { ca }), ...(cert && { cert }), ...(key && { key }) } } : {}),
    keepaliveSeconds: mqtt.keepaliveSeconds,
    maxInFlightPerProxy: mqtt.maxInFlightPerProxy,
    clock: deps.wallClock ?? deps.clock,
    logger: deps.logger,
  });
  return {
    kind: 'mqtt',
    transport,
    start: () => transport.start(),
    stop: () => transport.stop(),
  };
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
