// 1,000 malformed or hostile payloads on the device topics, on each real broker: the operator keeps running,
// no device's status changes, and the malformed metric counts every one of them by reason.
import { expect } from 'chai';
import mqtt from 'mqtt';
import type { TeamsDevice } from '../../src/api/v1alpha1/teamsdevice.js';
import type { Operator } from '../../src/operator/index.js';
import { eventually } from '../support/async.js';
import { BROKERS } from '../support/brokers.js';
import { useRuntimeCluster } from '../support/cluster.js';
import { condition, getDevice, useMqttFleet } from './support/fleet.js';

const NAMES = ['phone-001', 'phone-002', 'phone-003'];
const TS = '2026-12-02T01:00:00Z';

/** What a user reads of a device: reported versions, online, and each condition's status and reason. */
const visible = (d: TeamsDevice) => ({
  online: d.status?.online,
  reported: d.status?.reported,
  conditions: (d.status?.conditions ?? []).map((c) => [c.type, c.status, c.reason]),
  update: d.status?.update,
});

/** The hostile payloads, cycling through every kind, `count` in all: [topic, payload, retain]. */
function hostile(count: number): Array<[string, string | Buffer, boolean]> {
  const kinds: Array<(i: number) => [string, string | Buffer, boolean]> = [
    (i) => [`tdo/v1/devices/${NAMES[i % 3]}/state`, '{"online": tru', false],
    (i) => [`tdo/v1/devices/${NAMES[i % 3]}/state`, JSON.stringify({ online: 'yes', ts: TS }), false],
    (i) => [
      `tdo/v1/devices/${NAMES[i % 3]}/events`,
      JSON.stringify({ commandId: 7, state: 'succeeded', ts: TS }),
      false,
    ],
    (i) => [
      `tdo/v1/devices/${NAMES[i % 3]}/state`,
      JSON.stringify({ online: true, firmwareVersion: 'x'.repeat(100_000), ts: TS }),
      false,
    ],
    (i) => [
      `tdo/v1/devices/${NAMES[i % 3]}/state`,
      JSON.stringify({ deviceId: 'someone-else', online: false, firmwareVersion: '0.0.1', ts: TS }),
      false,
    ],
    (i) => [`tdo/v1/devices/${NAMES[i % 3]}/events`, Buffer.from([0xff, 0xfe, 0x00, i & 0xff]), false],
    (i) => [`tdo/v1/devices/${NAMES[i % 3]}/state`, '[1,2,3]', false],
    (i) => [`tdo/v1/proxies/evil/pool/pod-${i}`, JSON.stringify({ online: 'maybe' }), false],
  ];
  const out = Array.from({ length: count - 1 }, (_, i) =>
    (kinds[i % kinds.length] as (i: number) => [string, string | Buffer, boolean])(i),
  );
  // And a retained garbage state: what a broker keeps and hands to every subscriber after.
  out.push([`tdo/v1/devices/${NAMES[0]}/state`, '{"garbage": true}', true]);
  return out;
}

async function malformedTotal(operator: Operator): Promise<number> {
  const text = await operator.context.metrics.registry.getSingleMetricAsString(
    'tdo_transport_messages_malformed_total',
  );
  return text
    .split('\n')
    .filter((line) => line.startsWith('tdo_transport_messages_malformed_total'))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

for (const { name: brokerName, start } of BROKERS) {
  describe(`hostile payloads over MQTT on ${brokerName}`, function () {
    this.timeout(120_000);
    const cluster = useRuntimeCluster();
    const namespace = `e2e-hostile-${brokerName}`;
    const fleet = useMqttFleet(cluster, start, { namespace, devices: 3 });

    it('should count 1,000 malformed payloads and change no device status', async () => {
      await eventually(
        async () => {
          for (const name of NAMES) {
            if (condition(await getDevice(fleet.client, namespace, name), 'Online')?.status !== 'True')
              return false;
          }
          return true;
        },
        'every device is online',
        30_000,
      );
      const before = await Promise.all(
        NAMES.map(async (n) => visible(await getDevice(fleet.client, namespace, n))),
      );
      const counted = await malformedTotal(fleet.operator);

      const attacker = await mqtt.connectAsync(fleet.broker.url, { protocolVersion: 4, clean: true });
      try {
        for (const [topic, payload, retain] of hostile(1000))
          await attacker.publishAsync(topic, payload, { qos: 1, retain });
      } finally {
        await attacker.endAsync();
      }

      await eventually(
        async () => (await malformedTotal(fleet.operator)) - counted >= 1000,
        'the metric counts all 1,000',
        30_000,
      );
      expect((await malformedTotal(fleet.operator)) - counted).to.equal(1000);
      const after = await Promise.all(
        NAMES.map(async (n) => visible(await getDevice(fleet.client, namespace, n))),
      );
      expect(after).to.deep.equal(before);
      expect(fleet.operator.manager.isLeader(), 'the operator still leads and runs').to.equal(true);
    });
  });
}
