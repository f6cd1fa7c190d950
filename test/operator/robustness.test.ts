// What must never stop a controller: a write that loses an optimistic-concurrency race (409 Conflict) is
// retried, and an object the controller cannot make sense of (a policy that does not exist, a time zone that
// is not one) is reported on that object while every other object keeps being reconciled. A malformed
// device message is counted and dropped.
import { expect } from 'chai';
import { ApiError } from '../../src/k8s/errors.js';
import { useLocalCluster } from '../support/cluster.js';
import { getDevice } from './fixtures.js';
import { OperatorHarness } from './harness.js';
import { createAll, device, release } from './objects.js';

const START = new Date('2026-12-05T00:00:00Z');
const NS = 'robust';

describe('operator: conflicts and objects it cannot make sense of', function () {
  this.timeout(120_000);
  const fx = useLocalCluster({ crds: true, bookmarkIntervalMs: 5 });
  let harness: OperatorHarness;

  before(async () => {
    harness = new OperatorHarness({ kubeConfig: () => fx.kubeConfig(), start: START });
    await createAll(harness.client, [
      release('1.0', { releaseDate: '2026-06-01T00:00:00Z' }),
      release('2.0', { releaseDate: '2026-11-01T00:00:00Z' }),
    ]);
    await createAll(harness.client, [device(NS, 'first', { phase: 'Final' })], NS);
    await harness.start();
    await harness.settle();
  });

  after(async () => {
    await harness?.stopAll();
  });

  it('should retry a status write that failed with 409 Conflict until it lands', async () => {
    let conflicts = 0;
    const remove = harness.client.injectFault((method, path) => {
      if (method === 'PATCH' && path.includes('/teamsdevices/conflicted/status') && conflicts < 3) {
        conflicts++;
        throw new ApiError(409, 'Operation cannot be fulfilled: the object has been modified', {
          kind: 'Status',
          code: 409,
          reason: 'Conflict',
        });
      }
    });
    try {
      await createAll(harness.client, [device(NS, 'conflicted', { phase: 'Final' })]);
      await harness.settle();
    } finally {
      remove();
    }
    expect(conflicts).to.equal(3);
    const status = (await getDevice(harness.client, NS, 'conflicted')).status;
    expect(status?.reported?.firmwareVersion).to.equal('1.0');
    expect(status?.availableUpdates?.map((u) => u.newVersion)).to.deep.equal(['2.0']);
  });

  it('should report a device with a missing policy and an invalid zone, and keep reconciling the others', async () => {
    await createAll(harness.client, [
      device(NS, 'nonsense', { policy: 'no-such-policy', timeZone: 'Mars/Olympus_Mons' }),
    ]);
    await harness.settle();
    await createAll(harness.client, [device(NS, 'after-nonsense', { phase: 'Final' })]);
    await harness.runUntil(new Date(harness.clock.now().getTime() + 3_600_000));

    const nonsense = (await getDevice(harness.client, NS, 'nonsense')).status;
    expect(nonsense?.reported?.firmwareVersion).to.equal('1.0');
    const said = JSON.stringify([nonsense?.conditions, nonsense?.availableUpdates]);
    expect(said).to.match(/InvalidTimeZone|Mars\/Olympus_Mons/);
    expect(harness.sendsTo('nonsense')).to.deep.equal([]);

    const later = (await getDevice(harness.client, NS, 'after-nonsense')).status;
    expect(later?.reported?.firmwareVersion).to.equal('1.0');
    expect(later?.availableUpdates?.map((u) => u.newVersion)).to.deep.equal(['2.0']);
    for (const controller of harness.operators[0]?.controllers.values() ?? []) {
      expect(controller.queue.isShuttingDown(), controller.name).to.equal(false);
    }
  });

  it('should count and drop a malformed device message without stopping anything', async () => {
    const malformed = harness.memory.stats.malformed;
    const notJson = harness.memory.malformedByReason.get('not_json');
    const schema = harness.memory.malformedByReason.get('schema');
    harness.memory.publishRaw('tdo/v1/devices/first/state', '{"online": "yes", "firmwareVersion": 7');
    harness.memory.publishRaw('tdo/v1/devices/first/events', '{"commandId": 1}');
    await harness.settle();
    expect(harness.memory.stats.malformed).to.equal(malformed + 2);
    const port = harness.operators[0]?.manager.ports().metrics;
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).to.contain(`tdo_transport_messages_malformed_total{reason="not_json"} ${notJson + 1}`);
    expect(metrics).to.contain(`tdo_transport_messages_malformed_total{reason="schema"} ${schema + 1}`);
    await createAll(harness.client, [device(NS, 'after-garbage', { phase: 'Final' })]);
    await harness.settle();
    expect((await getDevice(harness.client, NS, 'after-garbage')).status?.reported?.firmwareVersion).to.equal(
      '1.0',
    );
  });
});
