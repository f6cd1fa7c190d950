// Builds the driver a proxy was started with (--driver). The http driver is loaded only when chosen, so a
// simulator pool never loads the code that reaches device agents.

import type { Logger } from 'pino';
import type { Driver as DriverName } from '../../api/v1alpha1/deviceproxypool.js';
import type { Clock } from '../../runtime/clock.js';
import type { Driver, DriverListener } from '../driver.js';
import type { SimulatorSettings } from '../pool-files.js';
import { SimulatorDriver } from './simulator.js';

export interface DriverContext {
  clock: Clock;
  logger: Logger;
  listener: DriverListener;
  /** simulator.json as read at start (the proxy passes later changes to the simulator driver). */
  simulator: SimulatorSettings;
  /** --http-endpoint-template, for the http driver. */
  httpEndpointTemplate: string | undefined;
  /** The bearer token of --http-token-file, for the http driver. */
  httpToken: string | undefined;
}

export async function loadDriver(name: DriverName): Promise<(context: DriverContext) => Driver> {
  if (name === 'simulator') {
    return (context) =>
      new SimulatorDriver({ clock: context.clock, listener: context.listener, behaviour: context.simulator });
  }
  const { createHttpDriver } = await import('./http.js');
  return createHttpDriver;
}
