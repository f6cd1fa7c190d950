// Thousands of retained states at once: every one reaches the state handler, on mosquitto with its default
// limits too (which drops QoS 1 deliveries beyond 20 in flight and 1,000 queued per client), and a connection
// that finds no session of its own asks the proxies to publish their states again.

import { expect } from 'chai';
import { RealClock } from '../../../src/runtime/clock.js';
import { MqttTransport } from '../../../src/transport/mqtt/transport.js';
import { encodeMessage, parseResync, RESYNC_TOPIC, stateTopic } from '../../../src/transport/protocol.js';
import { eventually } from '../../support/async.js';
import { BROKERS_AS_INSTALLED, type TestBroker } from '../../support/brokers.js';
import { bareClient, deviceState } from './support.js';

const DEVICES = 2_000;
const PROXY = 'fleet/pool-a/proxy-0';

for (const { name, start } of BROKERS_AS_INSTALLED) {
  describe(`MqttTransport draining retained states on ${name} as installed`, function () {
    this.timeout(120_000);
    let broker: TestBroker;
    const open: Array<{ end(): Promise<unknown> }> = [];

    const transport = (clientId: string): MqttTransport => {
      const t = new MqttTransport({ url: broker.url, clientId, clock: new RealClock() });
      open.push({ end: () => t.stop() });
      return t;
    };

    beforeEach(async () => {
      broker = await start();
    });

    afterEach(async () => {
      for (const client of open.splice(0).reverse()) await client.end();
      await broker.stop();
    });

    it(`should hand every one of ${DEVICES} retained states to the state handler when it subscribes`, async () => {
      const proxy = await bareClient(broker.url, 'bare-proxy-0', open);
      for (let i = 0; i < DEVICES; i++) {
        const state = { ...deviceState(PROXY), firmwareVersion: `122.15.0.${i}` };
        await proxy.publishAsync(stateTopic(`room-${i}`), encodeMessage(state), { qos: 1, retain: true });
      }
      const t = transport('tdo-drain-test');
      const heard = new Map<string, string>();
      t.onState((id, state) => heard.set(id, state.firmwareVersion ?? ''));
      await t.start();
      await eventually(() => heard.size === DEVICES, `all ${DEVICES} states arrived`, 30_000);
      expect(heard.get('room-1999')).to.equal('122.15.0.1999');
      expect(t.stats.malformed).to.equal(0);
      // Subscribing again (every reconnection does) replays them all again, none lost either.
      await t.stop();
      const again = transport('tdo-drain-test');
      let replayed = 0;
      again.onState(() => replayed++);
      await again.start();
      await eventually(() => replayed === DEVICES, `all ${DEVICES} states arrived again`, 30_000);
    });

    it('should ask the proxies for their states when its session is new, and not when the broker kept it', async () => {
      const proxy = await bareClient(broker.url, 'bare-proxy-0', open);
      const requests: string[] = [];
      proxy.on('message', (topic, payload) => {
        const parsed = parseResync(payload);
        if (topic === RESYNC_TOPIC && parsed.ok) requests.push(parsed.value.requestId);
      });
      await proxy.subscribeAsync(RESYNC_TOPIC, { qos: 1 });

      const first = transport('tdo-resync-test');
      await first.start();
      await eventually(() => requests.length === 1, 'the new session asked for a resync');
      await first.stop();
      const next = transport('tdo-resync-test');
      await next.start();
      // A resync of its own would have been published before this one, and so would arrive before it.
      await next.requestResync();
      const explicit = next.lastResyncRequestId ?? 'none';
      await eventually(() => requests.includes(explicit), 'the explicit resync arrived');
      expect(requests).to.have.length(2);
      expect(requests[0]).to.match(/^tdo-resync-test-/);
      expect(requests[0]).to.not.equal(explicit);
    });
  });
}
