// The MQTT part of the configuration: one client id per installation, credentials only from the environment
// or files (never a flag value or a URL), TLS files read at start with a clear error, and the pacing limit.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ConfigError, parseConfig, redactConfig } from '../../src/config/config.js';
import { readMqttSecrets } from '../../src/config/mqtt-files.js';
import { capturingLogger } from '../support/async.js';

const URL = ['--mqtt-url', 'mqtt://broker:1883'];
const TLS_URL = ['--mqtt-url', 'mqtts://broker:8883'];

function problemsOf(argv: string[], env: Record<string, string> = {}): readonly string[] {
  try {
    parseConfig(argv, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('parseConfig: MQTT', () => {
  it('should give every replica of one installation the same client id, made of its Lease, unless told otherwise', () => {
    const a = parseConfig([...URL, '--lease-namespace', 'ops'], { POD_NAME: 'tdo-a' });
    const b = parseConfig([...URL, '--lease-namespace', 'ops'], { POD_NAME: 'tdo-b' });
    expect(a.mqtt.clientId).to.equal('teams-device-operator-ops');
    expect(b.mqtt.clientId).to.equal(a.mqtt.clientId);
    expect(parseConfig([...URL, '--mqtt-client-id', 'tdo-prod'], {}).mqtt.clientId).to.equal('tdo-prod');
    expect(parseConfig(URL, { TDO_MQTT_CLIENT_ID: 'tdo-env' }).mqtt.clientId).to.equal('tdo-env');
    expect(problemsOf([...URL, '--mqtt-client-id', 'tdo/#'])).to.deep.equal([
      '--mqtt-client-id: "tdo/#" is not a client id (1-128 letters, digits, ".", "_", ":" and "-")',
    ]);
  });

  it('should take the user name from TDO_MQTT_USERNAME and the password only from TDO_MQTT_PASSWORD or a file', () => {
    const config = parseConfig(URL, { TDO_MQTT_USERNAME: 'tdo', TDO_MQTT_PASSWORD: 'pw-from-env' });
    expect(config.mqtt).to.deep.include({ username: 'tdo', password: 'pw-from-env' });
    expect(problemsOf([...URL, '--mqtt-password=x'])).to.deep.equal(['--mqtt-password: unknown flag']);
    expect(
      problemsOf([...URL, '--mqtt-password-file', '/p'], { TDO_MQTT_PASSWORD: 'x', TDO_MQTT_USERNAME: 'u' }),
    ).to.deep.equal([
      '--mqtt-password-file: give the password either in TDO_MQTT_PASSWORD or in a file, not both',
    ]);
    expect(problemsOf(URL, { TDO_MQTT_PASSWORD: 'x' })).to.deep.equal([
      '--mqtt-username: a password needs a user name (MQTT sends none without one)',
    ]);
  });

  it('should refuse a broker URL with a user or password in it, without repeating them', () => {
    const problems = problemsOf(['--mqtt-url', 'mqtt://tdo:hunter2@broker:1883']);
    expect(problems).to.deep.equal([
      '--mqtt-url: must not hold a user or password: set TDO_MQTT_USERNAME and TDO_MQTT_PASSWORD (or --mqtt-password-file)',
    ]);
    expect(problemsOf([], { TDO_MQTT_URL: 'mqtts://tdo@broker:8883' })).to.have.length(1);
  });

  it('should want a client certificate and its key together, and TLS files only with an mqtts or wss URL', () => {
    expect(problemsOf([...TLS_URL, '--mqtt-cert-file', '/c'])).to.deep.equal([
      '--mqtt-cert-file: a client certificate and its key (--mqtt-key-file) go together',
    ]);
    expect(problemsOf([...URL, '--mqtt-ca-file', '/ca'])).to.deep.equal([
      '--mqtt-ca-file: TLS needs an mqtts:// or wss:// --mqtt-url',
    ]);
    const config = parseConfig(TLS_URL, {
      TDO_MQTT_CA_FILE: '/ca',
      TDO_MQTT_CERT_FILE: '/c',
      TDO_MQTT_KEY_FILE: '/k',
    });
    expect(config.mqtt).to.deep.include({ caFile: '/ca', certFile: '/c', keyFile: '/k' });
  });

  it('should read the keepalive and the per-proxy limit as whole numbers, from flags or the environment', () => {
    expect(
      parseConfig(URL, { TDO_MQTT_KEEPALIVE: '10', TDO_MQTT_MAX_IN_FLIGHT_PER_PROXY: '50' }).mqtt,
    ).to.deep.include({ keepaliveSeconds: 10, maxInFlightPerProxy: 50 });
    expect(
      problemsOf([...URL, '--mqtt-keepalive', '-1', '--mqtt-max-in-flight-per-proxy', '0']),
    ).to.deep.equal([
      '--mqtt-keepalive: "-1" is not a whole number from 0 to 65535',
      '--mqtt-max-in-flight-per-proxy: "0" is not a whole number from 1 to 65535',
    ]);
  });

  it('should never show the password in redactConfig or in a log line of the config', () => {
    const config = parseConfig(URL, { TDO_MQTT_USERNAME: 'tdo', TDO_MQTT_PASSWORD: 'hunter2-secret' });
    const log = capturingLogger('info');
    log.logger.info({ config: redactConfig(config) }, 'starting operator');
    expect(JSON.stringify(log.lines)).to.include('REDACTED').and.not.include('hunter2-secret');
  });
});

describe('readMqttSecrets', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tdo-mqtt-secrets-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('should read the password file without its final newline, and the TLS files as they are', () => {
    writeFileSync(join(dir, 'password'), 'from-a-secret\n');
    writeFileSync(join(dir, 'ca.crt'), 'CA PEM');
    writeFileSync(join(dir, 'tls.crt'), 'CERT PEM');
    writeFileSync(join(dir, 'tls.key'), 'KEY PEM');
    const secrets = readMqttSecrets({
      password: undefined,
      passwordFile: join(dir, 'password'),
      caFile: join(dir, 'ca.crt'),
      certFile: join(dir, 'tls.crt'),
      keyFile: join(dir, 'tls.key'),
    });
    expect(secrets.password).to.equal('from-a-secret');
    expect([secrets.ca, secrets.cert, secrets.key].map(String)).to.deep.equal([
      'CA PEM',
      'CERT PEM',
      'KEY PEM',
    ]);
  });

  it('should name each file it cannot read, and not show the contents of those it could', () => {
    writeFileSync(join(dir, 'password'), 'do-not-show');
    let error: unknown;
    try {
      readMqttSecrets({
        password: undefined,
        passwordFile: join(dir, 'password'),
        caFile: join(dir, 'nope.crt'),
        certFile: undefined,
        keyFile: dir,
      });
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(ConfigError);
    expect((error as ConfigError).problems).to.deep.equal([
      `--mqtt-ca-file: cannot read "${join(dir, 'nope.crt')}" (ENOENT)`,
      `--mqtt-key-file: cannot read "${dir}" (EISDIR)`,
    ]);
    expect((error as Error).message).to.not.include('do-not-show');
  });
});
