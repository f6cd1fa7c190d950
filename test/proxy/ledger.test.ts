import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { LEDGER_FILE, Ledger } from '../../src/proxy/ledger.js';
import { RealClock } from '../../src/runtime/clock.js';
import { silentLogger } from '../support/async.js';

const succeeded = (commandId: string) => ({
  commandId,
  state: 'succeeded' as const,
  progress: 100,
  message: 'installed Firmware 2.0.0',
  ts: '2026-12-02T01:00:00.000Z',
});

describe('the proxy ledger', () => {
  let dir: string;
  const open = (options: { maxFinished?: number } = {}) =>
    Ledger.open({ dir, logger: silentLogger(), clock: new RealClock(), ...options });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tdo-ledger-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('should have a recorded final event on disk once record resolves, for a ledger opened after it', async () => {
    const ledger = await open();
    await ledger.record('phone-1', succeeded('c1'));
    const reopened = await open();
    expect(reopened.finishedEvent('c1')).to.deep.equal({ deviceId: 'phone-1', event: succeeded('c1') });
    expect(reopened.finishedEvent('c2')).to.equal(undefined);
  });

  it('should say a finished command is stored only once a ledger opened after that would have it', async () => {
    const ledger = await open();
    void ledger.record('phone-1', succeeded('c1'));
    // Known in memory at once (a redelivery is recognised), but not on disk until the debounced write.
    expect(ledger.finishedEvent('c1')?.event.state).to.equal('succeeded');
    await ledger.stored('c1');
    const reopened = await open();
    expect(reopened.finishedEvent('c1')?.event.state).to.equal('succeeded');
    await ledger.stored('never-recorded');
  });

  it('should keep the installed versions of each device across a reopen after flush', async () => {
    const ledger = await open();
    ledger.setInstalled('phone-1', { Firmware: '2.0.0', TeamsApp: null });
    await ledger.flush();
    const reopened = await open();
    expect(reopened.installed().get('phone-1')).to.deep.equal({ Firmware: '2.0.0', TeamsApp: null });
  });

  it('should gather many records made together into few writes', async () => {
    const ledger = await open();
    await Promise.all(Array.from({ length: 2000 }, (_, i) => ledger.record(`d${i}`, succeeded(`c${i}`))));
    expect(ledger.writeCount).to.be.at.most(3);
    expect((await open()).finishedCount).to.equal(2000);
  });

  it('should forget the oldest finished command ids beyond its limit', async () => {
    const ledger = await open({ maxFinished: 2 });
    await ledger.record('d', succeeded('c1'));
    await ledger.record('d', succeeded('c2'));
    await ledger.record('d', succeeded('c3'));
    expect(ledger.finishedEvent('c1')).to.equal(undefined);
    expect(ledger.finishedEvent('c3')).to.not.equal(undefined);
  });

  it('should set an unreadable file aside and start empty rather than fail', async () => {
    await writeFile(join(dir, LEDGER_FILE), '{"format": 1, "finished": [');
    const ledger = await open();
    expect(ledger.finishedCount).to.equal(0);
    expect(await readFile(join(dir, `${LEDGER_FILE}.corrupt`), 'utf8')).to.contain('"format"');
  });
});
