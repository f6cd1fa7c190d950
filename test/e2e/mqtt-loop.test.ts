// The whole MQTT path, on each real broker: operator ↔ broker ↔ proxy process ↔ simulated devices, with the
// artifact fetched and checked by the proxy. What a user sees is TeamsDevice status.
import { expect } from 'chai';
import mqtt from 'mqtt';
import { eventually } from '../support/async.js';
import { BROKERS } from '../support/brokers.js';
import { useRuntimeCluster } from '../support/cluster.js';
import {
  condition,
  createObjects,
  FROM,
  getDevice,
  immediatePlan,
  TO,
  untilUpdated,
  useMqttFleet,
} from './support/fleet.js';

for (const { name: brokerName, start } of BROKERS) {
  describe(`devices over MQTT end to end on ${brokerName}`, function () {
    this.timeout(120_000);
    const cluster = useRuntimeCluster();
    const namespace = `e2e-${brokerName}`;
    const fleet = useMqttFleet(cluster, start, {
      namespace,
      devices: 6,
      simulator: { downloadSeconds: 1, installSeconds: 1 },
      proxyArgs: ['--mqtt-keepalive', '1'],
    });

    it('should show every device online with the versions its proxy reports', async () => {
      await eventually(
        async () => {
          const d = await getDevice(fleet.client, namespace, 'phone-001');
          return d.status?.reported?.firmwareVersion === FROM && condition(d, 'Online')?.status === 'True';
        },
        'phone-001 is online on FROM',
        30_000,
      );
    });

    it('should complete an immediate UpdatePlan and show the version the device reported', async () => {
      await createObjects(fleet.client, [immediatePlan(namespace, 'now-1', ['phone-001'])]);
      await untilUpdated(fleet.client, namespace, ['phone-001']);
      const d = await getDevice(fleet.client, namespace, 'phone-001');
      expect(d.status?.history?.at(-1)).to.include({ from: FROM, to: TO, result: 'Succeeded' });
      expect(fleet.artifacts.requests()).to.be.greaterThan(0);
    });

    it('should finish an update through a broker restart in the middle of it, with no status lost', async () => {
      await createObjects(fleet.client, [immediatePlan(namespace, 'restart-1', ['phone-002'])]);
      await eventually(
        async () => (await getDevice(fleet.client, namespace, 'phone-002')).status?.update !== undefined,
        'phone-002 has an update in flight',
        30_000,
      );
      await fleet.broker.restart();
      await untilUpdated(fleet.client, namespace, ['phone-002']);
      const d = await getDevice(fleet.client, namespace, 'phone-002');
      expect(d.status?.history?.filter((h) => h.result === 'Succeeded')).to.have.length(1);
    });

    it('should mark the devices of a killed proxy offline, naming it, and resume without resending what finished', async () => {
      const pod = [...fleet.pods.pods.keys()][0] as string;
      // Everything finished so far is on record: a spy sees whatever the operator sends from now on.
      const spy = await mqtt.connectAsync(fleet.broker.url, { protocolVersion: 4, clean: true });
      const sent: string[] = [];
      spy.on('message', (topic) => sent.push(topic.split('/')[3] ?? ''));
      await spy.subscribeAsync('tdo/v1/devices/+/commands', { qos: 1 });
      try {
        await eventually(
          async () =>
            condition(await getDevice(fleet.client, namespace, 'phone-003'), 'Online')?.status === 'True',
          'phone-003 is online',
          30_000,
        );
        await fleet.pods.kill(pod);
        await eventually(
          async () => {
            const d = await getDevice(fleet.client, namespace, 'phone-003');
            const online = condition(d, 'Online');
            return online?.status === 'False' && (online.message ?? '').includes(pod);
          },
          'phone-003 is offline, naming its proxy',
          60_000,
        );
        await createObjects(fleet.client, [immediatePlan(namespace, 'after-kill', ['phone-003'])]);
        await fleet.pods.start(pod);
        await untilUpdated(fleet.client, namespace, ['phone-003']);
        expect(sent.filter((id) => id === 'phone-001' || id === 'phone-002')).to.deep.equal([]);
        const d = await getDevice(fleet.client, namespace, 'phone-001');
        expect(d.status?.reported?.firmwareVersion, 'the simulated device kept its version').to.equal(TO);
      } finally {
        await spy.endAsync();
      }
    });
  });
}

for (const { name: brokerName, start } of BROKERS) {
  describe(`a release whose artifact does not match, over MQTT on ${brokerName}`, function () {
    this.timeout(120_000);
    const cluster = useRuntimeCluster();
    const namespace = `e2e-sha-${brokerName}`;
    const fleet = useMqttFleet(cluster, start, {
      namespace,
      devices: 1,
      sha256: 'b'.repeat(64),
      maxAttempts: 1,
    });

    it('should fail the update with a message about the sha256 and keep the running version', async () => {
      await createObjects(fleet.client, [immediatePlan(namespace, 'bad-sha', ['phone-001'])]);
      await eventually(
        async () => {
          const d = await getDevice(fleet.client, namespace, 'phone-001');
          return d.status?.history?.some((h) => h.result === 'Failed') ?? false;
        },
        'the update failed',
        60_000,
      );
      const d = await getDevice(fleet.client, namespace, 'phone-001');
      let messages = '';
      await eventually(
        async () => {
          const events = await fleet.client.list(`/api/v1/namespaces/${namespace}/events`);
          const items = events.items as unknown as Array<{
            reason?: string;
            message?: string;
            involvedObject?: { name?: string };
          }>;
          messages = items
            .filter((e) => e.involvedObject?.name === 'phone-001' && e.reason === 'UpdateFailed')
            .map((e) => e.message)
            .join('\n');
          return messages !== '';
        },
        'an UpdateFailed Event is recorded',
        30_000,
      );
      expect(messages).to.match(/sha256 mismatch/);
      expect(d.status?.reported?.firmwareVersion).to.equal(FROM);
    });
  });
}
