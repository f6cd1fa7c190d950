// `teams-device-operator device-agent`: serves the device agent contract (docs/device-agent.openapi.yaml)
// over simulated devices, one per entry of a devices.json, at http://HOST:PORT/devices/{deviceId}: what the
// http driver of a device proxy reaches, the way a vendor's agent would answer it. Runs until SIGINT or
// SIGTERM, then exits 0.

import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { DeviceAgent } from '../device-agent/agent.js';
import { AgentFileError, readDevices, readSimulator } from '../device-agent/files.js';
import { AgentServer } from '../device-agent/server.js';
import { AcceleratedClock, type Clock, RealClock } from '../runtime/clock.js';

const PREFIX = 'teams-device-operator device-agent';

export const HELP = `Usage: ${PREFIX} --devices devices.json [options]

Serves the device agent REST contract (docs/device-agent.openapi.yaml) over simulated devices: each device
of devices.json at http://HOST:PORT/devices/{deviceId}. Like a device, it downloads each update's artifact
and checks its size and sha256 before installing.

Options:
  --devices FILE      the devices (devices.json, as a DeviceProxyPool's ConfigMap holds it); required
  --simulator FILE    download and install times, failure percent (simulator.json); default the pool defaults
  --listen HOST:PORT  where to listen (default 127.0.0.1:8080; port 0 picks a free one)
  --clock-speed N     simulated seconds per real second (default 1)
  --token-file FILE   require "Authorization: Bearer <token>" with the token in FILE
  --log-level LEVEL   pino level on stderr (default info)
  -h, --help          show this help`;

class UsageError extends Error {}

interface AgentArgs {
  devices: string;
  simulator?: string;
  host: string;
  port: number;
  clockSpeed: number;
  tokenFile?: string;
  logLevel: string;
}

export function parseAgentArgs(argv: string[]): AgentArgs | 'help' {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return 'help';
  if (!values.devices) throw new UsageError('--devices FILE is required');
  const listen = values.listen ?? '127.0.0.1:8080';
  const match = /^(.*):(\d+)$/.exec(listen);
  const port = Number(match?.[2]);
  if (!match?.[1] || !(port >= 0 && port <= 65535)) {
    throw new UsageError(`--listen: must be HOST:PORT, got ${listen}`);
  }
  const clockSpeed = Number(values['clock-speed'] ?? '1');
  if (!(clockSpeed > 0) || !Number.isFinite(clockSpeed)) {
    throw new UsageError(`--clock-speed: must be a positive number, got ${values['clock-speed']}`);
  }
  return {
    devices: values.devices,
    ...(values.simulator ? { simulator: values.simulator } : {}),
    host: match[1].replace(/^\[(.*)\]$/, '$1'),
    port,
    clockSpeed,
    ...(values['token-file'] ? { tokenFile: values['token-file'] } : {}),
    logLevel: values['log-level'] ?? 'info',
  };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      devices: { type: 'string' },
      simulator: { type: 'string' },
      listen: { type: 'string' },
      'clock-speed': { type: 'string' },
      'token-file': { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function readToken(file: string): string {
  let token: string;
  try {
    token = readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new AgentFileError(
      `${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  if (!token) throw new AgentFileError(`${file}: the token file is empty`);
  return token;
}

export async function main(argv: string[]): Promise<number> {
  let args: AgentArgs | 'help';
  let agent: DeviceAgent;
  let token: string | undefined;
  const logger = pino({ level: 'info', base: { component: 'device-agent' } }, pino.destination(2));
  try {
    args = parseAgentArgs(argv);
    if (args === 'help') {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    logger.level = args.logLevel;
    const clock: Clock =
      args.clockSpeed === 1
        ? new RealClock()
        : new AcceleratedClock({ start: new Date(), speed: args.clockSpeed });
    agent = new DeviceAgent({
      devices: readDevices(args.devices),
      behaviour: readSimulator(args.simulator),
      clock,
      logger,
    });
    token = args.tokenFile === undefined ? undefined : readToken(args.tokenFile);
  } catch (err) {
    if (err instanceof UsageError || err instanceof AgentFileError) {
      process.stderr.write(`${PREFIX}: ${err.message}\n`);
      if (err instanceof UsageError) process.stderr.write(`\n${HELP}\n`);
      return 2;
    }
    throw err;
  }
  const server = new AgentServer({ agent, logger, ...(token === undefined ? {} : { token }) });
  let address: AddressInfo;
  try {
    address = await server.listen(args.host, args.port);
  } catch (err) {
    process.stderr.write(
      `${PREFIX}: cannot listen on ${args.host}:${args.port}: ${(err as Error).message}\n`,
    );
    return 1;
  }
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  process.stdout.write(
    `device-agent listening on http://${host}:${address.port} (${agent.size} devices at /devices/{deviceId})\n`,
  );
  logger.info(
    { host: address.address, port: address.port, devices: agent.size, auth: token !== undefined },
    'listening',
  );
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  agent.stop();
  await server.close();
  logger.info('stopped');
  return 0;
}
