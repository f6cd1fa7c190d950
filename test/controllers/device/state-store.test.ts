import { expect } from 'chai';
import { DeviceStateStore } from '../../../src/controllers/device/state-store.js';
import type { CommandEvent } from '../../../src/transport/types.js';

const event = (state: CommandEvent['state'], ts: string, commandId = 'c1'): CommandEvent => ({
  commandId,
  state,
  ts,
});

describe('DeviceStateStore', () => {
  const cases: Array<[string, CommandEvent[], string]> = [
    [
      'should keep the later step of a command',
      [event('accepted', '2026-11-02T17:00:00Z'), event('downloading', '2026-11-02T17:00:01Z')],
      'downloading',
    ],
    [
      'should not go back to an earlier step delivered late',
      [event('installing', '2026-11-02T17:01:00Z'), event('downloading', '2026-11-02T17:00:30Z')],
      'installing',
    ],
    [
      'should keep an outcome for good',
      [event('failed', '2026-11-02T17:02:00Z'), event('installing', '2026-11-02T17:03:00Z')],
      'failed',
    ],
  ];
  for (const [name, events, expected] of cases) {
    it(name, () => {
      const store = new DeviceStateStore();
      for (const e of events) store.recordEvent('phone-1', e);
      expect(store.event('phone-1', 'c1')?.state).to.equal(expected);
    });
  }

  it('should ignore a state message older than the one it has', () => {
    const store = new DeviceStateStore();
    store.setState('phone-1', { online: true, firmwareVersion: '2', ts: '2026-11-02T17:00:00Z' });
    expect(
      store.setState('phone-1', { online: false, firmwareVersion: '1', ts: '2026-11-02T16:00:00Z' }),
    ).to.equal(false);
    expect(store.state('phone-1')?.firmwareVersion).to.equal('2');
  });

  it('should remember the last 8 commands of a device', () => {
    const store = new DeviceStateStore();
    for (let i = 0; i < 10; i++)
      store.recordEvent('phone-1', event('accepted', '2026-11-02T17:00:00Z', `c${i}`));
    expect(store.event('phone-1', 'c1')).to.equal(undefined);
    expect(store.event('phone-1', 'c2')?.state).to.equal('accepted');
  });

  it('should remember when a command was sent, or that sending it failed', () => {
    const store = new DeviceStateStore();
    store.markSent('c1', new Date('2026-11-02T17:00:00Z'));
    expect(store.delivery('c1')?.lastSentAt?.toISOString()).to.equal('2026-11-02T17:00:00.000Z');
    store.markSendFailed('c1');
    expect(store.delivery('c1')).to.deep.equal({ failed: true });
    store.forgetDelivery('c1');
    expect(store.delivery('c1')).to.equal(undefined);
  });
});
