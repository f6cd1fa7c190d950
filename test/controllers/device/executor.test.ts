import { expect } from 'chai';
import pino from 'pino';
import type { TeamsDevice } from '../../../src/api/v1alpha1/index.js';
import { UpdateExecutor, updateCommand } from '../../../src/controllers/device/executor.js';
import type { UpdateToSend } from '../../../src/core/device/decide.js';
import { FakeClock } from '../../../src/runtime/clock.js';
import { MemoryTransport } from '../../../src/transport/memory.js';

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
    notAfter: new Date('2026-11-02T17:40:00Z'),
  };

  it('should build the protocol command with the notAfter the decision chose', () => {
    expect(updateCommand(update, new Date('2026-11-02T17:00:00Z'))).to.deep.equal({
      commandId: 'cmd-1',
      type: 'update',
      component: 'Firmware',
      version: '122.15.0.40',
      artifact: update.artifact,
      issuedAt: '2026-11-02T17:00:00.000Z',
      notAfter: '2026-11-02T17:40:00.000Z',
    });
  });

  it('should wake the device of every message and remember a failed send', async () => {
    const clock = new FakeClock('2026-11-02T17:00:00Z');
    const transport = new MemoryTransport({ clock });
    const executor = new UpdateExecutor({
      transport,
      clock,
      log: pino({ level: 'silent' }),
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
      { downloadSeconds: 60, installSeconds: 60, failurePercent: 0 },
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
