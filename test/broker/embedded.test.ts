import { expect } from 'chai';
import { type EmbeddedBroker, startEmbeddedBroker } from '../../src/broker/embedded.js';
import { commandsTopic, presenceTopic, stateTopic } from '../../src/transport/protocol/topics.js';
import { capturingLogger, eventually } from '../support/async.js';
import { Clients, subscribe } from './clients.js';

const POLICY = {
  operatorUser: 'operator',
  pools: [
    { namespace: 'emea', pool: 'berlin', user: 'proxy-berlin', deviceIds: ['ber-1', 'ber-2'] },
    { namespace: 'apac', pool: 'tokyo', user: 'proxy-tokyo', deviceIds: ['tyo-1'] },
  ],
};
const USERS = { operator: 'op-secret', 'proxy-berlin': 'ber-secret', 'proxy-tokyo': 'tyo-secret' };
const state = (id: string) => JSON.stringify({ deviceId: id, online: true, ts: '2026-12-02T10:00:00Z' });

describe('the embedded broker', () => {
  const clients = new Clients();
  let broker: EmbeddedBroker | undefined;

  afterEach(async () => {
    await clients.endAll();
    await broker?.stop();
    broker = undefined;
  });

  describe('without users', () => {
    it('should listen on 127.0.0.1 on a free port and carry a QoS 1 message from one client to another', async () => {
      broker = await startEmbeddedBroker();
      expect(broker.url).to.match(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
      const sub = await clients.connect(broker.url);
      await subscribe(sub.client, 'tdo/v1/devices/+/state');
      const pub = await clients.connect(broker.url);
      const packet = await pub.client.publishAsync(stateTopic('d1'), state('d1'), { qos: 1 });
      expect(packet?.cmd).to.equal('publish');
      await eventually(() => sub.received.has(stateTopic('d1')), 'the subscriber has the message');
      expect(sub.received.get(stateTopic('d1'))).to.deep.equal([state('d1')]);
    });

    it('should keep a persistent session: QoS 1 messages sent while the client was away arrive when it comes back', async () => {
      broker = await startEmbeddedBroker();
      const options = { clientId: 'operator-session', clean: false };
      const first = await clients.connect(broker.url, options);
      await subscribe(first.client, 'tdo/v1/devices/+/events');
      await first.client.endAsync();
      const pub = await clients.connect(broker.url);
      for (const n of [1, 2, 3])
        await pub.client.publishAsync('tdo/v1/devices/d1/events', `e${n}`, { qos: 1 });
      const again = await clients.connect(broker.url, options);
      await eventually(() => again.count() === 3, 'the three queued events arrive');
      expect(again.received.get('tdo/v1/devices/d1/events')).to.deep.equal(['e1', 'e2', 'e3']);
    });

    it('should stop with its clients connected, and a second stop does nothing', async () => {
      broker = await startEmbeddedBroker();
      const c = await clients.connect(broker.url);
      const closed = new Promise<void>((resolve) => c.client.once('close', () => resolve()));
      await broker.stop();
      await closed;
      await broker.stop();
      expect(broker.connectedClients()).to.equal(0);
    });
  });

  describe('with users and the access rules of two pools', () => {
    it('should refuse a wrong password or an unknown user, and never log a password', async () => {
      const { logger, lines } = capturingLogger();
      broker = await startEmbeddedBroker({ users: USERS, access: POLICY, logger });
      const url = broker.url;
      for (const [username, password] of [
        ['operator', 'ber-secret'],
        ['nobody', 'op-secret'],
        ['operator', ''],
        ['', ''],
      ] as const) {
        const refused = await clients.connect(url, username ? { username, password } : {}).then(
          () => null,
          (err: Error) => err,
        );
        expect(refused?.message, `${username}/${password}`).to.match(/Bad username or password/);
      }
      await clients.connect(url, { username: 'operator', password: 'op-secret' });
      const text = JSON.stringify(lines);
      expect(text).to.contain('wrong user or password');
      for (const secret of Object.values(USERS)) expect(text).not.to.contain(secret);
    });

    it("should drop a proxy's publish of another pool's device state, and keep the proxy connected", async () => {
      broker = await startEmbeddedBroker({ users: USERS, access: POLICY });
      const operator = await clients.connect(broker.url, { username: 'operator', password: 'op-secret' });
      expect(await subscribe(operator.client, 'tdo/v1/devices/+/state')).to.deep.equal([1]);
      const berlin = await clients.connect(broker.url, { username: 'proxy-berlin', password: 'ber-secret' });
      await berlin.client.publishAsync(stateTopic('tyo-1'), state('tyo-1'), { qos: 1, retain: true });
      await berlin.client.publishAsync(stateTopic('ber-1'), state('ber-1'), { qos: 1, retain: true });
      await eventually(
        () => operator.received.has(stateTopic('ber-1')),
        "the proxy's own device state arrives",
      );
      expect(operator.received.has(stateTopic('tyo-1'))).to.equal(false);
      expect(berlin.client.connected).to.equal(true);
      // Nor was it retained: a new subscriber gets only the allowed state.
      const late = await clients.connect(broker.url, { username: 'operator', password: 'op-secret' });
      await subscribe(late.client, 'tdo/v1/devices/+/state');
      await eventually(() => late.received.has(stateTopic('ber-1')), 'the retained state arrives');
      expect([...late.received.keys()]).to.deep.equal([stateTopic('ber-1')]);
    });

    it("should never deliver another pool's commands to a proxy, even through a wildcard subscription", async () => {
      broker = await startEmbeddedBroker({ users: USERS, access: POLICY });
      const berlin = await clients.connect(broker.url, { username: 'proxy-berlin', password: 'ber-secret' });
      const granted = await subscribe(berlin.client, [
        commandsTopic('ber-1'),
        commandsTopic('tyo-1'),
        'tdo/v1/devices/+/commands',
        'tdo/v1/resync',
        'tdo/v1/proxies/emea/berlin/+',
        'tdo/v1/proxies/apac/tokyo/+',
      ]);
      // Granted, as mosquitto grants them: what is checked is each message against the reader's rules.
      expect(granted).to.deep.equal([1, 1, 1, 1, 1, 1]);
      const operator = await clients.connect(broker.url, { username: 'operator', password: 'op-secret' });
      await operator.client.publishAsync(commandsTopic('tyo-1'), 'for tokyo', { qos: 1 });
      await operator.client.publishAsync(commandsTopic('ber-1'), 'for berlin', { qos: 1 });
      await eventually(() => berlin.received.has(commandsTopic('ber-1')), 'its own command arrives');
      expect([...berlin.received.keys()]).to.deep.equal([commandsTopic('ber-1')]);
    });

    it("should let a proxy publish its pool's presence with a last will there, and refuse one whose will names another pool", async () => {
      broker = await startEmbeddedBroker({ users: USERS, access: POLICY });
      const topic = presenceTopic({ namespace: 'emea', pool: 'berlin', pod: 'p-1' });
      const will = { topic, payload: Buffer.from('{"online":false}'), qos: 1 as const, retain: true };
      await clients.connect(broker.url, { username: 'proxy-berlin', password: 'ber-secret', will });
      const foreign = { ...will, topic: presenceTopic({ namespace: 'apac', pool: 'tokyo', pod: 'p-1' }) };
      const refused = await clients
        .connect(broker.url, { username: 'proxy-berlin', password: 'ber-secret', will: foreign })
        .then(
          () => null,
          (err: Error) => err,
        );
      expect(refused?.message).to.match(/Not authorized/);
    });

    it("should refuse the operator's publish of a device state", async () => {
      broker = await startEmbeddedBroker({ users: USERS, access: POLICY });
      const watcher = await clients.connect(broker.url, { username: 'operator', password: 'op-secret' });
      await subscribe(watcher.client, 'tdo/v1/devices/+/state');
      await watcher.client.publishAsync(stateTopic('ber-1'), state('ber-1'), { qos: 1 });
      const berlin = await clients.connect(broker.url, { username: 'proxy-berlin', password: 'ber-secret' });
      await berlin.client.publishAsync(stateTopic('ber-2'), state('ber-2'), { qos: 1 });
      await eventually(() => watcher.received.has(stateTopic('ber-2')), "the proxy's state arrives");
      expect(watcher.received.has(stateTopic('ber-1'))).to.equal(false);
    });
  });

  it('should apply new access rules to connected clients, as a regenerated acl_file does', async () => {
    broker = await startEmbeddedBroker({ users: USERS, access: POLICY });
    const operator = await clients.connect(broker.url, { username: 'operator', password: 'op-secret' });
    await subscribe(operator.client, 'tdo/v1/devices/+/state');
    const berlin = await clients.connect(broker.url, { username: 'proxy-berlin', password: 'ber-secret' });
    const [first, ...rest] = POLICY.pools;
    broker.setAccess({
      ...POLICY,
      pools: [{ ...first!, deviceIds: [...first!.deviceIds, 'ber-new'] }, ...rest],
    });
    await berlin.client.publishAsync(stateTopic('ber-new'), state('ber-new'), { qos: 1 });
    await eventually(() => operator.received.has(stateTopic('ber-new')), 'the new device state arrives');
  });

  it('should deliver 5,000 retained device states to one subscriber', async () => {
    const ids = Array.from({ length: 5_000 }, (_, i) => `dev-${i}`);
    broker = await startEmbeddedBroker({
      users: { operator: 'op', proxy: 'px' },
      access: {
        operatorUser: 'operator',
        pools: [{ namespace: 'ns', pool: 'p', user: 'proxy', deviceIds: ids }],
      },
    });
    const proxy = await clients.connect(broker.url, { username: 'proxy', password: 'px' });
    await Promise.all(
      ids.map((id) => proxy.client.publishAsync(stateTopic(id), state(id), { qos: 1, retain: true })),
    );
    const operator = await clients.connect(broker.url, { username: 'operator', password: 'op' });
    await subscribe(operator.client, 'tdo/v1/devices/+/state');
    await eventually(() => operator.received.size === ids.length, 'every retained state arrives', 60_000);
    expect(operator.count()).to.equal(ids.length);
  }).timeout(90_000);
});
