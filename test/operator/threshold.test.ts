// The failure threshold: simulated devices failing 30% of installs halt the release in their namespace once
// enough devices have finished, other namespaces carry on, and the rollout-resumed-at annotation resumes it.
import { expect } from 'chai';
import { type FirmwareRelease, RESUME_ANNOTATION } from '../../src/api/v1alpha1/index.js';
import { resourcePath } from '../../src/k8s/resource.js';
import { useLocalCluster } from '../support/cluster.js';
import { RELEASES } from './fixtures.js';
import { OperatorHarness } from './harness.js';
import { createAll, device, policy, pool, release } from './objects.js';

// A Saturday: the default business hours (Monday to Friday) leave the whole weekend open.
const START = new Date('2026-12-05T00:00:00Z');
const HOUR_MS = 3_600_000;
const FLAKY = 'flaky';
const STEADY = 'steady';
const FLAKY_DEVICES = 40;
const STEADY_DEVICES = 10;
const RELEASE = 'acme-p1-2.0';

const rolloutPolicy = (namespace: string) =>
  policy(namespace, {
    rolloutSpreadDays: 0,
    maxConcurrentUpdates: 4,
    retry: { maxAttempts: 1, backoffMinutes: 60 },
    failureThreshold: { percent: 10, minDevices: 10 },
  });

describe('operator: failure threshold', function () {
  this.timeout(180_000);
  const fx = useLocalCluster({ crds: true, bookmarkIntervalMs: 5 });
  let harness: OperatorHarness;

  const getRelease = () => harness.client.get<FirmwareRelease>(resourcePath(RELEASES, { name: RELEASE }));
  const devicesSent = (namespacePrefix: string, since = 0) =>
    new Set(
      harness.sends
        .slice(since)
        .filter((s) => s.deviceId.startsWith(namespacePrefix))
        .map((s) => s.deviceId),
    );

  before(async () => {
    harness = new OperatorHarness({ kubeConfig: () => fx.kubeConfig(), start: START });
    await createAll(harness.client, [
      release('1.0', { releaseDate: '2026-06-01T00:00:00Z' }),
      release('2.0', { releaseDate: '2026-11-01T00:00:00Z' }),
    ]);
    await createAll(
      harness.client,
      [
        rolloutPolicy(FLAKY),
        pool(FLAKY, { downloadSeconds: 60, installSeconds: 120, failurePercent: 30 }),
        ...Array.from({ length: FLAKY_DEVICES }, (_, i) =>
          device(FLAKY, `flaky-${String(i).padStart(2, '0')}`),
        ),
      ],
      FLAKY,
    );
    await createAll(
      harness.client,
      [
        rolloutPolicy(STEADY),
        pool(STEADY, { downloadSeconds: 60, installSeconds: 120, failurePercent: 0 }),
        ...Array.from({ length: STEADY_DEVICES }, (_, i) =>
          device(STEADY, `steady-${String(i).padStart(2, '0')}`),
        ),
      ],
      STEADY,
    );
    await harness.start();
    await harness.runUntil(new Date(START.getTime() + 6 * HOUR_MS));
  });

  after(async () => {
    await harness?.stopAll();
  });

  it('should halt the release in the failing namespace after at least minDevices finished', async () => {
    const halted = (await getRelease()).status?.halted ?? [];
    expect(halted.map((h) => h.namespace)).to.deep.equal([FLAKY]);
    expect(halted[0]?.reason).to.be.a('string').and.not.equal('');
    const tried = devicesSent('flaky-');
    expect(tried.size).to.be.at.least(10);
    expect(tried.size).to.be.below(FLAKY_DEVICES);
    const failed = [...tried].filter((id) => harness.memory.device(id)?.firmwareVersion !== '2.0');
    expect(failed.length, 'simulated failures').to.be.greaterThan(0);
  });

  it('should go on in another namespace', () => {
    for (let i = 0; i < STEADY_DEVICES; i++) {
      expect(harness.memory.device(`steady-${String(i).padStart(2, '0')}`)?.firmwareVersion).to.equal('2.0');
    }
  });

  it('should send nothing more for the release there while it is halted', async () => {
    const sent = harness.sends.length;
    await harness.runUntil(new Date(harness.clock.now().getTime() + 12 * HOUR_MS));
    expect(harness.sends.slice(sent)).to.deep.equal([]);
  });

  it('should resume the rollout once the release is annotated rollout-resumed-at', async () => {
    const before = devicesSent('flaky-');
    const sent = harness.sends.length;
    await harness.client.mergePatch(resourcePath(RELEASES, { name: RELEASE }), {
      metadata: { annotations: { [RESUME_ANNOTATION]: harness.clock.now().toISOString() } },
    });
    await harness.settle();
    expect(((await getRelease()).status?.halted ?? []).map((h) => h.namespace)).to.deep.equal([]);

    await harness.runUntil(new Date(harness.clock.now().getTime() + 6 * HOUR_MS));
    const fresh = [...devicesSent('flaky-', sent)].filter((id) => !before.has(id));
    expect(fresh.length, 'devices updated after the resume').to.be.at.least(1);
  });
});
