// Proxy presence through the MQTT transport on both brokers: the retained presence of a proxy that connected
// before the operator, the last will the broker publishes for a proxy that dies without saying goodbye, and
// a presence cleared for good (an empty retained message).

import { expect } from 'chai';
import type { MqttClient } from 'mqtt';
import { RealClock } from '../../../src/runtime/clock.js';
import { MqttTransport } from '../../../src/transport/mqtt/transport.js';
import { encodeMessage, type ProxyPresence, presenceTopic } from '../../../src/transport/protocol.js';
import type { ProxyName } from '../../../src/transport/types.js';
import { eventually } from '../../support/async.js';
import { BROKERS, type TestBroker } from '../../support/brokers.js';
import { START } from '../support.js';
import { bareClient } from './support.js';

const PROXY: ProxyName = { namespace: 'rooms', pool: 'yealink', pod: 'yealink-proxy-7d9f-x2' };
const ONLINE: ProxyPresence = { online: true, devices: 120, driver: 'simulator', ts: START };
const OFFLINE: ProxyPresence = { online: false, devices: 0, ts: START };

for (const { name, start } of BROKERS) {
  describe(`MqttTransport presence on ${name}`, function () {
    this.timeout(30_000);
    let broker: TestBroker;
    const open: Array<{ end(): Promise<unknown> }> = [];
    let heard: Array<[ProxyName, ProxyPresence | null]>;

    /** A proxy as the real one connects: retained presence online, last will offline. */
    const proxy = async (): Promise<MqttClient> => {
      const client = await bareClient(broker.url, 'bare-proxy-x2', open, {
        will: {
          topic: presenceTopic(PROXY),
          payload: Buffer.from(encodeMessage(OFFLINE)),
          qos: 1,
          retain: true,
        },
      });
      await client.publishAsync(presenceTopic(PROXY), encodeMessage(ONLINE), { qos: 1, retain: true });
      return client;
    };

    const operator = async (): Promise<MqttTransport> => {
      const t = new MqttTransport({ url: broker.url, clientId: 'tdo-presence-test', clock: new RealClock() });
      open.push({ end: () => t.stop() });
      t.onPresence((p, presence) => heard.push([p, presence]));
      await t.start();
      return t;
    };

    beforeEach(async () => {
      broker = await start();
      heard = [];
    });

    afterEach(async () => {
      for (const client of open.splice(0).reverse()) await client.end();
      await broker.stop();
    });

    it('should hear the retained presence of a proxy that connected before the operator', async () => {
      await proxy();
      await operator();
      await eventually(() => heard.length === 1, 'the retained presence arrived');
      expect(heard).to.deep.equal([[PROXY, ONLINE]]);
    });

    it("should hear the proxy's last will when the proxy dies without disconnecting", async () => {
      const client = await proxy();
      const t = await operator();
      await eventually(() => heard.length === 1, 'the proxy is online');
      // The socket goes away as when the pod is killed: no DISCONNECT, so the broker publishes the will.
      client.stream.destroy();
      await eventually(() => heard.length === 2, 'the last will arrived', 15_000);
      expect(heard[1]).to.deep.equal([PROXY, OFFLINE]);
      expect(t.stats.malformed).to.equal(0);
    });

    it('should hear null when the presence of a proxy is cleared, and a garbage presence as malformed only', async () => {
      const client = await proxy();
      const t = await operator();
      await eventually(() => heard.length === 1, 'the proxy is online');
      await client.publishAsync(presenceTopic(PROXY), '{"online":"maybe"}', { qos: 1, retain: true });
      await eventually(() => t.stats.malformed === 1, 'the garbage presence was counted');
      await client.publishAsync(presenceTopic(PROXY), '', { qos: 1, retain: true });
      await eventually(() => heard.length === 2, 'the cleared presence arrived');
      expect(heard[1]).to.deep.equal([PROXY, null]);
      expect(t.malformedByReason.get('schema')).to.equal(1);
    });
  });
}
