// A device agent and an artifact server on 127.0.0.1 free ports, for the agent's and the http driver's tests.

import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PoolDevice } from '../../src/core/pool/decide.js';
import { DeviceAgent } from '../../src/device-agent/agent.js';
import { AgentServer } from '../../src/device-agent/server.js';
import { AcceleratedClock } from '../../src/runtime/clock.js';
import type { SimulatorBehaviour } from '../../src/transport/simulator/device.js';
import { silentLogger } from '../support/async.js';

export function poolDevice(deviceId: string, firmwareVersion = '1.0.0'): PoolDevice {
  return {
    name: deviceId,
    deviceId,
    type: 'Phone',
    manufacturer: 'Yealink',
    model: 'MP56',
    firmwareVersion,
    teamsAppVersion: '1449/1.0.94.2024',
    autoUpdateSupported: true,
    endpoint: null,
  };
}

export interface RunningAgent {
  agent: DeviceAgent;
  server: AgentServer;
  port: number;
  /** http://127.0.0.1:PORT/devices/{deviceId} */
  template: string;
  stop(): Promise<void>;
}

/** Phases of 1 simulated second at clock speed 10: 100 ms each, long enough for a poll to see them. */
export const QUICK: SimulatorBehaviour = { downloadSeconds: 1, installSeconds: 1, failurePercent: 0 };

export async function startAgent(
  devices: PoolDevice[],
  options: { behaviour?: SimulatorBehaviour; token?: string; port?: number } = {},
): Promise<RunningAgent> {
  const clock = new AcceleratedClock({ start: new Date('2026-03-01T00:00:00Z'), speed: 10 });
  const agent = new DeviceAgent({
    devices,
    behaviour: options.behaviour ?? QUICK,
    clock,
    logger: silentLogger(),
  });
  const server = new AgentServer({
    agent,
    logger: silentLogger(),
    ...(options.token ? { token: options.token } : {}),
  });
  const { port } = await server.listen('127.0.0.1', options.port ?? 0);
  return {
    agent,
    server,
    port,
    template: `http://127.0.0.1:${port}/devices/{deviceId}`,
    async stop() {
      agent.stop();
      await server.close();
    },
  };
}

export interface ArtifactServer {
  url: string;
  sha256: string;
  sizeBytes: number;
  stop(): Promise<void>;
}

/** Serves `bytes` at /artifact.bin. */
export async function startArtifactServer(
  bytes = Buffer.from('firmware image 2.0.0\n'.repeat(100)),
): Promise<ArtifactServer> {
  const server: Server = createServer((req, res) => {
    if (req.url !== '/artifact.bin') return res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': bytes.length });
    res.end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/artifact.bin`,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    sizeBytes: bytes.length,
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
