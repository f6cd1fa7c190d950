// Two replicas with leader election: only the leader sends commands; when it stops, the other takes over
// and finishes the rollout.
import { setTimeout as pause } from 'node:timers/promises';
import { expect } from 'chai';
import { useLocalCluster } from '../support/cluster.js';
import { listDevices } from './fixtures.js';
import { OperatorHarness } from './harness.js';
import { createAll, device, policy, release } from './objects.js';

const START = new Date('2026-12-05T00:00:00Z');
const NS = 'ha';
const DEVICES = 10;
const HOUR_MS = 3_600_000;
// Real-time leader election, short so the test does not wait long for the takeover.
const LEADER_ELECTION = { leaseDurationMs: 1_500, renewDeadlineMs: 1_000, retryPeriodMs: 100 };
const IN_FLIGHT = new Set(['Sent', 'Downloading', 'Installing']);

describe('operator: two replicas with leader election', function () {
  this.timeout(120_000);
  const fx = useLocalCluster({ crds: true, bookmarkIntervalMs: 5 });
  let harness: OperatorHarness;

  before(async () => {
    harness = new OperatorHarness({
      kubeConfig: () => fx.kubeConfig(),
      start: START,
      flags: ['--leader-elect', '--lease-namespace', NS],
    });
    await createAll(harness.client, [
      release('1.0', { releaseDate: '2026-06-01T00:00:00Z' }),
      // Out at the start: its Test phase spreads over the day that follows.
      release('2.0', { releaseDate: START.toISOString() }),
    ]);
    await createAll(
      harness.client,
      [
        // Spread over a day, no business hours: the devices come due one after another all day.
        policy(NS, {
          rolloutSpreadDays: 1,
          maxConcurrentUpdates: 2,
          businessHours: { days: [], start: '08:00', end: '18:00' },
        }),
        ...Array.from({ length: DEVICES }, (_, i) => device(NS, `phone-${i}`)),
      ],
      NS,
    );
  });

  after(async () => {
    await harness?.stopAll();
  });

  it('should let only the leader send, and hand over to the standby when the leader stops', async () => {
    const a = await harness.start({ label: 'a', leaderElection: LEADER_ELECTION });
    const b = await harness.start({ label: 'b', leaderElection: LEADER_ELECTION });
    expect(a.manager.isLeader()).to.equal(true);
    expect(b.manager.isLeader()).to.equal(false);

    await harness.runUntil(new Date(START.getTime() + 8 * HOUR_MS));
    // Hand over between two updates (a restart mid-update is the restart test's subject).
    const updating = () =>
      a.informers.devices.list(NS).some((d) => IN_FLIGHT.has(d.status?.update?.state ?? ''));
    await harness.stepWhile(updating, new Date(START.getTime() + 12 * HOUR_MS));
    const byA = harness.sends.length;
    expect(byA).to.be.within(1, DEVICES - 1);
    expect(new Set(harness.sends.map((s) => s.by))).to.deep.equal(new Set(['a']));
    expect([...b.controllers.values()].some((c) => c.isStarted())).to.equal(false);

    await harness.stop(a);
    for (let waited = 0; !b.manager.isLeader() || b.manager.readinessProblem() !== undefined; waited += 20) {
      if (waited > 20_000) throw new Error('the standby never took over');
      await pause(20);
    }
    await harness.runUntil(new Date(START.getTime() + 2 * 24 * HOUR_MS));
    const afterTakeover = harness.sends.slice(byA);
    expect(afterTakeover.length).to.equal(DEVICES - byA);
    expect(new Set(afterTakeover.map((s) => s.by))).to.deep.equal(new Set(['b']));
    for (const d of await listDevices(harness.client, NS)) {
      expect(d.status?.reported?.firmwareVersion, d.metadata.name).to.equal('2.0');
    }
  });
});
