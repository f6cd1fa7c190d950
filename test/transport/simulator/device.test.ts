import { expect } from 'chai';
import { FakeClock } from '../../../src/runtime/clock.js';
import type { CommandEvent, DeviceStateMessage } from '../../../src/transport/protocol.js';
import {
  installFails,
  SHA256_MISMATCH_MARKER,
  SimulatedDevice,
  type SimulatedDeviceInit,
  type SimulatorBehaviour,
  startsOffline,
} from '../../../src/transport/simulator/device.js';
import { BEHAVIOUR, MP56, START, step, updateCommand, WHOLE_DOWNLOAD, WHOLE_UPDATE } from '../support.js';

function harness(
  init: Partial<SimulatedDeviceInit> = {},
  behaviour: Partial<SimulatorBehaviour> = {},
): { clock: FakeClock; device: SimulatedDevice; events: CommandEvent[]; states: DeviceStateMessage[] } {
  const clock = new FakeClock(START);
  const events: CommandEvent[] = [];
  const states: DeviceStateMessage[] = [];
  const device = new SimulatedDevice(
    'rm-berlin-101-phone',
    { ...MP56, ...init },
    { ...BEHAVIOUR, ...behaviour },
    clock,
    { state: (s) => states.push(s), event: (e) => events.push(e) },
  );
  return { clock, device, events, states };
}

const walk = (events: CommandEvent[]) => events.map(step);

describe('SimulatedDevice', () => {
  it('should walk an update through accepted, downloading, installing and succeeded, then report the new version', async () => {
    const { clock, device, events, states } = harness();
    device.receive(updateCommand());
    await clock.advance(180_000);
    expect(walk(events)).to.deep.equal(WHOLE_UPDATE);
    expect(events.map((e) => e.ts)).to.include.members([
      '2026-12-05T17:00:30.000Z',
      '2026-12-05T17:01:00.000Z',
      '2026-12-05T17:03:00.000Z',
    ]);
    expect(events.at(-1)).to.include({
      ts: '2026-12-05T17:03:00.000Z',
      message: 'installed Firmware 122.15.0.40',
    });
    expect(states).to.have.length(1);
    expect(states[0]).to.include({
      online: true,
      firmwareVersion: '122.15.0.40',
      ts: '2026-12-05T17:03:00.000Z',
    });
    expect(device.version('Firmware')).to.equal('122.15.0.40');
    expect(device.update()).to.equal(null);
  });

  it('should not finish before the download and install times have passed', async () => {
    const { clock, device, events } = harness();
    device.receive(updateCommand());
    await clock.advance(179_999);
    expect(walk(events).at(-1)).to.equal('installing 50');
    expect(device.update()).to.include({ phase: 'installing', progress: 50 });
    expect(device.version('Firmware')).to.equal('122.15.0.36');
  });

  it('should hold at most one timer while updating and none when idle', async () => {
    const { clock, device } = harness();
    expect(clock.pendingTimers()).to.equal(0);
    device.receive(updateCommand());
    for (let t = 0; t < 6; t++) {
      expect(clock.pendingTimers()).to.equal(1);
      await clock.advance(30_000);
    }
    expect(clock.pendingTimers()).to.equal(0);
  });

  it('should update the Teams app as well as firmware', async () => {
    const { clock, device, states } = harness();
    device.receive(updateCommand({ component: 'TeamsApp', version: '1452/1.0.94.2023080101' }));
    await clock.advance(180_000);
    expect(states.at(-1)).to.include({
      teamsAppVersion: '1452/1.0.94.2023080101',
      firmwareVersion: '122.15.0.36',
    });
  });

  it('should run phases of zero seconds on the next tick of the clock, with no progress to report', async () => {
    const { clock, device, events } = harness({}, { downloadSeconds: 0, installSeconds: 0 });
    device.receive(updateCommand());
    await clock.advance(0);
    expect(walk(events)).to.deep.equal(['accepted', 'succeeded 100']);
  });

  it('should fail every installation at failurePercent 100 and keep the running version', async () => {
    const { clock, device, events, states } = harness({}, { failurePercent: 100 });
    device.receive(updateCommand());
    await clock.advance(180_000);
    expect(events.at(-1)).to.include({ state: 'failed', message: 'installation failed (simulated failure)' });
    expect(walk(events)).to.include('installing 100');
    expect(device.version('Firmware')).to.equal('122.15.0.36');
    expect(states).to.deep.equal([]);
  });

  it('should fail with sha256 mismatch after the download when the artifact checksum does not match', async () => {
    const { clock, device, events } = harness();
    const command = updateCommand();
    command.artifact.sha256 = SHA256_MISMATCH_MARKER;
    device.receive(command);
    await clock.advance(180_000);
    expect(walk(events)).to.deep.equal([...WHOLE_DOWNLOAD, 'failed']);
    expect(events.at(-1)).to.include({ message: 'sha256 mismatch', ts: '2026-12-05T17:01:00.000Z' });
    expect(device.version('Firmware')).to.equal('122.15.0.36');
  });

  it('should reject a downgrade, which would need a factory reset', async () => {
    const { clock, device, events } = harness();
    device.receive(updateCommand({ version: '122.15.0.30' }));
    await clock.advance(180_000);
    expect(events).to.have.length(1);
    expect(events[0]).to.include({ state: 'rejected', commandId: 'cmd-1' });
    expect(events[0]?.message).to.match(/downgrade from 122.15.0.36 to 122.15.0.30 requires a factory reset/);
  });

  it('should reject a second command while an update runs, and finish the first', async () => {
    const { clock, device, events } = harness();
    device.receive(updateCommand());
    await clock.advance(10_000);
    device.receive(
      updateCommand({ commandId: 'cmd-2', component: 'TeamsApp', version: '1452/1.0.94.2023080101' }),
    );
    const rejected = events.find((e) => e.commandId === 'cmd-2');
    expect(rejected).to.include({ state: 'rejected' });
    expect(rejected?.message).to.match(
      /another update is in progress: Firmware 122.15.0.40 \(command cmd-1\)/,
    );
    await clock.advance(170_000);
    expect(events.at(-1)).to.include({ commandId: 'cmd-1', state: 'succeeded' });
    expect(device.version('TeamsApp')).to.equal('1449/1.0.94.2023071702');
  });

  it('should reject a component the device cannot update', () => {
    const { device, events } = harness({ updatableComponents: ['Firmware'] });
    device.receive(updateCommand({ component: 'TeamsApp', version: '1452/1.0.94.2023080101' }));
    expect(events[0]).to.include({ state: 'rejected' });
    expect(events[0]?.message).to.match(/cannot be updated remotely on component TeamsApp/);
  });

  it('should answer a finished command id with its final event and not install it twice', async () => {
    const { clock, device, events, states } = harness();
    device.receive(updateCommand());
    await clock.advance(180_000);
    const final = events.at(-1);
    events.length = 0;
    device.receive(updateCommand());
    await clock.advance(180_000);
    expect(events).to.deep.equal([final]);
    expect(states).to.have.length(1);
    expect(clock.pendingTimers()).to.equal(0);
  });

  it('should answer a failed command id with its failure, so a resend after a restart does not retry it', async () => {
    const { clock, device, events } = harness({}, { failurePercent: 100 });
    device.receive(updateCommand());
    await clock.advance(180_000);
    device.setBehaviour(BEHAVIOUR);
    events.length = 0;
    device.receive(updateCommand());
    await clock.advance(180_000);
    expect(walk(events)).to.deep.equal(['failed']);
    expect(device.version('Firmware')).to.equal('122.15.0.36');
  });

  it('should answer a duplicate delivery of the running command with its latest event, without restarting it', async () => {
    const { clock, device, events } = harness();
    device.receive(updateCommand());
    await clock.advance(90_000);
    events.length = 0;
    device.receive(updateCommand());
    expect(walk(events)).to.deep.equal(['installing 0']);
    await clock.advance(90_000);
    expect(walk(events).at(-1)).to.equal('succeeded 100');
  });

  it('should succeed at once when asked for the version it already runs (a retry after a lost event)', () => {
    const { device, events, states } = harness({ firmwareVersion: '122.15.0.40' });
    device.receive(updateCommand({ commandId: 'cmd-2' }));
    expect(events).to.have.length(1);
    expect(events[0]).to.include({ state: 'succeeded', message: 'already running Firmware 122.15.0.40' });
    expect(states).to.deep.equal([]);
  });

  it('should report online:false when it goes offline and online:true when it comes back', () => {
    const { device, states } = harness();
    device.setOnline(false);
    device.setOnline(false);
    device.setOnline(true);
    expect(states.map((s) => s.online)).to.deep.equal([false, true]);
    expect(states[0]).to.include({ firmwareVersion: '122.15.0.36' });
  });

  it('should reject a command while offline', () => {
    const { device, events } = harness({ online: false });
    expect(device.state().online).to.equal(false);
    device.receive(updateCommand());
    expect(events[0]).to.include({ state: 'rejected', message: 'device is offline' });
  });

  it('should fail the update in progress when the device goes offline', async () => {
    const { clock, device, events, states } = harness();
    device.receive(updateCommand());
    await clock.advance(90_000);
    device.setOnline(false);
    expect(events.at(-1)).to.include({ state: 'failed', message: 'device went offline while installing' });
    expect(states.at(-1)).to.include({ online: false, firmwareVersion: '122.15.0.36' });
    expect(clock.pendingTimers()).to.equal(0);
  });

  it('should forget the update in progress without an event when halted, and run it again when resent', async () => {
    const { clock, device, events } = harness();
    device.receive(updateCommand());
    await clock.advance(30_000);
    device.halt();
    expect(clock.pendingTimers()).to.equal(0);
    events.length = 0;
    device.receive(updateCommand());
    await clock.advance(180_000);
    expect(walk(events)[0]).to.equal('accepted');
    expect(walk(events).at(-1)).to.equal('succeeded 100');
  });

  it('should refuse a behaviour out of range', () => {
    expect(() => harness({}, { failurePercent: 101 })).to.throw(RangeError);
    expect(() => harness({}, { downloadSeconds: -1 })).to.throw(RangeError);
  });

  describe('installFails', () => {
    it('should give the same answer for the same command id and seed', () => {
      for (let i = 0; i < 50; i++) {
        expect(installFails(`cmd-${i}`, 30, 'seed')).to.equal(installFails(`cmd-${i}`, 30, 'seed'));
      }
    });

    it('should fail about failurePercent of the commands', () => {
      const ids = Array.from({ length: 2000 }, (_, i) => `cmd-${i}`);
      const failed = ids.filter((id) => installFails(id, 25, 7)).length;
      expect(failed).to.be.within(400, 600);
    });

    it('should fail different commands under another seed', () => {
      const ids = Array.from({ length: 200 }, (_, i) => `cmd-${i}`);
      const a = ids.map((id) => installFails(id, 50, 'a'));
      const b = ids.map((id) => installFails(id, 50, 'b'));
      expect(a).to.not.deep.equal(b);
    });

    it('should never fail at 0 and always fail at 100', () => {
      expect(installFails('x', 0)).to.equal(false);
      expect(installFails('x', 100)).to.equal(true);
    });
  });

  describe('startsOffline', () => {
    it('should disconnect about offlinePercent of the devices, the same ones every time', () => {
      const ids = Array.from({ length: 2000 }, (_, i) => `phone-${i}`);
      const offline = ids.filter((id) => startsOffline(id, 10));
      expect(offline.length).to.be.within(140, 260);
      expect(ids.filter((id) => startsOffline(id, 10))).to.deep.equal(offline);
      expect(ids.some((id) => startsOffline(id, 0))).to.equal(false);
    });

    it('should start a device offline when its behaviour says so, and connect it when the share drops', () => {
      const events: boolean[] = [];
      const device = new SimulatedDevice(
        'phone-1',
        MP56,
        { ...BEHAVIOUR, offlinePercent: 100 },
        new FakeClock(START),
        {
          state: (s) => events.push(s.online),
          event: () => {},
        },
      );
      expect(device.online).to.equal(false);
      device.setBehaviour({ ...BEHAVIOUR, offlinePercent: 0 });
      expect(device.online).to.equal(true);
      expect(events).to.deep.equal([true]);
    });
  });
});
