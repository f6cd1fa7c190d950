import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { renderAclFile } from '../../src/broker/access/acl-file.js';
import { fleetAccessPolicy } from '../../src/broker/access/fleet.js';
import { commandsTopic, presenceTopic, stateTopic } from '../../src/transport/protocol/topics.js';
import { eventually } from '../support/async.js';
import { Clients, subscribe } from './clients.js';
import { SHIPPED_CONFIG, type ShippedMosquitto, startShippedMosquitto } from './mosquitto.js';

const device = (namespace: string, name: string) => ({
  kind: 'TeamsDevice',
  metadata: { name, namespace },
  spec: {},
});
const USERS = {
  'teams-device-operator': 'op-secret',
  'proxy-emea-default': 'emea-secret',
  'proxy-apac-default': 'apac-secret',
};
const login = (user: keyof typeof USERS) => ({ username: user, password: USERS[user] });
const state = (id: string) => JSON.stringify({ online: true, ts: '2026-12-02T10:00:00Z' }) + id;

describe('mosquitto with the shipped config and a generated acl_file', () => {
  const clients = new Clients();
  let broker: ShippedMosquitto | undefined;

  const FLEET = [device('emea', 'ber-1'), device('emea', 'ber-2'), device('apac', 'tyo-1')];

  before(async () => {
    broker = await startShippedMosquitto(USERS, renderAclFile(fleetAccessPolicy(FLEET)));
  });
  afterEach(() => clients.endAll());
  after(() => broker?.stop());

  it('should refuse anonymous clients and wrong passwords', async () => {
    const url = broker?.url as string;
    for (const options of [{}, { username: 'proxy-emea-default', password: 'apac-secret' }]) {
      const refused = await clients.connect(url, options).then(
        () => null,
        (err: Error) => err,
      );
      expect(refused?.message).to.match(/Not authorized|Bad username or password/);
    }
  });

  it("should deliver a proxy's own device state to the operator but never another pool's device state", async () => {
    const url = broker?.url as string;
    const operator = await clients.connect(url, login('teams-device-operator'));
    expect(await subscribe(operator.client, 'tdo/v1/devices/+/state')).to.deep.equal([1]);
    const emea = await clients.connect(url, login('proxy-emea-default'));
    // QoS 1 keeps one client's messages in order: once the allowed one arrived, the refused one would have.
    await emea.client.publishAsync(stateTopic('tyo-1'), state('tyo-1'), { qos: 1, retain: true });
    await emea.client.publishAsync(stateTopic('ber-1'), state('ber-1'), { qos: 1, retain: true });
    await eventually(
      () => operator.received.has(stateTopic('ber-1')),
      "the proxy's own device state arrives",
    );
    expect([...operator.received.keys()]).to.deep.equal([stateTopic('ber-1')]);
  });

  it("should never deliver another pool's commands to a proxy, even through a wildcard subscription", async () => {
    const url = broker?.url as string;
    const emea = await clients.connect(url, login('proxy-emea-default'));
    // mosquitto grants the subscriptions and checks each message against the acl before delivering it.
    await subscribe(emea.client, [
      commandsTopic('ber-2'),
      commandsTopic('tyo-1'),
      'tdo/v1/devices/+/commands',
    ]);
    const operator = await clients.connect(url, login('teams-device-operator'));
    await operator.client.publishAsync(commandsTopic('tyo-1'), 'for tokyo', { qos: 1 });
    await operator.client.publishAsync(commandsTopic('ber-2'), 'for berlin', { qos: 1 });
    await eventually(() => emea.received.has(commandsTopic('ber-2')), 'its own command arrives');
    expect([...emea.received.keys()]).to.deep.equal([commandsTopic('ber-2')]);
  });

  it("should let a proxy announce its presence and the operator read it, but not another pool's presence", async () => {
    const url = broker?.url as string;
    const operator = await clients.connect(url, login('teams-device-operator'));
    await subscribe(operator.client, 'tdo/v1/proxies/+/+/+');
    const emea = await clients.connect(url, login('proxy-emea-default'));
    const foreign = presenceTopic({ namespace: 'apac', pool: 'default', pod: 'p-1' });
    const own = presenceTopic({ namespace: 'emea', pool: 'default', pod: 'p-1' });
    await emea.client.publishAsync(foreign, '{"online":true}', { qos: 1 });
    await emea.client.publishAsync(own, '{"online":true}', { qos: 1 });
    await eventually(() => operator.received.has(own), 'its own presence arrives');
    expect(operator.received.has(foreign)).to.equal(false);
  });

  it("should let a proxy publish a new device's state once the regenerated acl_file is reloaded with SIGHUP", async () => {
    const url = broker?.url as string;
    const operator = await clients.connect(url, login('teams-device-operator'));
    await subscribe(operator.client, 'tdo/v1/devices/+/state');
    const emea = await clients.connect(url, login('proxy-emea-default'));
    const topic = stateTopic('ber-new');
    await emea.client.publishAsync(topic, state('ber-new'), { qos: 1 });
    await emea.client.publishAsync(stateTopic('ber-2'), state('ber-2'), { qos: 1 });
    await eventually(() => operator.received.has(stateTopic('ber-2')), 'a known device state arrives');
    expect(operator.received.has(topic)).to.equal(false);
    await broker?.reload(renderAclFile(fleetAccessPolicy([...FLEET, device('emea', 'ber-new')])));
    // SIGHUP is handled asynchronously: publish until the reloaded rules let the state through.
    await eventually(async () => {
      await emea.client.publishAsync(topic, state('ber-new'), { qos: 1 });
      return operator.received.has(topic);
    }, 'the new device state arrives after the reload');
    expect(emea.client.connected).to.equal(true);
  });

  it('should ship the example acl_file that the command generates from deploy/examples', async () => {
    const { execFileSync } = await import('node:child_process');
    const generated = execFileSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli/bin.ts', 'mosquitto-acl', '-f', 'deploy/examples'],
      { encoding: 'utf8' },
    );
    expect(readFileSync('deploy/mosquitto/acl', 'utf8')).to.equal(generated);
    expect(readFileSync(SHIPPED_CONFIG, 'utf8')).to.match(/^allow_anonymous false$/m);
  });
});
