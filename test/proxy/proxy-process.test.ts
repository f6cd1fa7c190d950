import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { BROKERS, type TestBroker } from '../support/brokers.js';
import {
  type ArtifactServer,
  OperatorClient,
  type ProxyProcess,
  poolDevice,
  poolFiles,
  sha256,
  spawnProxy,
  startArtifactServer,
  updateCommand,
  writeConfigVolume,
} from './support.js';

const FIRMWARE = Buffer.from('firmware 2.0.0 '.repeat(1000));
const DEVICES = ['phone-1', 'phone-2', 'phone-3', 'phone-4', 'phone-5'].map((id) => poolDevice(id));
// Simulated download and install of 10 s each at clock speed 20: half a second of real time apiece.
const SIMULATOR = { downloadSeconds: 10, installSeconds: 10, failurePercent: 0 };

function proxyArgs(broker: TestBroker, dir: string, pod: string, extra: string[] = []): string[] {
  return [
    '--pool',
    'lobby',
    '--namespace',
    'office',
    '--pod',
    pod,
    '--mqtt-url',
    broker.url,
    '--config-dir',
    join(dir, 'pool'),
    '--state-dir',
    join(dir, 'state'),
    '--listen',
    '127.0.0.1:0',
    '--clock-speed',
    '20',
    ...extra,
  ];
}

for (const { name, start } of BROKERS) {
  describe(`teams-device-operator proxy as a process, on ${name}`, function () {
    this.timeout(90_000);
    let broker: TestBroker;
    let artifacts: ArtifactServer;
    let dir: string;
    let proxy: ProxyProcess;
    let operator: OperatorClient;
    const artifact = () => ({
      url: artifacts.url('/fw-2.0.0.bin'),
      sha256: sha256(FIRMWARE),
      sizeBytes: FIRMWARE.byteLength,
    });

    before(async () => {
      broker = await start();
      artifacts = await startArtifactServer({ '/fw-2.0.0.bin': FIRMWARE });
      dir = await mkdtemp(join(tmpdir(), 'tdo-proxy-test-'));
      await writeConfigVolume(join(dir, 'pool'), poolFiles(DEVICES, SIMULATOR));
      operator = await OperatorClient.connect(broker.url);
      proxy = await spawnProxy(proxyArgs(broker, dir, 'proxy-0'));
      await operator.waitFor(
        () => DEVICES.every((d) => operator.lastState(d.deviceId) !== undefined),
        'every device published its state',
      );
    });

    after(async () => {
      await proxy?.stop();
      await operator?.stop();
      await artifacts?.stop();
      await broker?.stop();
      await rm(dir, { recursive: true, force: true });
    });

    it('should publish its presence and each device state, retained and naming the proxy', async () => {
      await operator.waitFor(() => operator.lastPresence('proxy-0')?.online === true, 'the proxy is online');
      expect(operator.lastPresence('proxy-0')).to.include({ online: true, devices: 5, driver: 'simulator' });
      expect(operator.lastState('phone-1')).to.include({
        online: true,
        firmwareVersion: '1.0.0',
        proxy: 'office/lobby/proxy-0',
      });
      expect((await proxy.get('/healthz')).status).to.equal(200);
    });

    it('should walk an update through accepted, downloading, installing, the new version and succeeded', async () => {
      const command = updateCommand({ artifact: artifact() });
      await operator.send('phone-1', command);
      await operator.waitFor(
        () => operator.eventsOf(command.commandId).some((e) => e.state === 'succeeded'),
        'the update succeeded',
      );
      const states = operator.eventsOf(command.commandId).map((e) => e.state);
      expect(states[0]).to.equal('accepted');
      expect(states).to.include.members(['downloading', 'installing']);
      expect(states.at(-1)).to.equal('succeeded');
      expect(states.indexOf('downloading')).to.be.below(states.indexOf('installing'));
      expect(operator.lastState('phone-1')?.firmwareVersion).to.equal('2.0.0');
      const metrics = (await proxy.get('/metrics')).body;
      expect(metrics).to.match(/tdo_proxy_artifact_fetches_total\{result="downloaded"\} 1/);
    });

    it('should fail an update whose artifact does not match its sha256 and keep the version', async () => {
      const wrong = 'ab'.repeat(32);
      const command = updateCommand({ artifact: { ...artifact(), sha256: wrong } });
      await operator.send('phone-2', command);
      await operator.waitFor(
        () => operator.eventsOf(command.commandId).some((e) => e.state === 'failed'),
        'the update failed',
      );
      const failed = operator.eventsOf(command.commandId).find((e) => e.state === 'failed');
      expect(failed?.message).to.equal(`sha256 mismatch: expected ${wrong}, got ${sha256(FIRMWARE)}`);
      expect(operator.eventsOf(command.commandId).map((e) => e.state)).not.to.include('installing');
      expect(operator.lastState('phone-2')?.firmwareVersion).to.equal('1.0.0');
    });

    it('should reject a command that arrives after its notAfter', async () => {
      const past = new Date(Date.now() - 60_000).toISOString();
      const command = updateCommand({ artifact: artifact(), issuedAt: past, notAfter: past });
      await operator.send('phone-3', command);
      await operator.waitFor(() => operator.eventsOf(command.commandId).length > 0, 'an answer');
      const [event] = operator.eventsOf(command.commandId);
      expect(event?.state).to.equal('rejected');
      expect(event?.message).to.contain(`after its notAfter ${past}`);
    });

    it('should republish every state when the operator asks for a resync', async () => {
      const before = operator.states.length;
      await operator.resync();
      await operator.waitFor(() => operator.states.length >= before + DEVICES.length, 'states republished');
      const again = operator.states.slice(before).map((s) => s.value.deviceId);
      expect(new Set(again)).to.deep.equal(new Set(DEVICES.map((d) => d.deviceId)));
    });

    it('should count malformed command payloads on /metrics and keep serving', async () => {
      await operator.send('phone-4', 'not json');
      await operator.send('phone-4', JSON.stringify({ commandId: 'x', type: 'update' }));
      await operator.send(
        'phone-4',
        JSON.stringify({ ...updateCommand({ artifact: artifact() }), deviceId: 'phone-5' }),
      );
      await operator.waitFor(async () => {
        const body = (await proxy.get('/metrics')).body;
        return (
          body.includes('tdo_proxy_malformed_messages_total{reason="not_json"} 1') &&
          body.includes('tdo_proxy_malformed_messages_total{reason="schema"} 1') &&
          body.includes('tdo_proxy_malformed_messages_total{reason="device_mismatch"} 1')
        );
      }, 'the malformed messages are counted');
      const command = updateCommand({ artifact: artifact(), component: 'TeamsApp' });
      await operator.send('phone-4', command);
      await operator.waitFor(
        () => operator.eventsOf(command.commandId).some((e) => e.state === 'succeeded'),
        'a good command after the bad ones succeeded',
      );
    });

    it('should finish an update across a broker restart and count the reconnection', async () => {
      const persistent = await OperatorClient.connect(broker.url, true);
      try {
        const command = updateCommand({ artifact: artifact() });
        await persistent.send('phone-5', command);
        await persistent.waitFor(
          () => persistent.eventsOf(command.commandId).some((e) => e.state === 'installing'),
          'the update is installing',
        );
        await broker.restart();
        await persistent.waitFor(
          () => persistent.eventsOf(command.commandId).some((e) => e.state === 'succeeded'),
          'the update succeeded after the restart',
          30_000,
        );
        await persistent.waitFor(
          async () => /tdo_proxy_reconnects_total 1\b/.test((await proxy.get('/metrics')).body),
          'the reconnection is counted',
        );
        await persistent.waitFor(
          () => persistent.lastState('phone-5')?.firmwareVersion === '2.0.0',
          'the new version is reported',
        );
        expect((await proxy.get('/healthz')).status).to.equal(200);
      } finally {
        await persistent.stop();
      }
    });
  });

  describe(`teams-device-operator proxy killed and restarted, on ${name}`, function () {
    this.timeout(90_000);
    let broker: TestBroker;
    let artifacts: ArtifactServer;
    let dir: string;
    let proxy: ProxyProcess | undefined;
    let operator: OperatorClient;

    before(async () => {
      broker = await start();
      artifacts = await startArtifactServer({ '/fw.bin': FIRMWARE });
      dir = await mkdtemp(join(tmpdir(), 'tdo-proxy-test-'));
      await writeConfigVolume(join(dir, 'pool'), poolFiles([poolDevice('room-1')], SIMULATOR));
      operator = await OperatorClient.connect(broker.url);
    });

    after(async () => {
      await proxy?.stop();
      await operator?.stop();
      await artifacts?.stop();
      await broker?.stop();
      await rm(dir, { recursive: true, force: true });
    });

    it('should go offline by its last will, come back, answer a finished command with its final event only and keep the version', async () => {
      const args = proxyArgs(broker, dir, 'proxy-k', ['--mqtt-keepalive', '1']);
      proxy = await spawnProxy(args);
      await operator.waitFor(() => operator.lastState('room-1') !== undefined, 'the device state');
      const command = updateCommand({
        artifact: { url: artifacts.url('/fw.bin'), sha256: sha256(FIRMWARE), sizeBytes: FIRMWARE.byteLength },
      });
      await operator.send('room-1', command);
      await operator.waitFor(
        () => operator.eventsOf(command.commandId).some((e) => e.state === 'succeeded'),
        'the update succeeded',
      );

      proxy.child.kill('SIGKILL');
      await proxy.exited;
      await operator.waitFor(
        () => operator.lastPresence('proxy-k')?.online === false,
        'the last will marked the proxy offline',
      );

      const before = operator.events.length;
      const artifactRequests = artifacts.requests.get('/fw.bin');
      proxy = await spawnProxy(args);
      await operator.waitFor(() => operator.lastPresence('proxy-k')?.online === true, 'the proxy is back');
      await operator.waitFor(() => operator.lastState('room-1')?.firmwareVersion === '2.0.0', 'the state');
      await operator.send('room-1', command);
      await operator.waitFor(() => operator.events.length > before, 'an answer to the command sent again');
      // A moment for anything else it might wrongly send (accepted, downloading) to arrive.
      const probe = updateCommand({
        version: '3.0.0',
        artifact: { url: artifacts.url('/missing.bin'), sha256: 'cd'.repeat(32), sizeBytes: 10 },
      });
      await operator.send('room-1', probe);
      await operator.waitFor(
        () => operator.eventsOf(probe.commandId).some((e) => e.state === 'failed'),
        'a later answer',
      );
      const again = operator.events.slice(before).filter((e) => e.value.commandId === command.commandId);
      expect(again.map((e) => e.value.state)).to.deep.equal(['succeeded']);
      expect(artifacts.requests.get('/fw.bin')).to.equal(artifactRequests);
      const ledger = JSON.parse(await readFile(join(dir, 'state', 'ledger.json'), 'utf8'));
      expect(ledger.installed['room-1']).to.deep.equal({ Firmware: '2.0.0', TeamsApp: '1.0.0' });
    });

    it('should say it is offline, retained, and exit 0 on SIGTERM', async () => {
      const running = proxy ?? (await spawnProxy(proxyArgs(broker, dir, 'proxy-k')));
      await operator.waitFor(() => operator.lastPresence('proxy-k')?.online === true, 'the proxy is online');
      running.child.kill('SIGTERM');
      expect(await running.exited).to.deep.equal({ code: 0, signal: null });
      proxy = undefined;
      await operator.waitFor(() => operator.lastPresence('proxy-k')?.online === false, 'offline presence');
      const late = await OperatorClient.connect(broker.url);
      try {
        await late.waitFor(() => late.lastPresence('proxy-k') !== undefined, 'the retained presence');
        expect(late.lastPresence('proxy-k')?.online).to.equal(false);
      } finally {
        await late.stop();
      }
    });
  });
}
