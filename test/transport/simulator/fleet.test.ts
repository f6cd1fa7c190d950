// `run --transport memory`: the MemoryTransport's simulated devices follow the TeamsDevices of the cluster,
// start from their simulator annotations, and behave as their DeviceProxyPool's simulator settings say.
import { expect } from 'chai';
import { DEFAULT_SIMULATOR } from '../../../src/api/v1alpha1/defaults.js';
import { resourcePath } from '../../../src/k8s/resource.js';
import { DEVICES, POOLS } from '../../operator/fixtures.js';
import { OperatorHarness } from '../../operator/harness.js';
import { createAll, device, pool, release } from '../../operator/objects.js';
import { useLocalCluster } from '../../support/cluster.js';

const NS = 'fleet';

describe('operator: simulated devices of --transport memory', function () {
  this.timeout(60_000);
  const fx = useLocalCluster({ crds: true, bookmarkIntervalMs: 5 });
  let harness: OperatorHarness;

  before(async () => {
    harness = new OperatorHarness({ kubeConfig: () => fx.kubeConfig(), start: '2026-12-05T00:00:00Z' });
    await createAll(harness.client, [release('1.0', { releaseDate: '2026-06-01T00:00:00Z' })]);
    await createAll(
      harness.client,
      [
        device(NS, 'annotated', { firmware: '0.9-beta', phase: 'Final' }),
        device(NS, 'plain', { phase: 'Final' }),
      ],
      NS,
    );
    const plain = device(NS, 'no-annotation', { phase: 'Final' });
    (plain.metadata as { annotations?: unknown }).annotations = undefined;
    await createAll(harness.client, [plain]);
    await harness.start();
    await harness.settle();
  });

  after(async () => {
    await harness?.stopAll();
  });

  it('should create one simulated device per TeamsDevice, from its annotations or the oldest Verified release', () => {
    expect(harness.memory.deviceIds().sort()).to.deep.equal(['annotated', 'no-annotation', 'plain']);
    expect(harness.memory.device('annotated')?.firmwareVersion).to.equal('0.9-beta');
    expect(harness.memory.device('no-annotation')?.firmwareVersion).to.equal('1.0');
  });

  it("should use the pool defaults while the namespace has no pool, then the pool's simulator settings", async () => {
    const { downloadSeconds, installSeconds, failurePercent, offlinePercent } = DEFAULT_SIMULATOR;
    expect(harness.memory.device('plain')?.behaviour).to.deep.equal({
      downloadSeconds,
      installSeconds,
      failurePercent,
      offlinePercent,
    });
    await createAll(harness.client, [
      pool(NS, { downloadSeconds: 5, installSeconds: 7, failurePercent: 25 }),
    ]);
    await harness.settle();
    expect(harness.memory.device('plain')?.behaviour).to.deep.equal({
      downloadSeconds: 5,
      installSeconds: 7,
      failurePercent: 25,
      offlinePercent: 0,
    });
    await harness.client.mergePatch(resourcePath(POOLS, { namespace: NS, name: 'default' }), {
      spec: { simulator: { failurePercent: 0 } },
    });
    await harness.settle();
    expect(harness.memory.device('annotated')?.behaviour.failurePercent).to.equal(0);
  });

  it("should disconnect the pool's devices at offlinePercent 100 and connect them again at 0", async () => {
    const setOffline = async (offlinePercent: number) => {
      await harness.client.mergePatch(resourcePath(POOLS, { namespace: NS, name: 'default' }), {
        spec: { simulator: { offlinePercent } },
      });
      await harness.settle();
    };
    await setOffline(100);
    expect(harness.memory.deviceIds().map((id) => harness.memory.device(id)?.online)).to.deep.equal([
      false,
      false,
      false,
    ]);
    await setOffline(0);
    expect(harness.memory.deviceIds().map((id) => harness.memory.device(id)?.online)).to.deep.equal([
      true,
      true,
      true,
    ]);
  });

  it('should add and remove simulated devices as TeamsDevices come and go', async () => {
    await createAll(harness.client, [device(NS, 'newcomer', { firmware: '1.0', phase: 'Final' })]);
    await harness.settle();
    expect(harness.memory.device('newcomer')?.firmwareVersion).to.equal('1.0');
    expect(harness.memory.device('newcomer')?.behaviour.downloadSeconds).to.equal(5);
    await harness.client.delete(resourcePath(DEVICES, { namespace: NS, name: 'newcomer' }));
    await harness.settle();
    expect(harness.memory.device('newcomer')).to.equal(undefined);
  });
});
