// Two replicas on the MQTT transport with leader election, on both brokers: only the leader connects; when
// it stops, the standby connects under the same client id, takes over the persistent session and receives
// the QoS 1 event a proxy published while no operator was connected.

import { expect } from 'chai';
import mqtt from 'mqtt';
import { parseConfig } from '../../src/config/config.js';
import { KubeClient } from '../../src/k8s/client.js';
import { type Operator, startOperator } from '../../src/operator/index.js';
import { RealClock } from '../../src/runtime/clock.js';
import type { MqttTransport } from '../../src/transport/mqtt/transport.js';
import { type CommandEvent, encodeMessage, eventsTopic } from '../../src/transport/protocol.js';
import { eventually, silentLogger } from '../support/async.js';
import { BROKERS, type TestBroker } from '../support/brokers.js';
import { useLocalCluster } from '../support/cluster.js';

const NS = 'mqtt-ha';
const CLIENT_ID = 'tdo-ha-test';
// Real-time leader election, short so the test does not wait long for the takeover.
const LEADER_ELECTION = { leaseDurationMs: 1_500, renewDeadlineMs: 1_000, retryPeriodMs: 100 };
const EVENT: CommandEvent = {
  commandId: 'cmd-in-between',
  state: 'succeeded',
  ts: '2026-12-05T17:00:00.000Z',
};

describe('operator: two replicas on the MQTT transport', function () {
  this.timeout(120_000);
  const fx = useLocalCluster({ crds: 'api' });

  for (const { name, start } of BROKERS) {
    describe(`on ${name}`, () => {
      let broker: TestBroker;
      const operators: Operator[] = [];

      const operator = async (identity: string): Promise<{ op: Operator; transport: MqttTransport }> => {
        const config = parseConfig(
          [
            '--mqtt-url',
            broker.url,
            '--mqtt-client-id',
            CLIENT_ID,
            '--leader-elect',
            '--lease-namespace',
            NS,
            '--lease-name',
            `tdo-${name}`,
            '--metrics-port',
            '0',
            '--health-port',
            '0',
          ],
          {},
        );
        const op = await startOperator({
          config,
          client: new KubeClient(fx.kubeConfig()),
          clock: new RealClock(),
          logger: silentLogger(),
          identity,
          host: '127.0.0.1',
          leaderElection: LEADER_ELECTION,
          controllers: [],
        });
        operators.push(op);
        return { op, transport: op.transport as unknown as MqttTransport };
      };

      before(async () => {
        if (name === BROKERS[0]?.name) await fx.createNamespace(NS);
      });

      beforeEach(async () => {
        broker = await start();
      });

      afterEach(async () => {
        for (const op of operators.splice(0).reverse()) await op.stop();
        await broker.stop();
      });

      it('should connect only the leader, and let the standby take over its session and its queued events', async () => {
        const a = await operator('a');
        const b = await operator('b');
        expect(a.op.manager.isLeader()).to.equal(true);
        expect(b.op.manager.isLeader()).to.equal(false);
        await eventually(() => a.transport.connected, 'the leader connected');
        const heardByB: CommandEvent[] = [];
        b.transport.onEvent((_, event) => heardByB.push(event));
        // The standby stays away: had it connected under the same id, the broker would have thrown the
        // leader out and the leader would have reconnected.
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(b.transport.connected).to.equal(false);
        expect(a.transport.reconnects).to.equal(0);

        await a.op.stop();
        const proxy = await mqtt.connectAsync(broker.url, { protocolVersion: 4, clientId: 'bare-proxy' });
        try {
          await proxy.publishAsync(eventsTopic('room-1'), encodeMessage(EVENT), { qos: 1 });
        } finally {
          await proxy.endAsync();
        }

        await eventually(
          () => b.op.manager.isLeader() && b.transport.connected,
          'the standby took over',
          20_000,
        );
        await eventually(() => heardByB.length === 1, 'the event published in between arrived', 10_000);
        expect(heardByB).to.deep.equal([EVENT]);
      });
    });
  }
});
