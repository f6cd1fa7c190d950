import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { proxyFor } from '../../src/transport/protocol.js';
import { BROKERS, type TestBroker } from '../support/brokers.js';
import {
  OperatorClient,
  type ProxyProcess,
  poolDevice,
  poolFiles,
  spawnProxy,
  updateCommand,
  writeConfigVolume,
} from './support.js';

const DEVICES = Array.from({ length: 12 }, (_, i) => poolDevice(`panel-${i}`));
const PODS = ['proxy-a', 'proxy-b'];

for (const { name, start } of BROKERS) {
  describe(`a pool of two proxy processes and its pool files, on ${name}`, function () {
    this.timeout(90_000);
    let broker: TestBroker;
    let dir: string;
    const proxies: ProxyProcess[] = [];
    let operator: OperatorClient;
    const args = (pod: string) => [
      '--pool',
      'rooms',
      '--namespace',
      'office',
      '--pod',
      pod,
      '--mqtt-url',
      broker.url,
      '--config-dir',
      join(dir, 'pool'),
      '--state-dir',
      join(dir, pod),
      '--listen',
      '127.0.0.1:0',
      '--mqtt-keepalive',
      '1',
    ];
    const servedBy = (deviceId: string) => operator.lastState(deviceId)?.proxy;

    before(async () => {
      broker = await start();
      dir = await mkdtemp(join(tmpdir(), 'tdo-proxy-pool-'));
      await writeConfigVolume(
        join(dir, 'pool'),
        poolFiles(DEVICES, { downloadSeconds: 0, installSeconds: 0, fetchArtifacts: false }),
      );
      operator = await OperatorClient.connect(broker.url);
    });

    after(async () => {
      for (const p of proxies) await p.stop();
      await operator?.stop();
      await broker?.stop();
      await rm(dir, { recursive: true, force: true });
    });

    it('should split the devices between the online proxies as proxyFor says, and hand them over when one goes', async () => {
      proxies.push(await spawnProxy(args('proxy-a')));
      await operator.waitFor(
        () => DEVICES.every((d) => servedBy(d.deviceId) === 'office/rooms/proxy-a'),
        'proxy-a serves every device',
      );
      proxies.push(await spawnProxy(args('proxy-b')));
      const expected = (pods: string[]) => (d: (typeof DEVICES)[number]) =>
        servedBy(d.deviceId) === `office/rooms/${proxyFor(d.deviceId, pods)}`;
      await operator.waitFor(() => DEVICES.every(expected(PODS)), 'the devices are split');
      await operator.waitFor(
        () =>
          (operator.lastPresence('proxy-a')?.devices ?? 0) +
            (operator.lastPresence('proxy-b')?.devices ?? 0) ===
          DEVICES.length,
        'the presences count every device once',
      );
      expect(operator.lastPresence('proxy-b')?.devices).to.be.within(1, DEVICES.length - 1);

      // A command reaches only the proxy that serves its device.
      const device = DEVICES.find((d) => proxyFor(d.deviceId, PODS) === 'proxy-b') ?? DEVICES[0]!;
      const command = updateCommand({
        artifact: { url: 'http://example.invalid/fw.bin', sha256: 'ab'.repeat(32), sizeBytes: 10 },
      });
      await operator.send(device.deviceId, command);
      await operator.waitFor(
        () => operator.eventsOf(command.commandId).some((e) => e.state === 'succeeded'),
        'the update succeeded without fetching (fetchArtifacts false)',
      );
      // One proxy answered: one final event (finished at once, usually with no `accepted` before it).
      const finals = operator.eventsOf(command.commandId).filter((e) => e.state !== 'accepted');
      expect(finals.map((e) => e.state)).to.deep.equal(['succeeded']);

      proxies[1]?.child.kill('SIGKILL');
      await operator.waitFor(
        () => DEVICES.every((d) => servedBy(d.deviceId) === 'office/rooms/proxy-a'),
        'proxy-a took every device back after proxy-b died',
        30_000,
      );
    });

    it('should start serving a device added to devices.json by a ConfigMap update', async () => {
      const added = poolDevice('panel-new', { firmwareVersion: '9.9.9' });
      await writeConfigVolume(
        join(dir, 'pool'),
        poolFiles([...DEVICES, added], { downloadSeconds: 0, installSeconds: 0, fetchArtifacts: false }),
      );
      await operator.waitFor(
        () => operator.lastState('panel-new') !== undefined,
        'the new device is published',
      );
      expect(operator.lastState('panel-new')).to.include({
        firmwareVersion: '9.9.9',
        proxy: 'office/rooms/proxy-a',
      });
    });
  });
}

describe('teams-device-operator proxy with invalid flags', () => {
  it('should exit 2 with a message naming the flag', async () => {
    const { spawnSync } = await import('node:child_process');
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/bin.ts',
        'proxy',
        '--pool',
        'p',
        '--namespace',
        'n',
        '--mqtt-url',
        'mqtt://b',
        '--driver',
        'serial',
      ],
      { encoding: 'utf8' },
    );
    expect(run.status).to.equal(2);
    expect(run.stderr).to.contain('--driver: "serial" is not one of simulator, http');
  });
});
