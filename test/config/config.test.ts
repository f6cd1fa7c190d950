import { expect } from 'chai';
import { ConfigError, configHelp, parseConfig, redactConfig } from '../../src/config/config.js';

const HOME = { HOME: '/home/ops' };

function problemsOf(argv: string[], env: Record<string, string> = HOME): readonly string[] {
  try {
    parseConfig(argv, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('parseConfig', () => {
  it('should default to all namespaces, memory transport, ports 8080/8081, no leader election and real time', () => {
    const config = parseConfig([], HOME);
    expect(config).to.deep.equal({
      help: false,
      kubeconfig: { source: 'default', paths: ['/home/ops/.kube/config'] },
      namespace: undefined,
      transport: 'memory',
      mqttUrl: undefined,
      mqtt: {
        clientId: 'teams-device-operator-default',
        username: undefined,
        password: undefined,
        passwordFile: undefined,
        caFile: undefined,
        certFile: undefined,
        keyFile: undefined,
        keepaliveSeconds: 30,
        maxInFlightPerProxy: 500,
      },
      metricsPort: 8080,
      healthPort: 8081,
      metricsHost: '127.0.0.1',
      healthHost: '127.0.0.1',
      leaderElect: false,
      leaseNamespace: 'default',
      leaseName: 'teams-device-operator',
      clockStart: undefined,
      clockSpeed: 1,
      progressIntervalMs: 30_000,
      logLevel: 'info',
      instanceName: undefined,
    });
  });

  it('should return a frozen object, nested parts included', () => {
    const config = parseConfig(['--kubeconfig', '/k'], HOME);
    expect(Object.isFrozen(config)).to.equal(true);
    expect(Object.isFrozen(config.kubeconfig.paths)).to.equal(true);
  });

  it('should read every flag, as "--flag value" or "--flag=value"', () => {
    const config = parseConfig(
      [
        '--kubeconfig=/etc/kube/config',
        '--namespace',
        'rooms',
        '--transport=mqtt',
        '--mqtt-url',
        'mqtts://broker.example.com:8883',
        '--mqtt-client-id=tdo-prod',
        '--mqtt-username',
        'tdo',
        '--mqtt-password-file',
        '/etc/tdo/mqtt/password',
        '--mqtt-ca-file',
        '/etc/tdo/mqtt/ca.crt',
        '--mqtt-cert-file=/etc/tdo/mqtt/tls.crt',
        '--mqtt-key-file',
        '/etc/tdo/mqtt/tls.key',
        '--mqtt-keepalive',
        '15',
        '--mqtt-max-in-flight-per-proxy',
        '200',
        '--metrics-port=9090',
        '--health-port',
        '9090',
        '--leader-elect',
        '--lease-namespace=ops',
        '--lease-name',
        'tdo.leader',
        '--clock-start',
        '2026-12-01T08:00:00+01:00',
        '--clock-speed=86400',
        '--progress-interval',
        '5',
        '--log-level',
        'debug',
      ],
      { ...HOME, POD_NAME: 'tdo-7f9c' },
    );
    expect(config).to.deep.include({
      kubeconfig: { source: 'flag', paths: ['/etc/kube/config'] },
      namespace: 'rooms',
      transport: 'mqtt',
      mqttUrl: 'mqtts://broker.example.com:8883',
      mqtt: {
        clientId: 'tdo-prod',
        username: 'tdo',
        password: undefined,
        passwordFile: '/etc/tdo/mqtt/password',
        caFile: '/etc/tdo/mqtt/ca.crt',
        certFile: '/etc/tdo/mqtt/tls.crt',
        keyFile: '/etc/tdo/mqtt/tls.key',
        keepaliveSeconds: 15,
        maxInFlightPerProxy: 200,
      },
      metricsPort: 9090,
      healthPort: 9090,
      leaderElect: true,
      leaseNamespace: 'ops',
      leaseName: 'tdo.leader',
      clockStart: '2026-12-01T07:00:00.000Z',
      clockSpeed: 86400,
      progressIntervalMs: 5_000,
      logLevel: 'debug',
      instanceName: 'tdo-7f9c',
    });
  });

  it('should take the kubeconfig from the flag, then KUBECONFIG, then the in-cluster service account', () => {
    const inCluster = { ...HOME, KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' };
    expect(parseConfig([], { ...inCluster, KUBECONFIG: '/a:/b' }).kubeconfig).to.deep.equal({
      source: 'env',
      paths: ['/a', '/b'],
    });
    expect(parseConfig([], inCluster).kubeconfig).to.deep.equal({ source: 'in-cluster', paths: [] });
    expect(
      parseConfig(['--kubeconfig', '/c'], { ...inCluster, KUBECONFIG: '/a' }).kubeconfig.source,
    ).to.equal('flag');
  });

  it('should pick mqtt when only --mqtt-url is given, and take the URL from TDO_MQTT_URL', () => {
    expect(parseConfig(['--mqtt-url', 'mqtt://broker:1883'], HOME).transport).to.equal('mqtt');
    expect(parseConfig([], { ...HOME, TDO_MQTT_URL: 'mqtt://broker:1883' })).to.deep.include({
      transport: 'mqtt',
      mqttUrl: 'mqtt://broker:1883',
    });
  });

  it('should put the Lease in POD_NAMESPACE, else the watched namespace, unless --lease-namespace says otherwise', () => {
    expect(parseConfig(['--namespace', 'rooms'], HOME).leaseNamespace).to.equal('rooms');
    expect(
      parseConfig(['--namespace', 'rooms'], { ...HOME, POD_NAMESPACE: 'tdo-system' }).leaseNamespace,
    ).to.equal('tdo-system');
  });

  it('should accept --no-leader-elect and --leader-elect=false', () => {
    expect(parseConfig(['--leader-elect', '--no-leader-elect'], HOME).leaderElect).to.equal(false);
    expect(parseConfig(['--leader-elect=false'], HOME).leaderElect).to.equal(false);
  });

  it('should take --progress-interval in seconds, from TDO_PROGRESS_INTERVAL unless the flag says otherwise', () => {
    expect(parseConfig([], { ...HOME, TDO_PROGRESS_INTERVAL: '120' }).progressIntervalMs).to.equal(120_000);
    expect(
      parseConfig(['--progress-interval=0'], { ...HOME, TDO_PROGRESS_INTERVAL: '120' }).progressIntervalMs,
    ).to.equal(0);
    expect(parseConfig(['--progress-interval', '2.5'], HOME).progressIntervalMs).to.equal(2_500);
  });

  it('should treat an empty --namespace as all namespaces', () => {
    expect(parseConfig(['--namespace='], HOME).namespace).to.equal(undefined);
  });

  const errors: Array<[string, string[], RegExp]> = [
    ['should name an unknown flag', ['--namespaces=x'], /^--namespaces: unknown flag/],
    ['should say that a flag needs a value', ['--namespace'], /^--namespace: needs a value \(NAME\)/],
    [
      'should take no flag as the value of another',
      ['--lease-name', '--leader-elect'],
      /^--lease-name: needs a value/,
    ],
    [
      'should refuse a namespace that is not a DNS label',
      ['--namespace', 'Rooms_1'],
      /^--namespace: "Rooms_1" is not a namespace name/,
    ],
    [
      'should refuse an unknown transport',
      ['--transport', 'http'],
      /^--transport: "http" is not one of memory, mqtt/,
    ],
    [
      'should require a broker URL with the mqtt transport',
      ['--transport', 'mqtt'],
      /^--mqtt-url: required with --transport mqtt/,
    ],
    [
      'should refuse a broker URL with the memory transport',
      ['--transport', 'memory', '--mqtt-url', 'mqtt://b'],
      /^--mqtt-url: only used with --transport mqtt/,
    ],
    [
      'should refuse a broker URL of another scheme',
      ['--mqtt-url', 'http://broker'],
      /^--mqtt-url: scheme "http" is not one of mqtt, mqtts, ws, wss/,
    ],
    [
      'should refuse a port out of range',
      ['--metrics-port', '70000'],
      /^--metrics-port: "70000" is not a port number/,
    ],
    [
      'should refuse a port that is not a number',
      ['--health-port', '80a'],
      /^--health-port: "80a" is not a port number/,
    ],
    [
      'should refuse a boolean that is not true or false',
      ['--leader-elect=yes'],
      /^--leader-elect: "yes" is not true or false/,
    ],
    [
      'should refuse a clock start without a time zone',
      ['--clock-start', '2026-12-01T08:00:00'],
      /^--clock-start: "2026-12-01T08:00:00" is not an ISO 8601 instant/,
    ],
    [
      'should refuse an impossible clock start',
      ['--clock-start', '2026-13-01T00:00:00Z'],
      /^--clock-start: /,
    ],
    [
      'should refuse a clock speed of zero',
      ['--clock-speed', '0'],
      /^--clock-speed: "0" is not a positive number/,
    ],
    [
      'should refuse a negative clock speed',
      ['--clock-speed', '-5'],
      /^--clock-speed: "-5" is not a positive number/,
    ],
    [
      'should refuse an unknown log level',
      ['--log-level', 'verbose'],
      /^--log-level: "verbose" is not one of fatal, error/,
    ],
    [
      'should refuse a lease name that is not an object name',
      ['--lease-name', 'Leader!'],
      /^--lease-name: "Leader!" is not a valid object name/,
    ],
    [
      'should refuse a lease namespace that is not a namespace name',
      ['--lease-namespace', 'Ops'],
      /^--lease-namespace: "Ops" is not a namespace name/,
    ],
    [
      'should refuse a negative progress interval',
      ['--progress-interval', '-1'],
      /^--progress-interval: "-1" is not a number of seconds \(0 or more\)/,
    ],
    [
      'should refuse a progress interval that is not a number',
      ['--progress-interval', '30s'],
      /^--progress-interval: "30s" is not a number of seconds/,
    ],
    ['should refuse a positional argument', ['run'], /^unexpected argument "run"/],
  ];
  for (const [name, argv, message] of errors) {
    it(name, () => {
      const problems = problemsOf(argv);
      expect(problems).to.have.length(1);
      expect(problems[0]).to.match(message);
    });
  }

  it('should report every problem at once, in a message that points to --help', () => {
    let error: unknown;
    try {
      parseConfig(['--metrics-port', 'x', '--clock-speed', 'fast'], HOME);
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(ConfigError);
    expect((error as ConfigError).problems).to.have.length(2);
    expect((error as Error).message).to.match(/--metrics-port[\s\S]*--clock-speed[\s\S]*--help/);
  });

  it('should not echo a broker URL that may hold credentials in its error', () => {
    const [problem] = problemsOf(['--mqtt-url', 'user:secret@broker']);
    expect(problem).to.not.include('secret');
  });

  it('should return help without complaining about other flags', () => {
    expect(parseConfig(['--help', '--clock-speed', '0'], HOME).help).to.equal(true);
    expect(parseConfig(['-h'], HOME).help).to.equal(true);
  });

  it('should document every flag, its default and its environment variable in the help', () => {
    const help = configHelp();
    for (const flag of [
      'kubeconfig',
      'namespace',
      'transport',
      'mqtt-url',
      'mqtt-client-id',
      'mqtt-username',
      'mqtt-password-file',
      'mqtt-ca-file',
      'mqtt-cert-file',
      'mqtt-key-file',
      'mqtt-keepalive',
      'mqtt-max-in-flight-per-proxy',
      'metrics-bind-address',
      'health-probe-bind-address',
      'metrics-port',
      'health-port',
      'leader-elect',
      'lease-namespace',
      'lease-name',
      'clock-start',
      'clock-speed',
      'progress-interval',
      'log-level',
      'help',
    ]) {
      expect(help).to.include(`--${flag}`);
    }
    expect(help).to.include('env: KUBECONFIG');
    expect(help).to.include('default: 30; env: TDO_PROGRESS_INTERVAL');
    expect(help).to.include('default: 8080');
  });

  it('should redact the broker password for logs', () => {
    const config = parseConfig(['--mqtt-url', 'mqtt://broker:1883'], {
      ...HOME,
      TDO_MQTT_USERNAME: 'tdo',
      TDO_MQTT_PASSWORD: 's3cret',
    });
    expect(config.mqtt.password).to.equal('s3cret');
    const redacted = redactConfig(config);
    expect(JSON.stringify(redacted)).to.not.include('s3cret');
    expect(redacted.mqtt).to.deep.include({ username: 'tdo', password: 'REDACTED' });
  });
});
