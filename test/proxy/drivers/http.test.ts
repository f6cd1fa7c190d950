import { expect } from 'chai';
import { HttpDriver } from '../../../src/proxy/drivers/http.js';
import { RealClock } from '../../../src/runtime/clock.js';
import type { CommandEvent, DeviceStateMessage, UpdateCommand } from '../../../src/transport/protocol.js';
import {
  type ArtifactServer,
  poolDevice,
  type RunningAgent,
  startAgent,
  startArtifactServer,
} from '../../device-agent/support.js';
import { eventually, silentLogger } from '../../support/async.js';

/** What the proxy would publish: states and events in the order the driver reported them. */
function recorder() {
  const log: Array<
    | { kind: 'state'; deviceId: string; state: DeviceStateMessage }
    | { kind: 'event'; deviceId: string; event: CommandEvent }
  > = [];
  return {
    log,
    listener: {
      state: (deviceId: string, state: DeviceStateMessage) => log.push({ kind: 'state', deviceId, state }),
      event: (deviceId: string, event: CommandEvent) => log.push({ kind: 'event', deviceId, event }),
    },
    states: () => log.flatMap((e) => (e.kind === 'state' ? [e.state] : [])),
    events: () => log.flatMap((e) => (e.kind === 'event' ? [e.event] : [])),
  };
}

function command(artifact: ArtifactServer, overrides: Partial<UpdateCommand> = {}): UpdateCommand {
  const now = Date.now();
  return {
    commandId: 'p1-fw-2.0.0-1',
    type: 'update',
    component: 'Firmware',
    version: '2.0.0',
    artifact: { url: artifact.url, sha256: artifact.sha256, sizeBytes: artifact.sizeBytes },
    issuedAt: new Date(now).toISOString(),
    notAfter: new Date(now + 60_000).toISOString(),
    ...overrides,
  };
}

const CHECKED = { sha256: 'a'.repeat(64), sizeBytes: 1 };

describe('the http driver against a real device agent', () => {
  let agent: RunningAgent;
  let artifacts: ArtifactServer;
  let driver: HttpDriver;
  let rec: ReturnType<typeof recorder>;

  beforeEach(async () => {
    artifacts = await startArtifactServer();
    agent = await startAgent([poolDevice('p1')], { token: 'tok' });
    rec = recorder();
    driver = new HttpDriver({
      clock: new RealClock(),
      logger: silentLogger(),
      listener: rec.listener,
      endpointTemplate: agent.template,
      token: 'tok',
      statusIntervalMs: 50,
      updatePollIntervalMs: 10,
      requestTimeoutMs: 2_000,
      backoff: { initialMs: 20, maxMs: 100 },
    });
    await driver.setDevices([poolDevice('p1')], new Map());
  });

  afterEach(async () => {
    await driver.stop();
    await agent.stop();
    await artifacts.stop();
  });

  it('should report the state of a device as soon as it serves it', () => {
    expect(rec.states()[0]).to.include({ online: true, manufacturer: 'Yealink', firmwareVersion: '1.0.0' });
  });

  it('should walk an update accepted, downloading, installing, then the new version, then succeeded', async () => {
    await driver.install('p1', command(artifacts), CHECKED);
    const states = rec.events().map((e) => e.state);
    expect(states[0]).to.equal('accepted');
    expect(states).to.include.members(['downloading', 'installing']);
    expect(states.indexOf('downloading')).to.be.below(states.indexOf('installing'));
    expect(states.at(-1)).to.equal('succeeded');
    expect(rec.events().at(-1)).to.include({ message: 'installed Firmware 2.0.0', progress: 100 });
    const success = rec.log.findIndex((e) => e.kind === 'event' && e.event.state === 'succeeded');
    const newState = rec.log.findIndex((e) => e.kind === 'state' && e.state.firmwareVersion === '2.0.0');
    expect(newState, 'the new version is reported').to.be.at.least(0);
    expect(newState, 'before the success').to.be.below(success);
    expect((await driver.readState('p1'))?.firmwareVersion).to.equal('2.0.0');
  });

  it('should fail an update whose artifact does not match its sha256, and keep the version', async () => {
    await driver.install(
      'p1',
      command(artifacts, { artifact: { ...command(artifacts).artifact, sha256: 'b'.repeat(64) } }),
      CHECKED,
    );
    const last = rec.events().at(-1);
    expect(last?.state).to.equal('failed');
    expect(last?.message).to.match(/^sha256 mismatch: the artifact has [0-9a-f]{64}, expected b{64}$/);
    expect((await driver.readState('p1'))?.firmwareVersion).to.equal('1.0.0');
    expect(rec.states().every((s) => s.firmwareVersion === '1.0.0')).to.equal(true);
  });

  it('should report rejected when the device is busy with another update (409)', async () => {
    const first = driver.install('p1', command(artifacts), CHECKED);
    await eventually(() => rec.events().some((e) => e.state === 'accepted'), 'the first update is accepted');
    await driver.install(
      'p1',
      command(artifacts, { commandId: 'p1-app-2-1', component: 'TeamsApp' }),
      CHECKED,
    );
    const rejected = rec.events().find((e) => e.commandId === 'p1-app-2-1');
    expect(rejected?.state).to.equal('rejected');
    expect(rejected?.message).to.contain(
      'the device is busy: HTTP 409: another update is in progress: Firmware 2.0.0',
    );
    await first;
    expect(rec.events().at(-1)).to.include({ commandId: 'p1-fw-2.0.0-1', state: 'succeeded' });
  });

  it('should make the device offline, with its versions, while its agent does not answer, and online again', async () => {
    const port = agent.port;
    await agent.stop();
    await eventually(() => rec.states().at(-1)?.online === false, 'the device is reported offline');
    expect(rec.states().at(-1)).to.include({
      online: false,
      firmwareVersion: '1.0.0',
      manufacturer: 'Yealink',
    });
    agent = await startAgent([poolDevice('p1')], { token: 'tok', port });
    await eventually(() => rec.states().at(-1)?.online === true, 'the device is reported online again');
    expect(rec.states().map((s) => s.online)).to.deep.equal([true, false, true]);
  });

  it('should fail an update whose agent stops answering, once the update deadline passes, naming the cause', async () => {
    const short = new HttpDriver({
      clock: new RealClock(),
      logger: silentLogger(),
      listener: rec.listener,
      endpointTemplate: agent.template,
      token: 'tok',
      statusIntervalMs: 60_000,
      updatePollIntervalMs: 10,
      updateTimeoutMs: 500,
      backoff: { initialMs: 20, maxMs: 50 },
    });
    await short.setDevices([poolDevice('p1')], new Map());
    const running = short.install('p1', command(artifacts), CHECKED);
    await eventually(() => rec.events().some((e) => e.state === 'downloading'), 'the update runs');
    await agent.stop();
    await running;
    await short.stop();
    const last = rec.events().at(-1);
    expect(last?.state).to.equal('failed');
    expect(last?.message).to.match(/^the device agent does not answer \(.+\) within 1 s of the start$/);
  });

  it('should reject an update for a device without an endpoint, and report it offline', async () => {
    const bare = new HttpDriver({ clock: new RealClock(), logger: silentLogger(), listener: rec.listener });
    await bare.setDevices([poolDevice('p9')], new Map());
    await bare.install('p9', command(artifacts, { commandId: 'p9-1' }), CHECKED);
    await bare.stop();
    expect(
      rec.log
        .filter((e) => e.deviceId === 'p9')
        .map((e) => (e.kind === 'state' ? e.state.online : e.event.state)),
    ).to.deep.equal([false, 'rejected']);
  });
});
