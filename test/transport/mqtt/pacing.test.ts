// Commands paced per proxy: never more un-answered than the limit, the rest waiting in order, a lost event
// freeing its slot after the timeout. On the brokers as installed (mosquitto's default queue drops what is
// beyond 1,000 per client), a fleet's worth of commands to one proxy all arrive.

import { expect } from 'chai';
import { FakeClock, RealClock } from '../../../src/runtime/clock.js';
import { Pacer } from '../../../src/transport/mqtt/pacing.js';
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
import { BROKERS_AS_INSTALLED, type TestBroker } from '../../support/brokers.js';
import { START, updateCommand } from '../support.js';
import { bareClient, deviceState } from './support.js';

const PROXY = 'fleet/pool-a/proxy-0';

describe('Pacer', () => {
  const pacer = (limit: number, clock = new FakeClock(START)) =>
    new Pacer({ limit, ackTimeoutMs: 60_000, clock });

  it('should let the commands beyond the limit wait, and start them in order as earlier ones are answered', async () => {
    const p = pacer(2);
    const started: string[] = [];
    const sends = ['a', 'b', 'c', 'd'].map((id) => p.acquire(PROXY, id).then(() => started.push(id)));
    await Promise.resolve();
    expect(started).to.deep.equal(['a', 'b']);
    expect([p.inFlight, p.waiting]).to.deep.equal([2, 2]);
    p.answered('b');
    p.answered('b');
    await Promise.resolve();
    expect(started).to.deep.equal(['a', 'b', 'c']);
    p.answered('a');
    await Promise.all(sends);
    expect(started).to.deep.equal(['a', 'b', 'c', 'd']);
    expect([p.inFlight, p.waiting]).to.deep.equal([2, 0]);
  });

  it('should keep proxies apart: a full proxy does not hold back another', async () => {
    const p = pacer(1);
    await p.acquire(PROXY, 'a');
    let other = false;
    void p.acquire(PROXY, 'b');
    await p.acquire('fleet/pool-a/proxy-1', 'c').then(() => {
      other = true;
    });
    expect(other).to.equal(true);
    expect(p.inFlightOf(PROXY)).to.equal(1);
    expect(p.waiting).to.equal(1);
  });

  it('should let a resend of an un-answered command id through without a second slot', async () => {
    const p = pacer(1);
    await p.acquire(PROXY, 'a');
    await p.acquire(PROXY, 'a');
    expect(p.inFlightOf(PROXY)).to.equal(1);
  });

  it('should free the slot of a command whose event never comes once the timeout passes on the clock', async () => {
    const clock = new FakeClock(START);
    const p = pacer(1, clock);
    await p.acquire(PROXY, 'lost');
    let next = false;
    const waiting = p.acquire(PROXY, 'next').then(() => {
      next = true;
    });
    await clock.advance(59_999);
    expect(next).to.equal(false);
    await clock.advance(1);
    await waiting;
    expect(next).to.equal(true);
    expect(p.inFlight).to.equal(1);
  });

  it('should reject the waiting commands when closed', async () => {
    const p = pacer(1);
    await p.acquire(PROXY, 'a');
    const waiting = p.acquire(PROXY, 'b').then(
      () => 'sent',
      (err: Error) => err.message,
    );
    p.close(new Error('stopped'));
    expect(await waiting).to.equal('stopped');
    expect([p.inFlight, p.waiting]).to.deep.equal([0, 0]);
  });
});

for (const { name, start } of BROKERS_AS_INSTALLED) {
  describe(`MqttTransport pacing on ${name} as installed`, function () {
    this.timeout(120_000);
    const DEVICES = 100;
    const COMMANDS = 3_000;
    const LIMIT = 500;
    let broker: TestBroker;
    const open: Array<{ end(): Promise<unknown> }> = [];

    beforeEach(async () => {
      broker = await start();
    });

    afterEach(async () => {
      for (const client of open.splice(0).reverse()) await client.end();
      await broker.stop();
    });

    it(`should deliver ${COMMANDS} commands to one proxy, never more than ${LIMIT} of them un-answered`, async () => {
      const proxy = await bareClient(broker.url, 'bare-proxy-0', open);
      const ids = Array.from({ length: DEVICES }, (_, i) => `room-${i}`);
      for (const id of ids) {
        await proxy.publishAsync(stateTopic(id), encodeMessage(deviceState(PROXY)), { qos: 1, retain: true });
      }
      const transport = new MqttTransport({
        url: broker.url,
        clientId: 'tdo-pacing-test',
        clock: new RealClock(),
        maxInFlightPerProxy: LIMIT,
      });
      open.push({ end: () => transport.stop() });
      const known = new Set<string>();
      transport.onState((id) => known.add(id));
      await transport.start();
      await eventually(
        () => known.size === DEVICES,
        'the transport knows every device and its proxy',
        20_000,
      );

      // The proxy answers every command with `accepted`, as a proxy does before it starts the download.
      const received = new Set<string>();
      let mostUnanswered = 0;
      proxy.on('message', (topic, payload) => {
        const deviceId = parseTopic(topic)?.deviceId ?? '';
        const command = parseCommand(payload);
        if (!command.ok) throw new Error(`the proxy got a malformed command: ${command.error}`);
        received.add(command.value.commandId);
        mostUnanswered = Math.max(mostUnanswered, transport.commandsInFlightOf(PROXY));
        const accepted = { commandId: command.value.commandId, state: 'accepted' as const, ts: START };
        proxy.publish(eventsTopic(deviceId), encodeMessage(accepted), { qos: 1 });
      });
      await proxy.subscribeAsync(channelFilter('commands'), { qos: 1 });

      const started = Date.now();
      await Promise.all(
        Array.from({ length: COMMANDS }, (_, i) =>
          transport.send(ids[i % DEVICES] ?? '', updateCommand({ commandId: `cmd-${i}` })),
        ),
      );
      await eventually(() => received.size === COMMANDS, `all ${COMMANDS} commands arrived`, 60_000);
      const seconds = (Date.now() - started) / 1000;
      expect(mostUnanswered).to.be.within(1, LIMIT);
      await eventually(() => transport.commandsInFlight === 0, 'every command was answered');
      expect(transport.commandsWaiting).to.equal(0);
      expect(transport.stats.sent).to.equal(COMMANDS);
      // For the record (not asserted: the machine may be loaded).
      console.log(
        `      ${COMMANDS} commands in ${seconds.toFixed(2)} s, at most ${mostUnanswered} un-answered`,
      );
    });
  });
}
