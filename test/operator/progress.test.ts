// What an update costs in API writes, end to end through startOperator: status Sent, the progress at most
// once per --progress-interval, the result, and one Event per finished attempt.
import { expect } from 'chai';
import type { KubeObject } from '../../src/k8s/object.js';
import { useLocalCluster } from '../support/cluster.js';
import { getDevice } from './fixtures.js';
import { OperatorHarness } from './harness.js';
import { createAll, device, plan, pool, release } from './objects.js';

const START = new Date('2026-12-01T00:00:00Z');
const HOUR = 3_600_000;

interface Event {
  reason: string;
  count?: number;
  involvedObject: { kind: string; name: string };
}

describe('operator: progress writes and Events of an update', function () {
  this.timeout(120_000);
  const fx = useLocalCluster({ crds: true, bookmarkIntervalMs: 5 });
  let harness: OperatorHarness | undefined;

  afterEach(async () => {
    await harness?.stopAll();
    harness = undefined;
  });

  /**
   * One device updated by a plan at 01:00 (10 s download, 10 s install); the TeamsDevice status writes and
   * the Events the operator sent between 00:59 and 02:00.
   */
  async function update(namespace: string, flags: string[]) {
    const h = new OperatorHarness({ kubeConfig: () => fx.kubeConfig(), start: START, flags });
    harness = h;
    await createAll(
      h.client,
      [
        ...(namespace === 'progress-default' ? [release('1.0'), release('2.0')] : []),
        pool(namespace, { downloadSeconds: 10, installSeconds: 10, failurePercent: 0 }),
        device(namespace, 'phone', { firmware: '1.0', phase: 'Final' }),
        plan(namespace, 'at-one', {
          devices: { names: ['phone'] },
          updates: [{ component: 'Firmware', version: '2.0' }],
          schedule: { at: '2026-12-01T01:00:00', timeZone: 'UTC' },
        }),
      ],
      namespace,
    );
    const operator = await h.start();
    await h.runUntil(new Date(START.getTime() + HOUR - 60_000));
    h.client.reset();
    await h.runUntil(new Date(START.getTime() + 2 * HOUR));
    const history = (await getDevice(h.client, namespace, 'phone')).status?.history ?? [];
    expect(history.map((e) => `${e.to} ${e.result} ${e.finishedAt}`)).to.deep.equal([
      '2.0 Succeeded 2026-12-01T01:00:20Z',
    ]);
    const events = await h.client.list<KubeObject & Event>(`/api/v1/namespaces/${namespace}/events`);
    return {
      operator,
      statusWrites: h.client.writes(new RegExp(`/namespaces/${namespace}/teamsdevices/phone/status$`)).length,
      deviceEvents: (events.items ?? [])
        .filter((e) => e.involvedObject.kind === 'TeamsDevice')
        .map((e) => `${e.reason} x${e.count ?? 1}`),
    };
  }

  it('should write Sent and the result only, and one Event, when the update is faster than the default interval', async () => {
    const { operator, statusWrites, deviceEvents } = await update('progress-default', []);
    expect(operator.context.progressIntervalMs).to.equal(30_000);
    expect(statusWrites).to.equal(2);
    expect(deviceEvents).to.deep.equal(['UpdateSucceeded x1']);
  });

  it('should write every progress change with --progress-interval 0', async () => {
    const { operator, statusWrites, deviceEvents } = await update('progress-every', [
      '--progress-interval',
      '0',
    ]);
    expect(operator.context.progressIntervalMs).to.equal(0);
    // Sent, Downloading 0% and 50%, Installing 0% and 50% (what the simulated device reports), the result.
    expect(statusWrites).to.equal(6);
    expect(deviceEvents).to.deep.equal(['UpdateSucceeded x1']);
  });
});
