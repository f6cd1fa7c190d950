import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { eventually } from '../support/async.js';
import { BROKERS } from '../support/brokers.js';
import {
  OperatorClient,
  poolDevice,
  poolFiles,
  sha256,
  spawnProxy,
  startArtifactServer,
  updateCommand,
  writeConfigVolume,
} from './support.js';

const FIRMWARE = Buffer.from('agent firmware 2.0.0 '.repeat(500));

/** `device-agent` as a process; resolves with its base URL once it listens. */
async function spawnAgent(
  devicesFile: string,
  simulatorFile: string,
): Promise<{ url: string; stop: () => Promise<unknown> }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/bin.ts',
      'device-agent',
      '--devices',
      devicesFile,
      '--simulator',
      simulatorFile,
      '--listen',
      '127.0.0.1:0',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  await eventually(
    () => /listening on (http:\/\/\S+)/.test(out) || child.exitCode !== null,
    'the agent listens',
    30_000,
  );
  const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
  if (!url) throw new Error(`device-agent did not start: ${out}`);
  const stop = async () => {
    child.kill('SIGTERM');
    if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
  };
  return { url, stop };
}

const broker = BROKERS[0]!;

/** The proxy with the http driver, serving pool `agents` of `dir`. */
const spawnHttpProxy = (mqttUrl: string, dir: string, agentUrl: string) =>
  spawnProxy([
    '--pool',
    'agents',
    '--namespace',
    'office',
    '--pod',
    'proxy-h',
    '--mqtt-url',
    mqttUrl,
    '--config-dir',
    join(dir, 'pool'),
    '--state-dir',
    join(dir, 'state'),
    '--listen',
    '127.0.0.1:0',
    '--driver',
    'http',
    '--http-endpoint-template',
    `${agentUrl}/devices/{deviceId}`,
  ]);

/** An agent that answers every status, valid, only after `delayMs`. */
async function startSlowAgent(delayMs: number) {
  const server = createServer((_req, res) => {
    setTimeout(() => {
      res.setHeader('Content-Type', 'application/json');
      res.end(
        JSON.stringify({
          online: true,
          manufacturer: 'Yealink',
          model: 'MP56',
          firmwareVersion: '1.0.0',
          teamsAppVersion: '1.0.0',
          autoUpdateSupported: true,
        }),
      );
    }, delayMs);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe(`teams-device-operator proxy --driver http with a device agent, on ${broker.name}`, function () {
  this.timeout(90_000);

  it('should walk an update through the agent to the new version and succeeded', async () => {
    const mqtt = await broker.start();
    const artifacts = await startArtifactServer({ '/fw.bin': FIRMWARE });
    const dir = await mkdtemp(join(tmpdir(), 'tdo-proxy-http-'));
    const stops: Array<() => Promise<unknown>> = [];
    try {
      await writeConfigVolume(
        join(dir, 'pool'),
        poolFiles([poolDevice('agent-1')], { downloadSeconds: 0, installSeconds: 0 }),
      );
      const agent = await spawnAgent(join(dir, 'pool', 'devices.json'), join(dir, 'pool', 'simulator.json'));
      stops.push(agent.stop);
      const operator = await OperatorClient.connect(mqtt.url);
      stops.push(() => operator.stop());
      const proxy = await spawnHttpProxy(mqtt.url, dir, agent.url);
      stops.push(() => proxy.stop());
      await operator.waitFor(
        () => operator.lastState('agent-1')?.online === true,
        'the agent reports the device',
      );
      const command = updateCommand({
        artifact: { url: artifacts.url('/fw.bin'), sha256: sha256(FIRMWARE), sizeBytes: FIRMWARE.byteLength },
      });
      await operator.send('agent-1', command);
      await operator.waitFor(
        () => operator.eventsOf(command.commandId).some((e) => e.state === 'succeeded'),
        'the update succeeded',
        30_000,
      );
      expect(operator.eventsOf(command.commandId)[0]?.state).to.equal('accepted');
      expect(operator.lastState('agent-1')).to.include({
        firmwareVersion: '2.0.0',
        proxy: 'office/agents/proxy-h',
      });
      expect(operator.lastPresence('proxy-h')).to.include({ online: true, driver: 'http' });
    } finally {
      for (const stop of stops.reverse()) await stop();
      await artifacts.stop();
      await mqtt.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('should report a device only once its commands reach the proxy, even while another agent is slow to answer', async () => {
    const mqtt = await broker.start();
    const artifacts = await startArtifactServer({ '/fw.bin': FIRMWARE });
    const slow = await startSlowAgent(3_000);
    const dir = await mkdtemp(join(tmpdir(), 'tdo-proxy-http-'));
    const stops: Array<() => Promise<unknown>> = [slow.stop];
    try {
      await writeConfigVolume(
        join(dir, 'pool'),
        poolFiles([poolDevice('agent-1'), poolDevice('slow-1', { endpoint: `${slow.url}/slow-1` })], {
          downloadSeconds: 0,
          installSeconds: 0,
        }),
      );
      const agent = await spawnAgent(join(dir, 'pool', 'devices.json'), join(dir, 'pool', 'simulator.json'));
      stops.push(agent.stop);
      const operator = await OperatorClient.connect(mqtt.url);
      stops.push(() => operator.stop());
      const proxy = await spawnHttpProxy(mqtt.url, dir, agent.url);
      stops.push(() => proxy.stop());
      // The operator sends a command as soon as it hears the device online, as an immediate plan does.
      await operator.waitFor(() => operator.lastState('agent-1')?.online === true, 'agent-1 is reported');
      const command = updateCommand({
        artifact: { url: artifacts.url('/fw.bin'), sha256: sha256(FIRMWARE), sizeBytes: FIRMWARE.byteLength },
      });
      await operator.send('agent-1', command);
      await operator.waitFor(
        () => operator.eventsOf(command.commandId).some((e) => e.state === 'succeeded'),
        'the first command succeeded',
        30_000,
      );
      expect(operator.lastState('agent-1')).to.include({ firmwareVersion: '2.0.0' });
    } finally {
      for (const stop of stops.reverse()) await stop();
      await artifacts.stop();
      await mqtt.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
