// Two operators without leader election on one control plane and one fleet of simulated devices: every
// update is sent once, and never more than maxConcurrentUpdates are in flight, whoever sends.
import { expect } from 'chai';
import { isInFlight } from '../../src/core/device/progress.js';
import { useLocalCluster } from '../support/cluster.js';
import { listDevices } from './fixtures.js';
import { OperatorHarness } from './harness.js';
import { createAll, device, plan, policy, release } from './objects.js';

const START = new Date('2026-12-05T00:00:00Z');
const NS = 'twins';
const DEVICES = 20;
const CAP = 3;
const HOUR_MS = 3_600_000;

describe('operator: two operators without leader election', function () {
  this.timeout(120_000);
  const fx = useLocalCluster({ crds: true, bookmarkIntervalMs: 5 });
  let harness: OperatorHarness;

  before(async () => {
    harness = new OperatorHarness({ kubeConfig: () => fx.kubeConfig(), start: START });
    await createAll(harness.client, [
      release('1.0', { releaseDate: '2026-06-01T00:00:00Z' }),
      release('2.0', { releaseDate: '2026-10-01T00:00:00Z' }),
    ]);
    await createAll(
      harness.client,
      [
        policy(NS, { maxConcurrentUpdates: CAP, businessHours: { days: [], start: '08:00', end: '18:00' } }),
        // Final phase: no automatic update this month, so only the plan acts.
        ...Array.from({ length: DEVICES }, (_, i) => device(NS, `phone-${i}`, { phase: 'Final' })),
        plan(NS, 'everyone', {
          devices: { names: Array.from({ length: DEVICES }, (_, i) => `phone-${i}`) },
          updates: [{ component: 'Firmware' }],
        }),
      ],
      NS,
    );
  });

  after(async () => {
    await harness?.stopAll();
  });

  it('should send each update once and keep maxConcurrentUpdates across both operators', async () => {
    let mostInFlight = 0;
    // At the moment each command goes out: the devices already running an update, plus this one.
    const memory = harness.memory;
    const send = memory.send.bind(memory);
    memory.send = async (deviceId, command) => {
      const others = memory.deviceIds().filter((id) => id !== deviceId && memory.device(id)?.update);
      mostInFlight = Math.max(mostInFlight, others.length + 1);
      return send(deviceId, command);
    };
    await harness.start({ label: 'a' });
    await harness.start({ label: 'b' });
    const inFlightNow = async () => {
      // What the devices run and what the API says is in flight: both within the cap.
      const running = harness.memory.deviceIds().filter((id) => harness.memory.device(id)?.update).length;
      const listed = (await listDevices(harness.client, NS)).filter((d) => isInFlight(d.status?.update));
      mostInFlight = Math.max(mostInFlight, running, listed.length);
    };
    await inFlightNow();
    await harness.runUntil(new Date(START.getTime() + 6 * HOUR_MS), inFlightNow);

    const perUpdate = new Map<string, number>();
    for (const s of harness.sends) {
      const key = `${s.deviceId} ${s.component} ${s.version}`;
      perUpdate.set(key, (perUpdate.get(key) ?? 0) + 1);
    }
    expect(
      [...perUpdate.values()].filter((n) => n !== 1),
      'updates sent more than once',
    ).to.deep.equal([]);
    expect(perUpdate.size).to.equal(DEVICES);
    expect(mostInFlight).to.be.within(1, CAP);
    const devices = await listDevices(harness.client, NS);
    expect(devices.map((d) => d.status?.reported?.firmwareVersion)).to.deep.equal(
      Array.from({ length: DEVICES }, () => '2.0'),
    );
  });
});
