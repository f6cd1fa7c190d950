// A leader change in the middle of an update, on each real broker: the standby takes over the lease and the
// installation's MQTT session (one fixed client id), receives the events the proxy published during the
// failover, and finishes the update.
import { expect } from 'chai';
import type { Operator } from '../../src/operator/index.js';
import { eventually } from '../support/async.js';
import { BROKERS } from '../support/brokers.js';
import { useRuntimeCluster } from '../support/cluster.js';
import {
  createObjects,
  getDevice,
  immediatePlan,
  startMqttOperator,
  untilUpdated,
  useMqttFleet,
} from './support/fleet.js';

const LEADER_ELECTION = { leaseDurationMs: 1_500, renewDeadlineMs: 1_000, retryPeriodMs: 100 };

for (const { name: brokerName, start } of BROKERS) {
  describe(`a leader change over MQTT on ${brokerName}`, function () {
    this.timeout(120_000);
    const cluster = useRuntimeCluster();
    const namespace = `e2e-leader-${brokerName}`;
    const operatorOptions = {
      clientId: `tdo-e2e-leader-${brokerName}`,
      flags: ['--leader-elect', '--lease-namespace', namespace, '--progress-interval', '0'],
      leaderElection: LEADER_ELECTION,
    };
    const fleet = useMqttFleet(cluster, start, {
      namespace,
      devices: 2,
      // Long enough that the leader stops in the middle, short enough for a test.
      simulator: { downloadSeconds: 2, installSeconds: 2 },
      operator: { ...operatorOptions, identity: 'a' },
    });
    let standby: Operator | undefined;
    after(async () => standby?.stop());

    it('should let the new leader finish the update, with no event lost', async () => {
      standby = await startMqttOperator(fleet.client, fleet.broker, { ...operatorOptions, identity: 'b' });
      expect(fleet.operator.manager.isLeader()).to.equal(true);
      expect(standby.manager.isLeader()).to.equal(false);

      await createObjects(fleet.client, [immediatePlan(namespace, 'failover', ['phone-001', 'phone-002'])]);
      await eventually(
        async () =>
          (await getDevice(fleet.client, namespace, 'phone-001')).status?.update?.state === 'Downloading',
        'phone-001 is downloading',
        30_000,
      );
      await fleet.operator.stop();
      await eventually(() => standby?.manager.isLeader() ?? false, 'the standby leads', 30_000);
      await untilUpdated(fleet.client, namespace, ['phone-001', 'phone-002']);
      for (const name of ['phone-001', 'phone-002']) {
        const d = await getDevice(fleet.client, namespace, name);
        expect(
          d.status?.history?.filter((h) => h.result === 'Succeeded'),
          name,
        ).to.have.length(1);
        expect(d.status?.update?.attempt ?? 1, `${name} was not retried`).to.equal(1);
      }
    });
  });
}
