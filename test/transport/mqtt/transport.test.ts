// MqttTransport on the two real brokers: what a proxy sees of its commands, what the operator hears of the
// proxy's states and events, what a malformed payload does, and what survives the broker going away. The
// proxy is faked by a plain mqtt.js client speaking the protocol of src/transport/protocol.ts.

import { expect } from 'chai';
import mqtt, { type MqttClient } from 'mqtt';
import { FakeClock } from '../../../src/runtime/clock.js';
import { MqttTransport } from '../../../src/transport/mqtt/transport.js';
import {
  type CommandEvent,
  commandsTopic,
  type DeviceStateMessage,
  encodeMessage,
  eventsTopic,
  parseCommand,
  stateTopic,
} from '../../../src/transport/protocol.js';
import { capturingLogger, eventually } from '../../support/async.js';
import { BROKERS, type TestBroker } from '../../support/brokers.js';
import { START, updateCommand } from '../support.js';

const DEVICE = 'mp56-lobby';

const STATE: DeviceStateMessage = {
  online: true,
  manufacturer: 'Yealink',
  model: 'MP56',
  firmwareVersion: '122.15.0.36',
  teamsAppVersion: '1449/1.0.94.2023071702',
  autoUpdateSupported: true,
  ts: START,
};

const ACCEPTED: CommandEvent = { commandId: 'cmd-1', state: 'accepted', ts: START };

/** Backoff that the fake clock controls: reconnection happens only when a test advances it. */
const BACKOFF = { initialMs: 1_000, maxMs: 1_000 };

for (const { name, start } of BROKERS) {
  describe(`MqttTransport on ${name}`, function () {
    this.timeout(15_000);
    let broker: TestBroker;
    let clock: FakeClock;
    let log: ReturnType<typeof capturingLogger>;
    const open: Array<{ end(): Promise<unknown> }> = [];

    const transport = (clientId = 'tdo-operator-test'): MqttTransport => {
      const t = new MqttTransport({
        url: broker.url,
        clientId,
        clock,
        logger: log.logger,
        backoff: BACKOFF,
        random: () => 1,
      });
      open.push({ end: () => t.stop() });
      return t;
    };

    /** A fake proxy: a plain mqtt.js client, connected. */
    const proxy = async (): Promise<MqttClient> => {
      const client = await mqtt.connectAsync(broker.url, {
        protocolVersion: 4,
        clientId: `fake-proxy-${open.length}`,
        reconnectPeriod: 0,
      });
      open.push({ end: () => client.endAsync(true) });
      return client;
    };

    beforeEach(async () => {
      broker = await start();
      clock = new FakeClock(START);
      log = capturingLogger('warn');
    });

    afterEach(async () => {
      for (const client of open.splice(0).reverse()) await client.end();
      await broker.stop();
    });

    it('should publish a command at QoS 1 on the device commands topic, as the protocol encodes it', async () => {
      const fake = await proxy();
      const received: Array<{ topic: string; payload: string; qos: number }> = [];
      fake.on('message', (topic, payload, packet) =>
        received.push({ topic, payload: payload.toString(), qos: packet.qos }),
      );
      await fake.subscribeAsync(commandsTopic(DEVICE), { qos: 1 });
      const t = transport();
      await t.start();

      const command = updateCommand();
      await t.send(DEVICE, command);

      await eventually(() => received.length === 1, 'the proxy got the command');
      expect(received[0]?.topic).to.equal(`tdo/v1/devices/${DEVICE}/commands`);
      expect(received[0]?.qos).to.equal(1);
      expect(parseCommand(received[0]?.payload ?? '')).to.deep.equal({ ok: true, value: command });
      expect(t.stats.sent).to.equal(1);
    });

    it('should hear a retained state published before it started and an event published after, parsed', async () => {
      const fake = await proxy();
      await fake.publishAsync(stateTopic(DEVICE), encodeMessage(STATE), { qos: 1, retain: true });
      const t = transport();
      const states: Array<[string, DeviceStateMessage]> = [];
      const events: Array<[string, CommandEvent]> = [];
      t.onState((id, state) => states.push([id, state]));
      t.onEvent((id, event) => events.push([id, event]));
      await t.start();

      await eventually(() => states.length === 1, 'the retained state arrived');
      expect(states).to.deep.equal([[DEVICE, STATE]]);
      expect(t.state(DEVICE)).to.deep.equal(STATE);

      const progress: CommandEvent = { ...ACCEPTED, state: 'downloading', progress: 40, message: '' };
      await fake.publishAsync(eventsTopic(DEVICE), encodeMessage(progress), { qos: 1 });
      await eventually(() => events.length === 1, 'the event arrived');
      expect(events).to.deep.equal([[DEVICE, progress]]);
      expect(t.stats).to.deep.equal({ malformed: 0, sent: 0, received: 2 });

      const late: Array<[string, DeviceStateMessage]> = [];
      t.onState((id, state) => late.push([id, state]));
      await eventually(() => late.length === 1, 'a handler added late heard the current state');
      expect(late).to.deep.equal([[DEVICE, STATE]]);
    });

    it('should count and log a malformed state or event and change nothing', async () => {
      const fake = await proxy();
      const t = transport();
      const states: DeviceStateMessage[] = [];
      const events: CommandEvent[] = [];
      t.onState((_, state) => states.push(state));
      t.onEvent((_, event) => events.push(event));
      await t.start();
      await fake.publishAsync(stateTopic(DEVICE), encodeMessage(STATE), { qos: 1, retain: true });
      await eventually(() => states.length === 1, 'the valid state arrived');

      await fake.publishAsync(stateTopic(DEVICE), '{"online":"yes"', { qos: 1, retain: true });
      await fake.publishAsync(eventsTopic(DEVICE), JSON.stringify({ ...ACCEPTED, state: 'exploded' }), {
        qos: 1,
      });
      // A topic level the protocol does not allow as a device id (surrounding whitespace).
      await fake.publishAsync('tdo/v1/devices/ mp56/events', encodeMessage(ACCEPTED), { qos: 1 });
      // Another device's state on this device's topic.
      const foreign = encodeMessage({ ...STATE, deviceId: 'another-device', firmwareVersion: '0.0.1' });
      await fake.publishAsync(stateTopic(DEVICE), foreign, { qos: 1, retain: true });
      await eventually(() => t.stats.malformed === 4, 'the malformed payloads were counted');

      expect(states).to.have.length(1);
      expect(events).to.deep.equal([]);
      expect(t.state(DEVICE)).to.deep.equal(STATE);
      expect(t.stats.received).to.equal(1);
      expect(t.malformedByReason.entries().filter(([, n]) => n > 0)).to.deep.equal([
        ['topic', 1],
        ['not_json', 1],
        ['schema', 1],
        ['device_mismatch', 1],
      ]);
      const dropped = log.lines.filter((line) => line.msg === 'malformed message dropped');
      expect(dropped.map((line) => line.topic)).to.deep.equal([
        stateTopic(DEVICE),
        eventsTopic(DEVICE),
        'tdo/v1/devices/ mp56/events',
        stateTopic(DEVICE),
      ]);
      expect(String(dropped[1]?.error)).to.match(/^state: must be one of/);
    });

    it('should reconnect after the broker restarts and receive a QoS 1 event published while it was away', async () => {
      const t = transport();
      const events: CommandEvent[] = [];
      t.onEvent((_, event) => events.push(event));
      await t.start();

      await broker.restart();
      // The transport noticed: it is disconnected and waits for the (fake) clock to reconnect.
      await eventually(() => !t.connected && clock.pendingTimers() === 1, 'the transport saw the broker go');
      const fake = await proxy();
      await fake.publishAsync(eventsTopic(DEVICE), encodeMessage(ACCEPTED), { qos: 1 });
      expect(events).to.deep.equal([]);

      await clock.advance(BACKOFF.maxMs);
      await eventually(() => events.length === 1, 'the queued event arrived after reconnecting');
      expect(events).to.deep.equal([ACCEPTED]);
      expect(t.connected).to.equal(true);
    });

    it('should deliver a command sent while the broker was away once it reconnects, and only then resolve', async () => {
      const t = transport();
      await t.start();
      await broker.restart();
      await eventually(() => !t.connected && clock.pendingTimers() === 1, 'the transport saw the broker go');
      const fake = await proxy();
      const received: string[] = [];
      fake.on('message', (_topic, payload) => received.push(payload.toString()));
      await fake.subscribeAsync(commandsTopic(DEVICE), { qos: 1 });

      let resolved = false;
      const sent = t.send(DEVICE, updateCommand()).then(() => {
        resolved = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(resolved, 'send() resolved without a broker').to.equal(false);

      await clock.advance(BACKOFF.maxMs);
      await sent;
      await eventually(() => received.length === 1, 'the proxy got the command');
      expect(parseCommand(received[0] ?? '')).to.deep.equal({ ok: true, value: updateCommand() });
    });

    it('should receive, under the same client id, a QoS 1 event published while it was stopped', async () => {
      const first = transport('tdo-operator-fixed');
      await first.start();
      await first.stop();
      const fake = await proxy();
      await fake.publishAsync(eventsTopic(DEVICE), encodeMessage(ACCEPTED), { qos: 1 });

      const next = transport('tdo-operator-fixed');
      const events: CommandEvent[] = [];
      next.onEvent((_, event) => events.push(event));
      await next.start();
      await eventually(() => events.length === 1, 'the queued event arrived');
      expect(events).to.deep.equal([ACCEPTED]);
    });
  });
}
