// UpdatePlans end to end: an immediate plan completes, a scheduled one fires at its local time, and a plan
// for a downgrade or an unverified version is refused in its status with the reason.
import { expect } from 'chai';
import { useLocalCluster } from '../support/cluster.js';
import { addDays, getDevice, getPlan } from './fixtures.js';
import { OperatorHarness } from './harness.js';
import { createAll, device, plan, release } from './objects.js';

const NS = 'plans';
const START = new Date('2026-12-01T00:00:00Z');

describe('operator: UpdatePlans', function () {
  this.timeout(120_000);
  const fx = useLocalCluster({ crds: true, bookmarkIntervalMs: 5 });
  let harness: OperatorHarness;

  before(async () => {
    harness = new OperatorHarness({ kubeConfig: () => fx.kubeConfig(), start: START });
    await createAll(
      harness.client,
      [
        release('1.0', { releaseDate: '2026-06-01T00:00:00Z' }),
        release('2.0', { releaseDate: '2026-10-01T00:00:00Z' }),
        release('2.5', { releaseDate: '2026-11-01T00:00:00Z', verification: 'Unknown' }),
        // Final phase: no automatic update before the end of December, so only the plans act.
        device(NS, 'now-phone', { firmware: '1.0', phase: 'Final' }),
        device(NS, 'sched-phone', { firmware: '1.0', phase: 'Final' }),
        device(NS, 'down-phone', { firmware: '2.0', phase: 'Final' }),
        device(NS, 'beta-phone', { firmware: '1.0', phase: 'Final' }),
        plan(NS, 'now', { devices: { names: ['now-phone'] }, updates: [{ component: 'Firmware' }] }),
        plan(NS, 'saturday-night', {
          devices: { names: ['sched-phone'] },
          updates: [{ component: 'Firmware', version: '2.0' }],
          schedule: { at: '2026-12-05T22:00:00', timeZone: 'Europe/Berlin' },
        }),
        plan(NS, 'downgrade', {
          devices: { names: ['down-phone'] },
          updates: [{ component: 'Firmware', version: '1.0' }],
        }),
        plan(NS, 'beta', {
          devices: { names: ['beta-phone'] },
          updates: [{ component: 'Firmware', version: '2.5' }],
        }),
      ],
      NS,
    );
    await harness.start();
    await harness.runUntil(new Date(START.getTime() + 3_600_000));
  });

  after(async () => {
    await harness?.stopAll();
  });

  it('should apply an immediate plan at once and report it Succeeded', async () => {
    const sends = harness.sendsTo('now-phone');
    expect(sends.map((s) => [s.version, s.at.toISOString()])).to.deep.equal([['2.0', START.toISOString()]]);
    const status = (await getPlan(harness.client, NS, 'now')).status;
    expect(status?.phase).to.equal('Succeeded');
    expect(status?.devices?.map((r) => [r.device, r.component, r.newVersion, r.state])).to.deep.equal([
      ['now-phone', 'Firmware', '2.0', 'Succeeded'],
    ]);
    const history = (await getDevice(harness.client, NS, 'now-phone')).status?.history ?? [];
    expect(history.map((h) => [h.component, h.from, h.to, h.source, h.result])).to.deep.equal([
      ['Firmware', '1.0', '2.0', 'UpdatePlan/now', 'Succeeded'],
    ]);
  });

  it('should refuse a downgrade in the plan status, with the reason, and send nothing', async () => {
    const status = (await getPlan(harness.client, NS, 'downgrade')).status;
    expect(status?.phase).to.equal('Failed');
    expect(status?.devices?.map((r) => [r.device, r.reason])).to.deep.equal([
      ['down-phone', 'DowngradeRequiresFactoryReset'],
    ]);
    expect(harness.sendsTo('down-phone')).to.deep.equal([]);
  });

  it('should refuse a version that is not Verified, with the reason, and send nothing', async () => {
    const status = (await getPlan(harness.client, NS, 'beta')).status;
    expect(status?.phase).to.equal('Failed');
    expect(status?.devices?.map((r) => [r.device, r.reason])).to.deep.equal([['beta-phone', 'NotVerified']]);
    expect(harness.sendsTo('beta-phone')).to.deep.equal([]);
  });

  it('should hold a scheduled plan until its local time, then apply it then', async () => {
    const due = new Date('2026-12-05T21:00:00Z'); // 22:00 in Berlin (CET)
    await harness.runUntil(new Date(due.getTime() - 1000));
    const before = (await getPlan(harness.client, NS, 'saturday-night')).status;
    expect(before?.phase).to.equal('Scheduled');
    expect(before?.scheduledFor).to.equal('2026-12-05T21:00:00Z');
    expect(harness.sendsTo('sched-phone')).to.deep.equal([]);

    await harness.runUntil(addDays(due, 1));
    expect(harness.sendsTo('sched-phone').map((s) => [s.version, s.at.toISOString()])).to.deep.equal([
      ['2.0', due.toISOString()],
    ]);
    expect((await getPlan(harness.client, NS, 'saturday-night')).status?.phase).to.equal('Succeeded');
    expect(harness.memory.device('sched-phone')?.firmwareVersion).to.equal('2.0');
  });
});
