// Restart mid-rollout: the operator is stopped while updates are in flight and a new one starts on the same
// cluster and the same devices (MemoryTransport). Nothing finished is sent again, nothing due is lost.
import { expect } from 'chai';
import { useLocalCluster } from '../support/cluster.js';
import { listDevices } from './fixtures.js';
import { OperatorHarness } from './harness.js';
import { createAll, device, policy, release } from './objects.js';

const START = new Date('2026-12-05T00:00:00Z'); // Saturday: no business hours all weekend
const NS = 'restart';
const DEVICES = 20;
const MINUTE_MS = 60_000;

describe('operator: restart mid-rollout', function () {
  this.timeout(180_000);
  const fx = useLocalCluster({ crds: true, bookmarkIntervalMs: 5 });
  let harness: OperatorHarness;
  /** (device, version) whose update had finished when the first operator stopped. */
  let finishedBeforeRestart: Set<string>;
  let sentBeforeRestart: number;

  before(async () => {
    harness = new OperatorHarness({ kubeConfig: () => fx.kubeConfig(), start: START });
    await createAll(harness.client, [
      release('1.0', { releaseDate: '2026-06-01T00:00:00Z' }),
      release('2.0', { releaseDate: '2026-11-01T00:00:00Z' }),
    ]);
    await createAll(
      harness.client,
      [
        policy(NS, { rolloutSpreadDays: 0, maxConcurrentUpdates: 4 }),
        ...Array.from({ length: DEVICES }, (_, i) => device(NS, `phone-${String(i).padStart(2, '0')}`)),
      ],
      NS,
    );
    const first = await harness.start({ label: 'first' });
    // 4 at a time, 3 minutes each: at 7 minutes, 8 are done and 4 are downloading.
    await harness.runUntil(new Date(START.getTime() + 7 * MINUTE_MS));
    await harness.stop(first);
    finishedBeforeRestart = new Set(
      (await listDevices(harness.client, NS)).flatMap((d) =>
        (d.status?.history ?? [])
          .filter((h) => h.result === 'Succeeded')
          .map((h) => `${d.metadata.name} ${h.to}`),
      ),
    );
    sentBeforeRestart = harness.sends.length;
    await harness.start({ label: 'second' });
    await harness.runUntil(new Date(START.getTime() + 6 * 60 * MINUTE_MS));
  });

  after(async () => {
    await harness?.stopAll();
  });

  it('should have stopped with some updates finished and some in flight', () => {
    expect(finishedBeforeRestart.size).to.be.at.least(1);
    expect(finishedBeforeRestart.size).to.be.below(DEVICES);
    expect(sentBeforeRestart).to.be.greaterThan(finishedBeforeRestart.size);
  });

  it('should send no command again for an update that had finished', () => {
    const again = harness.sends
      .slice(sentBeforeRestart)
      .filter((s) => finishedBeforeRestart.has(`${s.deviceId} ${s.version}`));
    expect(again).to.deep.equal([]);
    const perDeviceVersion = new Map<string, Set<string>>();
    for (const s of harness.sends) {
      const key = `${s.deviceId} ${s.version}`;
      perDeviceVersion.set(key, (perDeviceVersion.get(key) ?? new Set()).add(s.commandId));
    }
    // No install failed, so every (device, version) needed one command id (resent at most after the restart).
    for (const [key, ids] of perDeviceVersion) expect(ids.size, key).to.equal(1);
  });

  it('should lose no update: every device finishes on the new version, once', async () => {
    const devices = await listDevices(harness.client, NS);
    expect(devices).to.have.length(DEVICES);
    for (const d of devices) {
      const succeeded = (d.status?.history ?? []).filter((h) => h.result === 'Succeeded' && h.to === '2.0');
      expect(succeeded, d.metadata.name).to.have.length(1);
      expect(d.status?.reported?.firmwareVersion, d.metadata.name).to.equal('2.0');
      expect(harness.memory.device(d.metadata.name)?.firmwareVersion).to.equal('2.0');
    }
  });
});
