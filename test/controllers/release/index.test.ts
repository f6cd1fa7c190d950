import { expect } from 'chai';
import { type FirmwareRelease, RESUME_ANNOTATION } from '../../../src/api/v1alpha1/index.js';
import { releaseController } from '../../../src/controllers/release/index.js';
import { release, reported } from '../../support/builders/index.js';
import { RELEASES } from '../../support/controllers/harness.js';
import {
  addDeviceRunning,
  applyPolicy,
  condition,
  firmwareOutcome,
  useController,
} from '../../support/controllers/scenario.js';

const START = '2026-11-10T08:00:00Z';
const halted = (r: FirmwareRelease) => condition(r, 'Halted');

describe('FirmwareRelease controller against the embedded control plane', () => {
  const { fx, h, clock } = useController(releaseController, START);

  /** Waits until the (cluster-scoped) release `name` satisfies `check`; returns it. */
  const untilRelease = (name: string, check: (r: FirmwareRelease) => boolean, what: string) =>
    h.until<FirmwareRelease>(RELEASES, name, undefined, check, what);

  it('should list each phase with its start from the default delays, and what its devices run', async () => {
    const ns = 'fwr-phases';
    await h.createNamespace(ns);
    const phones: Array<[string, 'Test' | 'General' | 'Final', string]> = [
      ['lab-1', 'Test', '122.15.0.40'],
      ['desk-1', 'General', '122.15.0.36'],
      ['desk-2', 'General', '122.15.0.36'],
      ['vip-1', 'Final', '122.15.0.41'],
    ];
    for (const [name, phase, firmware] of phones) {
      await addDeviceRunning(h, { name, namespace: ns, phase }, firmware);
    }
    await h.create(
      RELEASES,
      release({
        version: '122.15.0.40',
        releaseDate: '2026-11-02T00:00:00Z',
        name: 'mp56-40',
        models: ['MP56'],
      }),
    );
    const fwr = await untilRelease('mp56-40', (r) => r.status?.phases?.length === 3, 'phases written');
    expect(fwr.status?.phases).to.deep.equal([
      { phase: 'Test', startsAt: '2026-11-02T00:00:00Z', targeted: 1, updated: 1, failed: 0 },
      { phase: 'General', startsAt: '2026-12-02T00:00:00Z', targeted: 2, updated: 0, failed: 0 },
      { phase: 'Final', startsAt: '2027-01-31T00:00:00Z', targeted: 0, updated: 0, failed: 0 },
    ]);
    expect(fwr.status?.halted).to.deep.equal([]);
    expect(condition(fwr, 'Ready')).to.include({ status: 'True', reason: 'Verified' });
    const table = await fx.clients.kubectlOk(['get', 'fwr', 'mp56-40']);
    expect(table).to.match(
      /mp56-40\s+Firmware\s+122\.15\.0\.40\s+Verified\s+\S+\s+2026-12-02T00:00:00Z\s+2027-01-31T00:00:00Z/,
    );
  });

  it('should show the phase delays of the policies when they all agree', async () => {
    const ns = 'fwr-delays';
    await h.createNamespace(ns);
    await applyPolicy(h, ns, { phaseDelayDays: { test: 1, general: 7, final: 21 } });
    await addDeviceRunning(h, { name: 'phone-1', namespace: ns }, '122.15.0.36');
    await h.create(
      RELEASES,
      release({
        version: '122.15.0.50',
        releaseDate: '2026-11-05T00:00:00Z',
        name: 'mp56-50',
        models: ['MP56'],
      }),
    );
    // The devices of fwr-phases use the defaults: the policies disagree, so the row shows the defaults...
    const mixed = await untilRelease('mp56-50', (r) => !!r.status?.phases, 'phases');
    expect(mixed.status?.phases?.map((p) => p.startsAt)).to.deep.equal([
      '2026-11-05T00:00:00Z',
      '2026-12-05T00:00:00Z',
      '2027-02-03T00:00:00Z',
    ]);
    // ...until every governing policy says the same.
    await applyPolicy(h, 'fwr-phases', { phaseDelayDays: { test: 1, general: 7, final: 21 } });
    await h.debounce();
    const agreed = await untilRelease(
      'mp56-50',
      (r) => r.status?.phases?.[1]?.startsAt === '2026-11-12T00:00:00Z',
      'the agreed delays',
    );
    expect(agreed.status?.phases?.map((p) => p.startsAt)).to.deep.equal([
      '2026-11-06T00:00:00Z',
      '2026-11-12T00:00:00Z',
      '2026-11-26T00:00:00Z',
    ]);
  });

  it('should halt a namespace once minDevices automatic attempts finished and too many failed, until the resume annotation moves past it', async () => {
    const ns = 'fwr-halt';
    await h.createNamespace(ns);
    await applyPolicy(h, ns, { failureThreshold: { percent: 20, minDevices: 3 } });
    for (const name of ['phone-1', 'phone-2', 'phone-3', 'phone-4']) {
      await addDeviceRunning(h, { name, namespace: ns, phase: 'Test' }, '122.15.0.36');
    }
    await h.create(
      RELEASES,
      release({
        version: '122.15.0.60',
        releaseDate: '2026-11-08T00:00:00Z',
        name: 'mp56-60',
        models: ['MP56'],
      }),
    );
    await untilRelease('mp56-60', (r) => !!r.status?.phases, 'phases');

    const attempt = (result: 'Succeeded' | 'Failed') =>
      firmwareOutcome(clock, { from: '122.15.0.36', to: '122.15.0.60', source: 'Auto', result });
    const finish = async (name: string, result: 'Succeeded' | 'Failed') => {
      await clock.advance(60_000);
      await h.setDeviceStatus(ns, name, {
        ...reported(result === 'Succeeded' ? '122.15.0.60' : '122.15.0.36'),
        history: [attempt(result)],
      });
    };

    // Two failures of two attempts: 100%, but fewer than minDevices finished.
    await finish('phone-1', 'Failed');
    await finish('phone-2', 'Failed');
    await h.debounce();
    const early = await untilRelease(
      'mp56-60',
      (r) => r.status?.phases?.[0]?.failed === 2,
      'two failures counted',
    );
    expect(early.status?.halted).to.deep.equal([]);
    expect(halted(early)).to.include({ status: 'False' });

    // A third finished attempt (a success): 2 of 3 failed, 67% > 20%.
    await finish('phone-3', 'Succeeded');
    await h.debounce();
    const haltedAt = clock
      .now()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
    const stopped = await untilRelease('mp56-60', (r) => (r.status?.halted?.length ?? 0) > 0, 'halted');
    expect(stopped.status?.halted).to.have.length(1);
    expect(stopped.status?.halted?.[0]).to.include({
      namespace: ns,
      reason: 'FailureThresholdExceeded',
      since: haltedAt,
    });
    expect(stopped.status?.halted?.[0]?.message).to.match(/^2 of 3 devices \(67%\) failed/);
    expect(halted(stopped)).to.include({ status: 'True', reason: 'FailureThresholdExceeded' });
    // The phases count the whole cluster: lab-1 of fwr-phases is a Test phone running an older version too.
    expect(stopped.status?.phases?.[0]).to.include({ targeted: 5, updated: 1, failed: 2 });
    const warning = (await h.events('default', 'mp56-60', 'RolloutHalted')).find(
      (e) => e.reason === 'RolloutHalted',
    );
    expect(warning?.type).to.equal('Warning');
    expect(warning?.message).to.match(/halted in namespace fwr-halt/);

    // Retries of the failed devices succeed: no failure is left, yet the halt stays until it is resumed.
    for (const name of ['phone-1', 'phone-2']) {
      await clock.advance(60_000);
      await h.setDeviceStatus(ns, name, {
        ...reported('122.15.0.60'),
        history: [attempt('Succeeded'), attempt('Failed')],
      });
    }
    await h.debounce();
    const still = await untilRelease(
      'mp56-60',
      (r) => r.status?.phases?.[0]?.updated === 3,
      'the retries counted',
    );
    expect(still.status?.phases?.[0]).to.include({ updated: 3, failed: 0 });
    expect(still.status?.halted?.[0]?.since).to.equal(haltedAt);

    // The admin resumes from now: earlier attempts no longer count, the halt is lifted.
    await clock.advance(60 * 60_000);
    const resumeAt = clock.now().toISOString();
    await h.patch(RELEASES, 'mp56-60', undefined, {
      metadata: { annotations: { [RESUME_ANNOTATION]: resumeAt } },
    });
    const resumed = await untilRelease('mp56-60', (r) => r.status?.halted?.length === 0, 'lifted');
    expect(halted(resumed)).to.include({ status: 'False', reason: 'NotHalted' });
    const events = await h.events('default', 'mp56-60', 'RolloutResumed');
    expect(events.find((e) => e.reason === 'RolloutResumed')?.message).to.match(
      /resumed in namespace fwr-halt/,
    );
  });
});
