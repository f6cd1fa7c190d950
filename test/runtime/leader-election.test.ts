import { expect } from 'chai';
import { LEASES, resourcePath } from '../../src/k8s/resource.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { LeaderElector, type Lease } from '../../src/runtime/leader-election.js';
import { silentLogger } from '../support/async.js';
import { useRuntimeCluster } from '../support/cluster.js';

const MICRO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

describe('LeaderElector against the embedded control plane', () => {
  const fx = useRuntimeCluster();
  let electors: LeaderElector[] = [];

  const candidate = (identity: string, lease: string, clock: FakeClock) => {
    const events: string[] = [];
    const elector = new LeaderElector({
      client: fx.client(),
      namespace: 'leases',
      name: lease,
      identity,
      clock,
      logger: silentLogger(),
      onStartedLeading: () => events.push('started'),
      onStoppedLeading: (why) => events.push(`stopped ${why}`),
    });
    electors.push(elector);
    return { elector, events };
  };
  const readLease = (name: string) =>
    fx.client().get<Lease>(resourcePath(LEASES, { namespace: 'leases', name }));

  before(async () => {
    await fx.createNamespace('leases');
  });

  afterEach(async () => {
    for (const e of electors) await e.stop();
    electors = [];
  });

  it('should let exactly one of two candidates lead while the leader keeps renewing', async () => {
    const clock = new FakeClock('2026-12-01T00:00:00Z');
    const a = candidate('a', 'one-leader', clock);
    const b = candidate('b', 'one-leader', clock);
    await a.elector.start();
    await b.elector.start();
    expect([a.elector.isLeader(), b.elector.isLeader()]).to.deep.equal([true, false]);
    expect(b.elector.leader()).to.equal('a');

    await clock.advance(60_000);
    expect([a.elector.isLeader(), b.elector.isLeader()]).to.deep.equal([true, false]);
    expect(a.events).to.deep.equal(['started']);
    expect(b.events).to.deep.equal([]);
    const lease = await readLease('one-leader');
    expect(lease.spec).to.include({ holderIdentity: 'a', leaseDurationSeconds: 15, leaseTransitions: 0 });
    expect(lease.spec?.acquireTime).to.equal('2026-12-01T00:00:00.000000Z');
    expect(lease.spec?.renewTime).to.match(MICRO_TIME);
    expect(lease.spec?.renewTime).to.equal('2026-12-01T00:01:00.000000Z');
  });

  it('should let a standby take over within leaseDuration + retryPeriod after the leader stops renewing', async () => {
    // Each candidate has its own clock: the leader's never moves again, as if its process had died.
    const clockA = new FakeClock('2026-12-01T00:00:00Z');
    const clockB = new FakeClock('2026-12-01T00:00:00Z');
    const a = candidate('a', 'takeover', clockA);
    const b = candidate('b', 'takeover', clockB);
    await a.elector.start();
    await b.elector.start();

    await clockB.advance(15_000);
    expect(b.elector.isLeader()).to.equal(false);
    await clockB.advance(2_000);
    expect(b.elector.isLeader()).to.equal(true);
    expect(clockB.now().getTime() - new Date('2026-12-01T00:00:00Z').getTime()).to.be.at.most(30_000);
    const lease = await readLease('takeover');
    expect(lease.spec).to.include({ holderIdentity: 'b', leaseTransitions: 1 });

    // The old leader, should it wake up, finds another holder and steps down.
    await clockA.advance(2_000);
    expect(a.elector.isLeader()).to.equal(false);
    expect(a.events).to.deep.equal(['started', 'stopped lost']);
    expect(b.events).to.deep.equal(['started']);
  });

  it('should release the lease on stop so that a standby takes over at its next retry', async () => {
    const clock = new FakeClock('2026-12-01T00:00:00Z');
    const a = candidate('a', 'release', clock);
    const b = candidate('b', 'release', clock);
    await a.elector.start();
    await b.elector.start();
    await clock.advance(4_000);

    await a.elector.stop();
    expect(a.events).to.deep.equal(['started', 'stopped released']);
    const released = await readLease('release');
    expect(released.spec?.holderIdentity ?? '').to.equal('');

    await clock.advance(2_000);
    expect(b.elector.isLeader()).to.equal(true);
    expect((await readLease('release')).spec?.holderIdentity).to.equal('b');
  });

  it('should step down when it cannot renew before the renew deadline', async function () {
    this.timeout(20_000);
    const clock = new FakeClock('2026-12-01T00:00:00Z');
    const a = candidate('a', 'deadline', clock);
    await a.elector.start();
    expect(a.elector.isLeader()).to.equal(true);
    await fx.stopServer();
    try {
      await clock.advance(8_000);
      expect(a.elector.isLeader()).to.equal(true);
      await clock.advance(2_000);
      expect(a.elector.isLeader()).to.equal(false);
      expect(a.events).to.deep.equal(['started', 'stopped lost']);
    } finally {
      await fx.startServer();
    }
  });
});
