import { expect } from 'chai';
import pino from 'pino';
import type { TeamsDevice } from '../../src/api/v1alpha1/index.js';
import { DeviceIdIndex } from '../../src/controllers/execution/device-ids.js';
import { UpdateExecutor, updateCommand } from '../../src/controllers/execution/executor.js';
import { ConcurrencyLedger } from '../../src/controllers/execution/ledger.js';
import { DeviceStateStore } from '../../src/controllers/execution/state-store.js';
import type { UpdateToSend } from '../../src/core/device/decide.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { MemoryTransport } from '../../src/transport/memory.js';
import type { CommandEvent } from '../../src/transport/types.js';

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

describe('ConcurrencyLedger', () => {
  it('should seed a namespace from the updates in flight in the cache', () => {
    const ledger = new ConcurrencyLedger({ inFlight: () => ['berlin/a', 'berlin/b'], wake: () => {} });
    expect(ledger.available('berlin', 'berlin/c', 2)).to.equal(false);
    expect(ledger.available('berlin', 'berlin/a', 2)).to.equal(true);
    expect(ledger.inUse('berlin')).to.equal(2);
  });

  it('should hold the limit across reservations and wake the waiting devices when a slot frees', () => {
    const woken: string[] = [];
    const ledger = new ConcurrencyLedger({ inFlight: () => [], wake: (key) => woken.push(key) });
    for (const key of ['ns/a', 'ns/b']) {
      expect(ledger.available('ns', key, 2)).to.equal(true);
      ledger.reserve('ns', key);
    }
    expect(ledger.available('ns', 'ns/c', 2)).to.equal(false);
    ledger.wait('ns', 'ns/c');
    ledger.wait('ns', 'ns/d');
    ledger.release('ns', 'ns/x'); // holds nothing: wakes nobody
    expect(woken).to.deep.equal([]);
    ledger.release('ns', 'ns/a');
    expect(woken).to.deep.equal(['ns/c', 'ns/d']);
    expect(ledger.available('ns', 'ns/c', 2)).to.equal(true);
  });

  it('should count namespaces apart', () => {
    const ledger = new ConcurrencyLedger({ inFlight: () => [], wake: () => {} });
    ledger.reserve('berlin', 'berlin/a');
    expect(ledger.available('paris', 'paris/a', 1)).to.equal(true);
    expect(ledger.available('berlin', 'berlin/b', 1)).to.equal(false);
    ledger.forget('berlin', 'berlin/a');
    expect(ledger.available('berlin', 'berlin/b', 1)).to.equal(true);
  });
});

describe('DeviceIdIndex', () => {
  const device = (name: string, deviceId?: string) =>
    ({
      metadata: { name, namespace: 'berlin' },
      spec: deviceId ? { deviceId } : {},
    }) as unknown as TeamsDevice;

  it('should map spec.deviceId, else the name, to the TeamsDevice key', () => {
    const index = new DeviceIdIndex();
    index.set(device('phone-1', 'rm-101-phone'));
    index.set(device('phone-2'));
    expect(index.keyOf('rm-101-phone')).to.equal('berlin/phone-1');
    expect(index.keyOf('phone-2')).to.equal('berlin/phone-2');
    expect(index.keyOf('phone-1')).to.equal(undefined);
    index.delete(device('phone-1'));
    expect(index.keyOf('rm-101-phone')).to.equal(undefined);
  });
});

describe('UpdateExecutor', () => {
  const update: UpdateToSend = {
    component: 'Firmware',
    version: '122.15.0.40',
    release: 'yealink-mp56-122.15.0.40',
    artifact: { url: 'https://firmware.example.com/40.rom', sha256: 'a'.repeat(64), sizeBytes: 10 },
    source: 'Auto',
    attempt: 1,
    commandId: 'cmd-1',
    resend: false,
  };

  it('should build the protocol command', () => {
    expect(updateCommand(update, new Date('2026-11-02T17:00:00Z'))).to.deep.equal({
      commandId: 'cmd-1',
      type: 'update',
      component: 'Firmware',
      version: '122.15.0.40',
      artifact: update.artifact,
      issuedAt: '2026-11-02T17:00:00.000Z',
    });
  });

  it('should wake the device of every message and remember a failed send', async () => {
    const clock = new FakeClock('2026-11-02T17:00:00Z');
    const transport = new MemoryTransport({ clock });
    const executor = new UpdateExecutor({
      transport,
      clock,
      log: pino({ level: 'silent' }),
      inFlight: () => [],
    });
    const woken: string[] = [];
    executor.ids.set({
      metadata: { name: 'phone-1', namespace: 'berlin' },
      spec: {},
    } as unknown as TeamsDevice);
    executor.attach((key) => woken.push(key));
    transport.upsertDevice(
      'phone-1',
      {
        manufacturer: 'Yealink',
        model: 'MP56',
        firmwareVersion: '1',
        teamsAppVersion: null,
        autoUpdateSupported: true,
      },
      { downloadSeconds: 0, installSeconds: 0, failurePercent: 0 },
    );
    // Not started: the send fails, and the store says to send again at once.
    let error: unknown;
    await executor.send('phone-1', update, clock.now()).catch((err) => {
      error = err;
    });
    expect(error).to.be.instanceOf(Error);
    expect(executor.store.delivery('cmd-1')).to.deep.equal({ failed: true });
    await transport.start();
    await new Promise((resolve) => setImmediate(resolve));
    expect(woken).to.deep.equal(['berlin/phone-1']);
    expect(executor.store.state('phone-1')?.firmwareVersion).to.equal('1');
    await executor.send('phone-1', update, clock.now());
    await new Promise((resolve) => setImmediate(resolve));
    expect(executor.store.delivery('cmd-1')?.lastSentAt).to.be.instanceOf(Date);
    expect(executor.store.event('phone-1', 'cmd-1')?.state).to.equal('downloading');
    expect(woken.length).to.be.greaterThan(1);
  });
});
