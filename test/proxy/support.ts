// Helpers of the proxy tests: a pool config directory laid out as the kubelet lays out a ConfigMap volume, a
// local artifact server, the proxy as a real process, and a bare mqtt.js client playing the operator.

import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, readdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import type { PoolDevice } from '../../src/core/pool/decide.js';
import type {
  CommandEvent,
  DeviceStateMessage,
  ProxyPresence,
  UpdateCommand,
} from '../../src/transport/protocol.js';
import { eventually } from '../support/async.js';

export function poolDevice(deviceId: string, overrides: Partial<PoolDevice> = {}): PoolDevice {
  return {
    name: deviceId,
    deviceId,
    type: 'Phone',
    manufacturer: 'Yealink',
    model: 'MP56',
    firmwareVersion: '1.0.0',
    teamsAppVersion: '1.0.0',
    autoUpdateSupported: true,
    endpoint: null,
    ...overrides,
  };
}

let volumeSeq = 0;

/**
 * Writes the files as the kubelet's atomic writer does: into a new `..<timestamp>` directory, then a
 * `..data_tmp` symlink to it renamed over `..data`, the old directory removed; each file is a symlink
 * `name -> ..data/name`, made once.
 */
export async function writeConfigVolume(dir: string, files: Record<string, string>): Promise<void> {
  await mkdir(dir, { recursive: true });
  const stamp = `..2026_12_02_01_00_00.${String(++volumeSeq).padStart(9, '0')}`;
  await mkdir(join(dir, stamp));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, stamp, name), text);
  const before = (await readdir(dir)).filter((n) => n.startsWith('..2') && n !== stamp);
  await symlink(stamp, join(dir, '..data_tmp'));
  await rename(join(dir, '..data_tmp'), join(dir, '..data'));
  for (const name of Object.keys(files)) {
    await symlink(join('..data', name), join(dir, name)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
  }
  for (const old of before) await rm(join(dir, old), { recursive: true, force: true });
}

export const poolFiles = (devices: PoolDevice[], simulator: object = {}) => ({
  'devices.json': `${JSON.stringify(devices, null, 2)}\n`,
  'simulator.json': `${JSON.stringify(simulator)}\n`,
});

export interface ArtifactServer {
  url(path: string): string;
  /** Requests received, by path. */
  readonly requests: Map<string, number>;
  stop(): Promise<void>;
}

/** Serves `files` (path → bytes) on 127.0.0.1. */
export async function startArtifactServer(files: Record<string, Buffer>): Promise<ArtifactServer> {
  const requests = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    requests.set(path, (requests.get(path) ?? 0) + 1);
    const body = files[path];
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.byteLength });
    res.end(body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

export interface ProxyProcess {
  readonly child: ChildProcess;
  readonly lines: Record<string, unknown>[];
  readonly stderr: () => string;
  /** Port of /healthz and /metrics. */
  port: number;
  get(path: string): Promise<{ status: number; body: string }>;
  /** Resolves with the exit code (or signal) once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Stops it (SIGTERM, then SIGKILL after 10 s) if still running. */
  stop(): Promise<void>;
}

/** Spawns `node --import tsx src/cli/bin.ts proxy ARGS` and waits for its probe server. */
export async function spawnProxy(args: string[], env: Record<string, string> = {}): Promise<ProxyProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'proxy', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  let rest = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const parts = (rest + chunk.toString()).split('\n');
    rest = parts.pop() ?? '';
    for (const part of parts) {
      try {
        lines.push(JSON.parse(part) as Record<string, unknown>);
      } catch {
        lines.push({ msg: part });
      }
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let done = false;
  void exited.then(() => {
    done = true;
  });
  const proc: ProxyProcess = {
    child,
    lines,
    stderr: () => stderr,
    port: 0,
    async get(path) {
      const res = await fetch(`http://127.0.0.1:${proc.port}${path}`);
      return { status: res.status, body: await res.text() };
    },
    exited,
    async stop() {
      if (done) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  await eventually(
    () => done || lines.some((l) => l.msg === 'probe server listening'),
    'the proxy listens',
    30_000,
  );
  const listening = lines.find((l) => l.msg === 'probe server listening');
  if (!listening) {
    throw new Error(
      `proxy exited before listening: ${stderr}${lines.map((l) => JSON.stringify(l)).join('\n')}`,
    );
  }
  proc.port = listening.port as number;
  return proc;
}

export interface Received<T> {
  topic: string;
  value: T;
  retain: boolean;
}

/** A bare mqtt.js client playing the operator: it records every state, event and presence it hears. */
export class OperatorClient {
  readonly events: Received<CommandEvent & { deviceId: string }>[] = [];
  readonly states: Received<DeviceStateMessage & { deviceId: string }>[] = [];
  readonly presences: Received<ProxyPresence & { pod: string }>[] = [];

  private constructor(readonly client: MqttClient) {
    client.on('message', (topic, payload, packet) => {
      const parts = topic.split('/');
      if (payload.byteLength === 0) return;
      const value = JSON.parse(payload.toString()) as Record<string, unknown>;
      if (parts[2] === 'devices' && parts[4] === 'events') {
        this.events.push({
          topic,
          retain: packet.retain,
          value: { ...(value as CommandEvent), deviceId: parts[3] ?? '' },
        });
      } else if (parts[2] === 'devices' && parts[4] === 'state') {
        this.states.push({
          topic,
          retain: packet.retain,
          value: { ...(value as DeviceStateMessage), deviceId: parts[3] ?? '' },
        });
      } else if (parts[2] === 'proxies') {
        this.presences.push({
          topic,
          retain: packet.retain,
          value: { ...(value as ProxyPresence), pod: parts[5] ?? '' },
        });
      }
    });
  }

  /** `persistent`: a fixed client id, clean:false and reconnection, as the operator's transport connects. */
  static async connect(url: string, persistent = false): Promise<OperatorClient> {
    const client = await mqtt.connectAsync(url, {
      protocolVersion: 4,
      clientId: `test-operator-${process.pid}-${Math.random().toString(36).slice(2)}`,
      clean: !persistent,
      reconnectPeriod: persistent ? 200 : 0,
    });
    const operator = new OperatorClient(client);
    await client.subscribeAsync({
      'tdo/v1/devices/+/state': { qos: 1 },
      'tdo/v1/devices/+/events': { qos: 1 },
      'tdo/v1/proxies/+/+/+': { qos: 1 },
    });
    return operator;
  }

  async send(deviceId: string, command: UpdateCommand | string): Promise<void> {
    const payload = typeof command === 'string' ? command : JSON.stringify(command);
    await this.client.publishAsync(`tdo/v1/devices/${deviceId}/commands`, payload, { qos: 1 });
  }

  async resync(): Promise<void> {
    await this.client.publishAsync(
      'tdo/v1/resync',
      JSON.stringify({ requestId: 'r1', ts: new Date().toISOString() }),
      { qos: 1 },
    );
  }

  eventsOf(commandId: string): CommandEvent[] {
    return this.events.filter((e) => e.value.commandId === commandId).map((e) => e.value);
  }

  lastState(deviceId: string): DeviceStateMessage | undefined {
    return this.states.filter((s) => s.value.deviceId === deviceId).at(-1)?.value;
  }

  lastPresence(pod: string): ProxyPresence | undefined {
    return this.presences.filter((p) => p.value.pod === pod).at(-1)?.value;
  }

  async waitFor(check: () => boolean | Promise<boolean>, what: string, limitMs = 20_000): Promise<void> {
    await eventually(check, what, limitMs);
  }

  async stop(): Promise<void> {
    await this.client.endAsync(true);
  }
}

let commandSeq = 0;

export function updateCommand(
  overrides: Partial<UpdateCommand> & Pick<UpdateCommand, 'artifact'>,
): UpdateCommand {
  const now = Date.now();
  return {
    commandId: `cmd-${process.pid}-${++commandSeq}`,
    type: 'update',
    component: 'Firmware',
    version: '2.0.0',
    issuedAt: new Date(now).toISOString(),
    notAfter: new Date(now + 3_600_000).toISOString(),
    ...overrides,
  };
}
