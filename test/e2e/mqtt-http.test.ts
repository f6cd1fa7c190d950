// The http driver end to end, on each real broker: operator ↔ broker ↔ proxy process (driver http) ↔ the
// device agent process, which serves the REST contract of docs/device-agent.openapi.yaml over simulated
// devices the way a vendor's agent would.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { configMapName } from '../../src/controllers/pool/objects.js';
import { eventually } from '../support/async.js';
import { BROKERS, freePort } from '../support/brokers.js';
import { useRuntimeCluster } from '../support/cluster.js';
import {
  condition,
  createObjects,
  FROM,
  getDevice,
  immediatePlan,
  TO,
  untilUpdated,
  useMqttFleet,
} from './support/fleet.js';

for (const { name: brokerName, start } of BROKERS) {
  describe(`the http driver and the device agent over MQTT on ${brokerName}`, function () {
    this.timeout(120_000);
    const cluster = useRuntimeCluster();
    const namespace = `e2e-http-${brokerName}`;
    let agent: ChildProcess | undefined;
    let agentOutput = '';
    let dir = '';
    const agentPort = freePort();
    const fleet = useMqttFleet(cluster, start, {
      namespace,
      devices: 2,
      driver: 'http',
      endpointTemplate: async () => `http://127.0.0.1:${await agentPort}/devices/{deviceId}`,
      simulator: { downloadSeconds: 1, installSeconds: 1 },
      // The agent runs before the proxy asks it anything.
      beforeProxies: async (client) => {
        dir = await mkdtemp(join(tmpdir(), 'tdo-agent-'));
        const cm = await client.get<{ metadata: object; data: Record<string, string> }>(
          `/api/v1/namespaces/${namespace}/configmaps/${configMapName('default')}`,
        );
        await writeFile(join(dir, 'devices.json'), cm.data['devices.json'] ?? '[]');
        await writeFile(join(dir, 'simulator.json'), cm.data['simulator.json'] ?? '{}');
        const port = await agentPort;
        agent = spawn(
          process.execPath,
          [
            '--import',
            'tsx',
            'src/cli/bin.ts',
            'device-agent',
            '--devices',
            join(dir, 'devices.json'),
            '--simulator',
            join(dir, 'simulator.json'),
            '--listen',
            `127.0.0.1:${port}`,
          ],
          { stdio: ['ignore', 'pipe', 'pipe'] },
        );
        agent.stdout?.on('data', (c: Buffer) => (agentOutput += c.toString()));
        agent.stderr?.on('data', (c: Buffer) => (agentOutput += c.toString()));
        await eventually(
          async () => {
            if (agent?.exitCode !== null) throw new Error(`device-agent exited:\n${agentOutput}`);
            const res = await fetch(`http://127.0.0.1:${port}/devices/phone-001/v1/status`).catch(
              () => undefined,
            );
            return res?.status === 200;
          },
          'the device agent answers',
          30_000,
        );
      },
    });
    after(async () => {
      agent?.kill('SIGTERM');
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('should complete an immediate UpdatePlan through the device agent', async () => {
      await eventually(
        async () =>
          condition(await getDevice(fleet.client, namespace, 'phone-001'), 'Online')?.status === 'True',
        'phone-001 is online',
        30_000,
      );
      expect(
        (await getDevice(fleet.client, namespace, 'phone-001')).status?.reported?.firmwareVersion,
      ).to.equal(FROM);
      await createObjects(fleet.client, [immediatePlan(namespace, 'http-now', ['phone-001'])]);
      await untilUpdated(fleet.client, namespace, ['phone-001']);
      const port = await agentPort;
      const status = (await (await fetch(`http://127.0.0.1:${port}/devices/phone-001/v1/status`)).json()) as {
        firmwareVersion?: string;
      };
      expect(status.firmwareVersion, 'the agent itself runs the new version').to.equal(TO);
    });
  });
}
