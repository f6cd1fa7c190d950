import { expect } from 'chai';
import { ProxyConfigError, parseProxyConfig, redactedUrl } from '../../src/proxy/config.js';

const REQUIRED = ['--pool', 'lobby', '--namespace', 'office', '--mqtt-url', 'mqtt://broker:1883'];

function problems(argv: string[], env = {}): readonly string[] {
  try {
    parseProxyConfig(argv, env);
  } catch (err) {
    if (err instanceof ProxyConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('the proxy flags', () => {
  it('should take the defaults of a pool pod, its name from POD_NAME and credentials from the environment', () => {
    const config = parseProxyConfig(REQUIRED, {
      POD_NAME: 'tdo-proxy-lobby-7d9f-abcde',
      TDO_MQTT_USERNAME: 'proxy',
      TDO_MQTT_PASSWORD: 's3cret',
    });
    expect(config).to.include({
      pod: 'tdo-proxy-lobby-7d9f-abcde',
      driver: 'simulator',
      configDir: '/etc/teams-device-operator/pool',
      stateDir: '/var/lib/teams-device-operator/proxy',
      listenHost: '127.0.0.1',
      listenPort: 8081,
      mqttKeepaliveSeconds: 30,
      mqttUsername: 'proxy',
      mqttPassword: 's3cret',
      clockSpeed: 1,
    });
  });

  it('should read the broker URL from TDO_MQTT_URL when the flag is absent', () => {
    expect(
      parseProxyConfig(['--pool', 'p', '--namespace', 'n'], { TDO_MQTT_URL: 'mqtts://b:8883' }).mqttUrl,
    ).to.equal('mqtts://b:8883');
  });

  const bad: Array<[string[], string]> = [
    [['--namespace', 'office', '--mqtt-url', 'mqtt://b'], '--pool: required'],
    [[...REQUIRED, '--driver', 'serial'], '--driver: "serial" is not one of simulator, http'],
    [[...REQUIRED, '--listen', '8081'], '--listen: "8081" is not HOST:PORT'],
    [[...REQUIRED, '--mqtt-keepalive', '0'], '--mqtt-keepalive: "0" is not a number of seconds'],
    [[...REQUIRED, '--clock-speed', 'fast'], '--clock-speed: "fast" is not a positive number'],
    [[...REQUIRED, '--clock-start', 'tomorrow'], '--clock-start: "tomorrow" is not an ISO 8601 instant'],
    [[...REQUIRED, '--mqtt-password', 'x'], '--mqtt-password: unknown flag'],
    [
      ['--pool', 'p', '--namespace', 'n', '--mqtt-url', 'http://b'],
      '--mqtt-url: scheme "http" is not one of',
    ],
  ];
  for (const [argv, message] of bad) {
    it(`should name the flag in "${message}"`, () => {
      expect(problems(argv).some((p) => p.startsWith(message))).to.equal(true, problems(argv).join('\n'));
    });
  }

  it('should keep a password in the broker URL out of what it logs', () => {
    expect(redactedUrl('mqtt://proxy:s3cret@broker:1883')).to.equal('mqtt://proxy:REDACTED@broker:1883');
  });
});
