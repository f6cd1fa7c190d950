// Objects the operator cannot read, stored as an older or looser CRD let them be: a FirmwareRelease without
// a spec, devices with garbage in their status. The rest of the fleet must carry on, the unreadable object
// is reported on itself, and garbage in a status is rewritten by the next reconcile.
import { expect } from 'chai';
import type { KubeObject } from '../../src/k8s/object.js';
import { resourcePath } from '../../src/k8s/resource.js';
import { useLocalCluster } from '../support/cluster.js';
import { DEVICES, getDevice, RELEASES } from './fixtures.js';
import { OperatorHarness } from './harness.js';
import { createAll, device, release } from './objects.js';
import { createPermissiveCrds } from './permissive-crds.js';

const START = new Date('2026-12-05T00:00:00Z');
const NS = 'hostile';
const FLEET = 12;

type EventObject = KubeObject & {
  reason?: string;
  message?: string;
  type?: string;
  involvedObject?: { name?: string };
};

describe('operator: objects that do not match their schema', function () {
  this.timeout(120_000);
  const fx = useLocalCluster({ bookmarkIntervalMs: 5 });
  let harness: OperatorHarness;

  before(async () => {
    harness = new OperatorHarness({ kubeConfig: () => fx.kubeConfig(), start: START });
    await createPermissiveCrds(harness.client);
    await createAll(harness.client, [
      release('1.0', { releaseDate: '2026-06-01T00:00:00Z' }),
      release('2.0', { releaseDate: '2026-11-01T00:00:00Z' }),
    ]);
    await harness.client.create(resourcePath(RELEASES), {
      apiVersion: 'teamsdevices.io/v1alpha1',
      kind: 'FirmwareRelease',
      metadata: { name: 'left-from-an-older-crd' },
    });
    const fleet = Array.from({ length: FLEET }, (_, i) => device(NS, `phone-${i}`, { phase: 'Test' }));
    const garbage = ['garbled-1', 'garbled-2'].map((name) => ({
      ...device(NS, name, { phase: 'Test' }),
      status: { conditions: 'nope', reported: 42, availableUpdates: { a: 1 }, updates: [null] },
    }));
    await createAll(harness.client, [...fleet, ...garbage], NS);
    // The status subresource is where garbage lands: written there as a careless client would.
    for (const obj of garbage) {
      const path = resourcePath(DEVICES, {
        namespace: NS,
        name: obj.metadata?.name ?? '',
        subresource: 'status',
      });
      await harness.client.mergePatch(path, { status: obj.status });
    }
    await harness.start();
    await harness.settle();
  });

  after(async () => {
    await harness?.stopAll();
  });

  it('should reconcile every other device while a FirmwareRelease has no spec', async () => {
    for (let i = 0; i < FLEET; i++) {
      const status = (await getDevice(harness.client, NS, `phone-${i}`)).status;
      expect(status?.reported?.firmwareVersion, `phone-${i}`).to.equal('1.0');
      expect(
        status?.availableUpdates?.map((u) => u.newVersion),
        `phone-${i}`,
      ).to.deep.equal(['2.0']);
    }
  });

  it('should report the release without a spec with a Warning Event and Ready=False naming the field', async () => {
    const events = await harness.client.list<EventObject>('/api/v1/events');
    const found = events.items.filter((e) => e.involvedObject?.name === 'left-from-an-older-crd');
    expect(found.map((e) => [e.type, e.reason, e.message])).to.deep.include([
      'Warning',
      'InvalidObject',
      'spec: is missing',
    ]);
    const live = await harness.client.get<
      KubeObject & { status?: { conditions?: Record<string, unknown>[] } }
    >(resourcePath(RELEASES, { name: 'left-from-an-older-crd' }));
    const ready = live.status?.conditions?.find((c) => c.type === 'Ready');
    expect(ready).to.include({ status: 'False', reason: 'InvalidSpec', message: 'spec: is missing' });
  });

  it('should rewrite garbage in a device status on the next reconcile', async () => {
    for (const name of ['garbled-1', 'garbled-2']) {
      const status = (await getDevice(harness.client, NS, name)).status as Record<string, unknown>;
      expect(status.conditions, name).to.be.an('array');
      expect((status.reported as { firmwareVersion?: string }).firmwareVersion, name).to.equal('1.0');
      expect(status.availableUpdates, name).to.be.an('array');
      expect(status.updates, name).to.satisfy((u: unknown) => u === undefined || Array.isArray(u));
    }
  });

  it('should take the release into account once its spec is fixed', async () => {
    const fixed = release('3.0', { releaseDate: '2026-11-15T00:00:00Z' });
    await harness.client.mergePatch(resourcePath(RELEASES, { name: 'left-from-an-older-crd' }), {
      spec: fixed.spec,
    });
    await harness.settle();
    const status = (await getDevice(harness.client, NS, 'phone-0')).status;
    expect(status?.availableUpdates?.map((u) => u.newVersion)).to.include('3.0');
  });
});
