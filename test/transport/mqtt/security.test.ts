// The MQTT transport as created from flags and Secrets, on both brokers with TLS (a client certificate
// required) and passwords: it connects with the right CA, certificate and password; a wrong password or a
// CA the broker does not chain to keeps it out, logged without the password.

import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { parseConfig } from '../../../src/config/config.js';
import { RealClock } from '../../../src/runtime/clock.js';
import {
  createTransport,
  type TransportDeps,
  type TransportRuntime,
} from '../../../src/transport/factory.js';
import type { MqttTransport } from '../../../src/transport/mqtt/transport.js';
import { encodeMessage, stateTopic } from '../../../src/transport/protocol.js';
import { capturingLogger, eventually } from '../../support/async.js';
import { BROKERS, type TestBroker } from '../../support/brokers.js';
import { makeCertificates, type TestCertificates } from './certificates.js';
import { bareClient, deviceState } from './support.js';

const USERS = { tdo: 'correct-horse-battery', proxy: 'proxy-pass' };

for (const { name, start } of BROKERS) {
  describe(`MqttTransport with TLS and a password on ${name}`, function () {
    this.timeout(30_000);
    let certs: TestCertificates;
    let broker: TestBroker;
    let log: ReturnType<typeof capturingLogger>;
    const running: TransportRuntime[] = [];

    before(() => {
      certs = makeCertificates();
    });
    after(() => certs.remove());

    beforeEach(async () => {
      broker = await start({
        tls: { caFile: certs.caFile, certFile: certs.broker.certFile, keyFile: certs.broker.keyFile },
        users: USERS,
      });
      log = capturingLogger('debug');
    });

    afterEach(async () => {
      for (const runtime of running.splice(0)) await runtime.stop().catch(() => {});
      await broker.stop();
    });

    const runtime = (password: string, caFile = certs.caFile): TransportRuntime => {
      const config = parseConfig(
        [
          '--mqtt-url',
          broker.url,
          '--mqtt-ca-file',
          caFile,
          '--mqtt-cert-file',
          certs.client.certFile,
          '--mqtt-key-file',
          certs.client.keyFile,
        ],
        { TDO_MQTT_USERNAME: 'tdo', TDO_MQTT_PASSWORD: password },
      );
      const deps = { clock: new RealClock(), logger: log.logger } as unknown as TransportDeps;
      const r = createTransport(config, deps);
      running.push(r);
      return r;
    };

    it('should connect with the CA, the client certificate and the password, and hear a retained state', async () => {
      const proxy = await bareClient(broker.url, 'proxy-0', [], {
        username: 'proxy',
        password: USERS.proxy,
        ca: readFileSync(certs.caFile),
        cert: readFileSync(certs.client.certFile),
        key: readFileSync(certs.client.keyFile),
      });
      await proxy.publishAsync(stateTopic('room-1'), encodeMessage(deviceState()), { qos: 1, retain: true });
      await proxy.endAsync();
      const r = runtime(USERS.tdo);
      const transport = r.transport as unknown as MqttTransport;
      await r.start();
      expect(transport.connected).to.equal(true);
      await eventually(() => transport.state('room-1') !== undefined, 'the retained state arrived');
      expect(JSON.stringify(log.lines)).to.not.include(USERS.tdo);
    });

    for (const [problem, password, ca, why] of [
      ['a wrong password', 'wrong-password-123', 'ours', /bad user ?name or password|not authorized/i],
      ['a CA the broker certificate does not chain to', USERS.tdo, 'other', /certificate/i],
    ] as const) {
      it(`should stay out with ${problem}, logging why and never the password`, async () => {
        const r = runtime(password, ca === 'other' ? certs.otherCaFile : certs.caFile);
        const started = r.start().then(
          () => 'connected',
          () => 'stopped',
        );
        await eventually(
          () => log.lines.some((line) => line.msg === 'mqtt connection error'),
          'the refusal was logged',
          15_000,
        );
        expect((r.transport as unknown as MqttTransport).connected).to.equal(false);
        const refusal = log.lines.find((line) => line.msg === 'mqtt connection error');
        expect(String((refusal?.err as { message?: string } | undefined)?.message)).to.match(why);
        await r.stop();
        expect(await started).to.equal('stopped');
        const logged = JSON.stringify(log.lines);
        expect(logged).to.not.include(password);
        expect(logged).to.not.include(USERS.tdo);
      });
    }
  });
}
