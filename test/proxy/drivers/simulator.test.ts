import { expect } from 'chai';
import { SimulatorDriver } from '../../../src/proxy/drivers/simulator.js';
import { FakeClock } from '../../../src/runtime/clock.js';
import type { CommandEvent, DeviceStateMessage } from '../../../src/transport/protocol.js';
import { poolDevice } from '../support.js';

describe('the simulator driver', () => {
  const setup = () => {
    const clock = new FakeClock('2026-12-02T01:00:00Z');
    const states: Array<[string, DeviceStateMessage]> = [];
    const events: Array<[string, CommandEvent]> = [];
    const driver = new SimulatorDriver({
      clock,
      listener: { state: (id, s) => states.push([id, s]), event: (id, e) => events.push([id, e]) },
      behaviour: { downloadSeconds: 60, installSeconds: 120, failurePercent: 0 },
    });
    return { clock, states, events, driver };
  };

  it('should start a device from the versions it installed before a restart, over those of devices.json', async () => {
    const { driver, states } = setup();
    await driver.setDevices(
      [poolDevice('phone-1'), poolDevice('phone-2')],
      new Map([['phone-1', { Firmware: '2.0.0', TeamsApp: null }]]),
    );
    expect(states.map(([id, s]) => [id, s.firmwareVersion, s.teamsAppVersion])).to.deep.equal([
      ['phone-1', '2.0.0', undefined],
      ['phone-2', '1.0.0', '1.0.0'],
    ]);
  });

  it('should take as long as simulator.json says on the clock, then report the new version before succeeded', async () => {
    const { driver, clock, states, events } = setup();
    await driver.setDevices([poolDevice('phone-1')], new Map());
    await driver.install(
      'phone-1',
      {
        commandId: 'c1',
        type: 'update',
        component: 'Firmware',
        version: '2.0.0',
        artifact: { url: 'http://a/b', sha256: 'ab'.repeat(32), sizeBytes: 1 },
        issuedAt: '2026-12-02T01:00:00Z',
        notAfter: '2026-12-02T02:00:00Z',
      },
      { sha256: 'ab'.repeat(32), sizeBytes: 1 },
    );
    await clock.advance(179_000);
    expect(events.map(([, e]) => e.state)).not.to.include('succeeded');
    await clock.advance(1_000);
    expect(events.at(-1)?.[1].state).to.equal('succeeded');
    expect(states.at(-1)?.[1].firmwareVersion).to.equal('2.0.0');
    expect(await driver.readState('phone-1')).to.include({ firmwareVersion: '2.0.0' });
  });

  it('should forget a device removed from its share', async () => {
    const { driver } = setup();
    await driver.setDevices([poolDevice('phone-1')], new Map());
    await driver.setDevices([], new Map());
    expect(await driver.readState('phone-1')).to.equal(undefined);
  });
});
