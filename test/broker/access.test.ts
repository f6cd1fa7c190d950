import { expect } from 'chai';
import { renderAclFile } from '../../src/broker/access/acl-file.js';
import { Authorizer } from '../../src/broker/access/authorizer.js';
import { FleetInputError, fleetAccessPolicy } from '../../src/broker/access/fleet.js';
import { accessRules, topicMatches } from '../../src/broker/access/rules.js';

const device = (namespace: string, name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'teamsdevices.io/v1alpha1',
  kind: 'TeamsDevice',
  metadata: { name, namespace },
  spec,
});

describe('broker access rules', () => {
  describe('topic filters', () => {
    for (const [filter, topic, expected] of [
      ['tdo/v1/devices/+/state', 'tdo/v1/devices/d1/state', true],
      ['tdo/v1/devices/+/state', 'tdo/v1/devices/d1/events', false],
      ['tdo/v1/devices/+/state', 'tdo/v1/devices/state', false],
      ['tdo/v1/proxies/#', 'tdo/v1/proxies/ns/pool/pod', true],
      ['tdo/v1/proxies/#', 'tdo/v1/proxies', true],
      ['#', '$SYS/broker/uptime', false],
      ['tdo/v1/resync', 'tdo/v1/resync/x', false],
    ] as const) {
      it(`should ${expected ? '' : 'not '}match ${topic} with ${filter}`, () => {
        expect(topicMatches(filter, topic)).to.equal(expected);
      });
    }
  });

  describe('the policy of a fleet', () => {
    it('should group devices by namespace and proxyPool (default "default"), each pool under its own user', () => {
      const policy = fleetAccessPolicy([
        device('emea', 'ber-1'),
        device('emea', 'ber-2', { deviceId: 'BER-2-MAC' }),
        device('emea', 'lab-1', { proxyPool: 'lab' }),
        { kind: 'Namespace', metadata: { name: 'emea' } },
        device('apac', 'tyo-1'),
      ]);
      expect(policy.operatorUser).to.equal('teams-device-operator');
      expect(policy.pools.map((p) => [p.namespace, p.pool, p.user, p.deviceIds])).to.deep.equal([
        ['apac', 'default', 'proxy-apac-default', ['tyo-1']],
        ['emea', 'default', 'proxy-emea-default', ['ber-1', 'BER-2-MAC']],
        ['emea', 'lab', 'proxy-emea-lab', ['lab-1']],
      ]);
    });

    it('should take the users given for the operator and for a pool', () => {
      const policy = fleetAccessPolicy([device('emea', 'ber-1')], {
        operatorUser: 'tdo',
        poolUsers: new Map([['emea/default', 'berlin-proxies']]),
      });
      expect(policy.operatorUser).to.equal('tdo');
      expect(policy.pools[0]?.user).to.equal('berlin-proxies');
    });

    for (const [what, objects, message] of [
      ['a device without a namespace', [device('', 'x')], 'TeamsDevice x: metadata.namespace is missing'],
      [
        'a device without a name',
        [{ kind: 'TeamsDevice', metadata: {} }],
        'TeamsDevice #1: metadata.name is missing',
      ],
      [
        'a device id that is not one topic level',
        [device('emea', 'x', { deviceId: 'a/b' })],
        'TeamsDevice emea/x: device id "a/b" is not one MQTT topic level',
      ],
      [
        'one device id in two pools',
        [device('emea', 'x'), device('apac', 'x')],
        'TeamsDevice apac/x: device id "x" is also a device of pool emea/default',
      ],
    ] as const) {
      it(`should refuse ${what}, naming the object`, () => {
        expect(() => fleetAccessPolicy(objects)).to.throw(FleetInputError, message);
      });
    }

    it('should refuse two pools with one user, which would share their devices', () => {
      const policy = fleetAccessPolicy([device('a', 'x'), device('b', 'y')], {
        poolUsers: new Map([
          ['a/default', 'proxies'],
          ['b/default', 'proxies'],
        ]),
      });
      expect(() => accessRules(policy)).to.throw(
        'user "proxies" of pool b/default is already the user of pool a/default',
      );
    });
  });

  describe('the authorizer', () => {
    const auth = new Authorizer(
      fleetAccessPolicy([device('emea', 'ber-1'), device('apac', 'tyo-1')], { operatorUser: 'op' }),
    );

    for (const [user, check, topic, expected] of [
      ['op', 'write', 'tdo/v1/devices/tyo-1/commands', true],
      ['op', 'write', 'tdo/v1/resync', true],
      ['op', 'write', 'tdo/v1/devices/tyo-1/state', false],
      ['op', 'read', 'tdo/v1/proxies/apac/default/pod-1', true],
      ['op', 'read', 'tdo/v1/devices/ber-1/state', true],
      ['op', 'read', 'tdo/v1/devices/ber-1/commands', false],
      ['proxy-emea-default', 'write', 'tdo/v1/devices/ber-1/state', true],
      ['proxy-emea-default', 'write', 'tdo/v1/devices/ber-1/events', true],
      ['proxy-emea-default', 'write', 'tdo/v1/devices/tyo-1/state', false],
      ['proxy-emea-default', 'write', 'tdo/v1/devices/ber-1/commands', false],
      ['proxy-emea-default', 'write', 'tdo/v1/proxies/emea/default/pod-7', true],
      ['proxy-emea-default', 'write', 'tdo/v1/proxies/apac/default/pod-7', false],
      ['proxy-emea-default', 'write', 'tdo/v1/resync', false],
      ['proxy-emea-default', 'read', 'tdo/v1/devices/ber-1/commands', true],
      ['proxy-emea-default', 'read', 'tdo/v1/devices/tyo-1/commands', false],
      ['proxy-emea-default', 'read', 'tdo/v1/devices/ber-1/state', false],
      ['proxy-emea-default', 'read', 'tdo/v1/proxies/emea/default/pod-7', true],
      ['proxy-emea-default', 'read', 'tdo/v1/proxies/apac/default/pod-7', false],
      ['proxy-emea-default', 'read', 'tdo/v1/resync', true],
      ['nobody', 'read', 'tdo/v1/resync', false],
    ] as const) {
      it(`should ${expected ? 'let' : 'not let'} ${user} ${check} ${topic}`, () => {
        const result = check === 'write' ? auth.canWrite(user, topic) : auth.canRead(user, topic);
        expect(result).to.equal(expected);
      });
    }
  });

  describe('the mosquitto acl_file', () => {
    it('should list the operator, then each pool user with its presence, resync and device topics', () => {
      const text = renderAclFile(fleetAccessPolicy([device('emea', 'ber-1')], { operatorUser: 'op' }), {
        header: 'generated for a test',
      });
      expect(text).to.equal(
        [
          '# generated for a test',
          '# A user may only do what its lines grant: "read" subscribes and receives, "write" publishes.',
          '# Lines before the first "user" line would apply to anonymous clients; there are none.',
          '',
          '# The operator.',
          'user op',
          'topic read tdo/v1/devices/+/state',
          'topic read tdo/v1/devices/+/events',
          'topic read tdo/v1/proxies/#',
          'topic write tdo/v1/devices/+/commands',
          'topic write tdo/v1/resync',
          '',
          '# The proxies of pool emea/default: 1 device(s).',
          'user proxy-emea-default',
          'topic write tdo/v1/proxies/emea/default/+',
          'topic read tdo/v1/proxies/emea/default/+',
          'topic read tdo/v1/resync',
          'topic write tdo/v1/devices/ber-1/state',
          'topic write tdo/v1/devices/ber-1/events',
          'topic read tdo/v1/devices/ber-1/commands',
          '',
        ].join('\n'),
      );
    });

    it('should refuse a user name with a space or a line break, which would grant another user', () => {
      const policy = fleetAccessPolicy([device('emea', 'x')], { operatorUser: 'op\nuser other' });
      expect(() => renderAclFile(policy)).to.throw('must be one word without spaces');
    });
  });
});
