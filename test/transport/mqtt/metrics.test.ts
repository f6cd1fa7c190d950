// The MQTT transport's series as Prometheus scrapes them from /metrics: connection state and reconnects,
// messages by topic kind and direction, malformed by reason, commands in flight and waiting, and the command
// round trip from publishing to the first event.

import { expect } from 'chai';
import { Registry } from 'prom-client';
import { RealClock } from '../../../src/runtime/clock.js';
import { registerTransportMetrics } from '../../../src/transport/metrics.js';
import { MqttTransport } from '../../../src/transport/mqtt/transport.js';
import {
  channelFilter,
  encodeMessage,
  eventsTopic,
  parseCommand,
  parseTopic,
  stateTopic,
} from '../../../src/transport/protocol.js';
import { eventually } from '../../support/async.js';
import { BROKERS, type TestBroker } from '../../support/brokers.js';
import { START, updateCommand } from '../support.js';
import { bareClient, deviceState } from './support.js';

/** The samples of a scrape in the text exposition format, by `name{labels}` as the text spells them. */
async function scrape(registry: Registry): Promise<Map<string, number>> {
  const samples = new Map<string, number>();
  for (const line of (await registry.metrics()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

for (const { name, start } of BROKERS) {
  describe(`MQTT transport metrics on ${name}`, function () {
    this.timeout(30_000);
    let broker: TestBroker;
    const open: Array<{ end(): Promise<unknown> }> = [];

    beforeEach(async () => {
      broker = await start();
    });

    afterEach(async () => {
      for (const client of open.splice(0).reverse()) await client.end();
      await broker.stop();
    });

    it('should show the connection, the messages, the commands in flight and the round trip as a scrape reads them', async () => {
      const proxy = await bareClient(broker.url, 'bare-proxy-0', open);
      await proxy.publishAsync(stateTopic('room-1'), encodeMessage(deviceState('rooms/pool/p0')), {
        qos: 1,
        retain: true,
      });
      const transport = new MqttTransport({
        url: broker.url,
        clientId: 'tdo-metrics-test',
        clock: new RealClock(),
        maxInFlightPerProxy: 1,
        backoff: { initialMs: 50, maxMs: 50 },
      });
      open.push({ end: () => transport.stop() });
      const registry = new Registry();
      registerTransportMetrics(registry, transport);
      expect((await scrape(registry)).get('tdo_transport_connected')).to.equal(0);
      await transport.start();
      await eventually(() => transport.state('room-1') !== undefined, 'the state arrived');

      // The proxy holds its answers until told, so the second command waits behind the first.
      const pending: Array<() => void> = [];
      proxy.on('message', (topic, payload) => {
        const command = parseCommand(payload);
        if (!command.ok) return;
        const accepted = encodeMessage({ commandId: command.value.commandId, state: 'accepted', ts: START });
        pending.push(() =>
          proxy.publish(eventsTopic(parseTopic(topic)?.deviceId ?? ''), accepted, { qos: 1 }),
        );
      });
      await proxy.subscribeAsync(channelFilter('commands'), { qos: 1 });
      await transport.send('room-1', updateCommand({ commandId: 'cmd-1' }));
      const second = transport.send('room-1', updateCommand({ commandId: 'cmd-2' }));
      await proxy.publishAsync(eventsTopic('room-1'), 'not json', { qos: 1 });
      await eventually(() => transport.stats.malformed === 1, 'the malformed event was counted');

      let samples = await scrape(registry);
      expect(samples.get('tdo_transport_connected')).to.equal(1);
      expect(samples.get('tdo_transport_commands_in_flight')).to.equal(1);
      expect(samples.get('tdo_transport_commands_waiting')).to.equal(1);
      expect(samples.get('tdo_transport_messages_malformed_total{reason="not_json"}')).to.equal(1);
      expect(samples.get('tdo_transport_command_round_trip_seconds_count')).to.equal(0);

      await eventually(() => pending.length === 1, 'the proxy got the first command');
      pending.shift()?.();
      await second;
      await eventually(() => pending.length === 1, 'the proxy got the second command');
      pending.shift()?.();
      await eventually(() => transport.commandsInFlight === 0, 'both commands were answered');

      samples = await scrape(registry);
      expect(samples.get('tdo_transport_commands_in_flight')).to.equal(0);
      expect(samples.get('tdo_transport_commands_waiting')).to.equal(0);
      expect(samples.get('tdo_transport_command_round_trip_seconds_count')).to.equal(2);
      expect(samples.get('tdo_transport_command_round_trip_seconds_bucket{le="+Inf"}')).to.equal(2);
      expect(samples.get('tdo_transport_messages_total{kind="commands",direction="out"}')).to.equal(2);
      // The new session asked for a resync when it connected.
      expect(samples.get('tdo_transport_messages_total{kind="resync",direction="out"}')).to.equal(1);
      expect(samples.get('tdo_transport_messages_total{kind="state",direction="in"}')).to.equal(1);
      expect(samples.get('tdo_transport_messages_total{kind="events",direction="in"}')).to.equal(3);
      expect(samples.get('tdo_transport_messages_total{kind="presence",direction="in"}')).to.equal(0);
      expect(samples.get('tdo_transport_reconnects_total')).to.equal(0);

      await broker.restart();
      // Each attempt counts: on a loaded machine the broker may still be starting when the first one is made.
      await eventually(
        async () => ((await scrape(registry)).get('tdo_transport_reconnects_total') ?? 0) >= 1,
        'a reconnect',
      );
      await eventually(() => transport.connected, 'the transport is connected again', 30_000);
      samples = await scrape(registry);
      expect(samples.get('tdo_transport_reconnects_total')).to.be.at.least(1);
      expect(samples.get('tdo_transport_connected')).to.equal(1);
    });
  });
}
