// The DeviceTransport the configuration asks for.
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { Clock } from '../runtime/clock.js';
import { MemoryTransport } from './memory.js';
import type { DeviceTransport } from './types.js';

/** The configured transport cannot be used by this build (a usage problem, not a crash). */
export class TransportUnavailableError extends Error {
  override readonly name = 'TransportUnavailableError';
}

/** memory: in-process simulated devices on the operator's clock. mqtt: not available yet. */
export function createTransport(
  config: Pick<Config, 'transport'>,
  clock: Clock,
  logger: Logger,
): DeviceTransport {
  switch (config.transport) {
    case 'memory':
      return new MemoryTransport({ clock, logger });
    case 'mqtt':
      throw new TransportUnavailableError(
        'the MQTT transport is not available in this version of teams-device-operator yet; ' +
          'run with --transport memory (simulated devices) for now',
      );
  }
}
