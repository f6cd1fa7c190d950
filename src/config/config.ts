// The operator's configuration, parsed once from flags and environment into a frozen object that is passed
// down (no module reads process.env). Flags win over environment variables, which win over defaults.

import { delimiter, join } from 'node:path';
import { deepFreeze } from '@teams-device-operator/apimachinery';
import { DEFAULT_PROGRESS_INTERVAL_MS } from '../core/device/progress.js';
import { DEFAULT_KEEPALIVE_SECONDS, DEFAULT_MAX_IN_FLIGHT_PER_PROXY } from '../transport/mqtt/options.js';
import { type BindAddress, LOOPBACK, parseBindAddress } from './bind-address.js';
import { type FlagDoc, mqttUrlProblem, readFlags, renderFlagHelp } from './flags.js';

export const TRANSPORTS = ['memory', 'mqtt'] as const;
export type Transport = (typeof TRANSPORTS)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type KubeconfigSource = 'flag' | 'env' | 'in-cluster' | 'default';

export interface Config {
  /** --help was given: print configHelp() and exit. */
  help: boolean;
  /** Where the Kubernetes connection comes from; `paths` is empty for in-cluster. */
  kubeconfig: { source: KubeconfigSource; paths: readonly string[] };
  /** The one namespace watched; undefined: all namespaces. */
  namespace: string | undefined;
  transport: Transport;
  /** Set when transport is mqtt. Never holds credentials: a URL with a user or password is refused. */
  mqttUrl: string | undefined;
  /** How the MQTT transport identifies itself and paces commands. Holds the password: log redactConfig(config). */
  mqtt: MqttConfig;
  metricsPort: number;
  healthPort: number;
  /** Interface of /metrics ('' : every interface). Default loopback; in a pod, 0.0.0.0. */
  metricsHost: string;
  /** Interface of /healthz and /readyz ('' : every interface). Default loopback; in a pod, 0.0.0.0. */
  healthHost: string;
  leaderElect: boolean;
  leaseNamespace: string;
  leaseName: string;
  /** ISO instant the operator's clock starts at; undefined: now. */
  clockStart: string | undefined;
  /** Simulated seconds per real second (1: real time). */
  clockSpeed: number;
  /**
   * The progress of an update in flight is written to TeamsDevice status at most this often, in ms of the
   * operator's clock (--progress-interval, given in seconds); 0: every progress change.
   */
  progressIntervalMs: number;
  logLevel: LogLevel;
  /** This instance's name (POD_NAME, else HOSTNAME): the base of the leader-election identity. */
  instanceName: string | undefined;
}

export interface MqttConfig {
  /** One fixed id per installation (every replica uses it), so the leader of the moment takes over the session. */
  clientId: string;
  username: string | undefined;
  /** From TDO_MQTT_PASSWORD; never a flag value. */
  password: string | undefined;
  /** Files read when the transport is created (mounted from Secrets): the password and the TLS material. */
  passwordFile: string | undefined;
  caFile: string | undefined;
  certFile: string | undefined;
  keyFile: string | undefined;
  keepaliveSeconds: number;
  /** Commands sent to one proxy and not yet answered by an event, at most. */
  maxInFlightPerProxy: number;
}

export type Env = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  /** One line per problem, each naming its flag. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(
      `invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}\nRun with --help for the flags.`,
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export const DEFAULT_LEASE_NAME = 'teams-device-operator';

export const DEFAULT_METRICS_PORT = 8080;
export const DEFAULT_HEALTH_PORT = 8081;

/** MQTT client ids that every broker accepts; no wildcard or topic characters. */
const CLIENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const DEFAULT_PROGRESS_INTERVAL_SECONDS = String(DEFAULT_PROGRESS_INTERVAL_MS / 1000);

const FLAGS: readonly FlagDoc[] = [
  {
    name: 'kubeconfig',
    arg: 'PATH',
    env: 'KUBECONFIG',
    default: 'in-cluster when KUBERNETES_SERVICE_HOST is set, else ~/.kube/config',
    help: 'kubeconfig file to connect with (KUBECONFIG may list several, separated by ":")',
  },
  {
    name: 'namespace',
    arg: 'NAME',
    default: 'all namespaces',
    help: 'watch only this namespace (cluster-scoped FirmwareReleases are always watched)',
  },
  {
    name: 'transport',
    arg: 'memory|mqtt',
    default: 'mqtt when --mqtt-url is given, else memory',
    help: 'how commands reach devices: in-process simulated devices, or an MQTT broker',
  },
  {
    name: 'mqtt-url',
    arg: 'URL',
    env: 'TDO_MQTT_URL',
    default: 'none',
    help: 'broker URL (mqtt://, mqtts://, ws://, wss://); required with --transport mqtt',
  },
  {
    name: 'mqtt-client-id',
    arg: 'ID',
    env: 'TDO_MQTT_CLIENT_ID',
    default: '<lease-name>-<lease-namespace>',
    help: 'MQTT client id, the same for every replica of one installation (the leader takes over its session)',
  },
  {
    name: 'mqtt-username',
    arg: 'NAME',
    env: 'TDO_MQTT_USERNAME',
    default: 'none',
    help: 'MQTT user name (the password comes from TDO_MQTT_PASSWORD or --mqtt-password-file, never a flag)',
  },
  {
    name: 'mqtt-password-file',
    arg: 'PATH',
    env: 'TDO_MQTT_PASSWORD_FILE',
    default: 'none; env TDO_MQTT_PASSWORD',
    help: 'file holding the MQTT password (e.g. a mounted Secret); read at start',
  },
  {
    name: 'mqtt-ca-file',
    arg: 'PATH',
    env: 'TDO_MQTT_CA_FILE',
    default: 'the system CAs',
    help: 'PEM certificate authorities the broker certificate must chain to (mqtts:// or wss://)',
  },
  {
    name: 'mqtt-cert-file',
    arg: 'PATH',
    env: 'TDO_MQTT_CERT_FILE',
    default: 'none',
    help: 'PEM client certificate, for brokers that authenticate clients by certificate (with --mqtt-key-file)',
  },
  {
    name: 'mqtt-key-file',
    arg: 'PATH',
    env: 'TDO_MQTT_KEY_FILE',
    default: 'none',
    help: 'PEM private key of --mqtt-cert-file',
  },
  {
    name: 'mqtt-keepalive',
    arg: 'SECONDS',
    env: 'TDO_MQTT_KEEPALIVE',
    default: String(DEFAULT_KEEPALIVE_SECONDS),
    help: 'seconds between MQTT keepalive pings; the broker drops a silent operator after 1.5 times this',
  },
  {
    name: 'mqtt-max-in-flight-per-proxy',
    arg: 'N',
    env: 'TDO_MQTT_MAX_IN_FLIGHT_PER_PROXY',
    default: String(DEFAULT_MAX_IN_FLIGHT_PER_PROXY),
    help: 'commands sent to one proxy and not yet answered, at most; keep it below the broker queue limit (mosquitto: max_queued_messages, 1000)',
  },
  {
    name: 'metrics-bind-address',
    arg: 'HOST:PORT',
    default: `${LOOPBACK}:${DEFAULT_METRICS_PORT}`,
    help: 'where Prometheus /metrics listens (":8080" or "0.0.0.0:8080": every interface, as in a pod; port 0: any free port)',
  },
  {
    name: 'health-probe-bind-address',
    arg: 'HOST:PORT',
    default: `${LOOPBACK}:${DEFAULT_HEALTH_PORT}`,
    help: 'where /healthz and /readyz listen (may equal --metrics-bind-address; a pod needs 0.0.0.0 for kubelet probes)',
  },
  {
    name: 'metrics-port',
    arg: 'PORT',
    default: String(DEFAULT_METRICS_PORT),
    help: 'the port of --metrics-bind-address alone, on its default host (0: any free port)',
  },
  {
    name: 'health-port',
    arg: 'PORT',
    default: String(DEFAULT_HEALTH_PORT),
    help: 'the port of --health-probe-bind-address alone, on its default host (0: any free port)',
  },
  {
    name: 'leader-elect',
    boolean: true,
    default: 'false',
    help: 'run controllers only while holding a coordination.k8s.io Lease (for several replicas)',
  },
  {
    name: 'lease-namespace',
    arg: 'NAME',
    env: 'POD_NAMESPACE',
    default: '--namespace if given, else "default"',
    help: 'namespace of the leader-election Lease',
  },
  { name: 'lease-name', arg: 'NAME', default: DEFAULT_LEASE_NAME, help: 'name of the leader-election Lease' },
  {
    name: 'clock-start',
    arg: 'ISO-TIME',
    default: 'now',
    help: 'start the operator clock at this instant, e.g. 2026-12-01T08:00:00Z (simulations)',
  },
  {
    name: 'clock-speed',
    arg: 'N',
    default: '1',
    help: 'run the operator clock N simulated seconds per real second, e.g. 86400 for a day per second',
  },
  {
    name: 'progress-interval',
    arg: 'SECONDS',
    env: 'TDO_PROGRESS_INTERVAL',
    default: DEFAULT_PROGRESS_INTERVAL_SECONDS,
    help: 'write the progress of an update (Downloading, Installing) to TeamsDevice status at most this often, in seconds of the operator clock; results are written at once (0: every change)',
  },
  { name: 'log-level', arg: LOG_LEVELS.join('|'), default: 'info', help: 'least severe level logged' },
  { name: 'help', boolean: true, default: 'false', help: 'print this help and exit' },
];

/** Every flag, its environment variable and default. */
export function configHelp(): string {
  return renderFlagHelp(FLAGS, [
    'Flags take their value as "--flag value" or "--flag=value"; booleans also as "--flag" / "--no-flag".',
    'POD_NAME (else HOSTNAME) names this instance in the Lease and in Events.',
  ]);
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** Reads flags (argv without the command) and environment; throws ConfigError listing every problem. */
export function parseConfig(argv: readonly string[], env: Env): Readonly<Config> {
  const problems: string[] = [];
  const given = readFlags(argv, FLAGS, problems, '--namespace NAME');
  const help = given.get('help') === 'true';

  const flag = (name: string): string | undefined => given.get(name);
  const fromEnv = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value === '' ? undefined : value;
  };

  // Kubernetes connection.
  let kubeconfig: Config['kubeconfig'];
  const kubeconfigFlag = flag('kubeconfig');
  const kubeconfigEnv = fromEnv('KUBECONFIG');
  if (kubeconfigFlag !== undefined) {
    if (kubeconfigFlag === '') problems.push('--kubeconfig: give the path of a kubeconfig file');
    kubeconfig = { source: 'flag', paths: [kubeconfigFlag] };
  } else if (kubeconfigEnv !== undefined) {
    kubeconfig = { source: 'env', paths: kubeconfigEnv.split(delimiter).filter((p) => p !== '') };
  } else if (fromEnv('KUBERNETES_SERVICE_HOST') && fromEnv('KUBERNETES_SERVICE_PORT')) {
    kubeconfig = { source: 'in-cluster', paths: [] };
  } else {
    kubeconfig = { source: 'default', paths: [join(fromEnv('HOME') ?? '~', '.kube', 'config')] };
  }

  const namespace = flag('namespace') || undefined;
  if (namespace !== undefined && !isDnsLabel(namespace)) {
    problems.push(`--namespace: "${namespace}" is not a namespace name (lowercase letters, digits and "-")`);
  }

  // Transport.
  const mqttUrl = flag('mqtt-url') ?? fromEnv('TDO_MQTT_URL');
  const transportFlag = flag('transport');
  let transport: Transport = mqttUrl !== undefined ? 'mqtt' : 'memory';
  if (transportFlag !== undefined) {
    if ((TRANSPORTS as readonly string[]).includes(transportFlag)) transport = transportFlag as Transport;
    else problems.push(`--transport: "${transportFlag}" is not one of ${TRANSPORTS.join(', ')}`);
  }
  if (transport === 'mqtt' && mqttUrl === undefined) {
    problems.push('--mqtt-url: required with --transport mqtt (or set TDO_MQTT_URL)');
  }
  if (transportFlag === 'memory' && flag('mqtt-url') !== undefined) {
    problems.push('--mqtt-url: only used with --transport mqtt, but --transport is memory');
  }
  if (mqttUrl !== undefined) {
    const problem = operatorMqttUrlProblem(mqttUrl);
    if (problem) problems.push(`--mqtt-url: ${problem}`);
  }

  const metrics = listenAddress('metrics-bind-address', 'metrics-port', DEFAULT_METRICS_PORT, flag, problems);
  const health = listenAddress(
    'health-probe-bind-address',
    'health-port',
    DEFAULT_HEALTH_PORT,
    flag,
    problems,
  );

  // Leader election.
  const leaderElect = given.get('leader-elect') === 'true';
  const leaseNamespaceGiven = flag('lease-namespace') ?? fromEnv('POD_NAMESPACE');
  const leaseNamespace = leaseNamespaceGiven ?? namespace ?? 'default';
  if (leaseNamespaceGiven !== undefined && !isDnsLabel(leaseNamespaceGiven)) {
    problems.push(`--lease-namespace: "${leaseNamespaceGiven}" is not a namespace name`);
  }
  const leaseName = flag('lease-name') ?? DEFAULT_LEASE_NAME;
  if (leaseName.length > 253 || !DNS_SUBDOMAIN.test(leaseName)) {
    problems.push(
      `--lease-name: "${leaseName}" is not a valid object name (lowercase letters, digits, "-" and ".")`,
    );
  }

  // Clock.
  let clockStart: string | undefined;
  const start = flag('clock-start');
  if (start !== undefined) {
    const date = new Date(start);
    if (!ISO_INSTANT.test(start) || Number.isNaN(date.getTime())) {
      problems.push(`--clock-start: "${start}" is not an ISO 8601 instant like 2026-12-01T08:00:00Z`);
    } else {
      clockStart = date.toISOString();
    }
  }
  const speedText = flag('clock-speed') ?? '1';
  const clockSpeed = Number(speedText);
  if (speedText.trim() === '' || !Number.isFinite(clockSpeed) || clockSpeed <= 0) {
    problems.push(`--clock-speed: "${speedText}" is not a positive number`);
  }

  const intervalText =
    flag('progress-interval') ?? fromEnv('TDO_PROGRESS_INTERVAL') ?? DEFAULT_PROGRESS_INTERVAL_SECONDS;
  const progressInterval = Number(intervalText);
  if (intervalText.trim() === '' || !Number.isFinite(progressInterval) || progressInterval < 0) {
    problems.push(`--progress-interval: "${intervalText}" is not a number of seconds (0 or more)`);
  }

  const logLevelText = flag('log-level') ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevelText)) {
    problems.push(`--log-level: "${logLevelText}" is not one of ${LOG_LEVELS.join(', ')}`);
  }

  const mqtt = parseMqtt(flag, fromEnv, mqttUrl, `${leaseName}-${leaseNamespace}`, problems);

  if (problems.length > 0 && !help) throw new ConfigError(problems);

  return deepFreeze<Config>({
    help,
    kubeconfig,
    namespace,
    transport,
    mqttUrl,
    mqtt,
    metricsPort: metrics.port,
    healthPort: health.port,
    metricsHost: metrics.host,
    healthHost: health.host,
    leaderElect,
    leaseNamespace,
    leaseName,
    clockStart,
    clockSpeed,
    progressIntervalMs: Number.isFinite(progressInterval)
      ? Math.round(Math.max(0, progressInterval) * 1000)
      : 0,
    logLevel: logLevelText as LogLevel,
    instanceName: fromEnv('POD_NAME') ?? fromEnv('HOSTNAME'),
  });
}

/** The config for logs: the MQTT password replaced (and, should a URL ever carry one, its password too). */
export function redactConfig(config: Readonly<Config>): Record<string, unknown> {
  let mqttUrl = config.mqttUrl;
  if (mqttUrl !== undefined) {
    try {
      const url = new URL(mqttUrl);
      if (url.password) url.password = 'REDACTED';
      mqttUrl = url.toString();
    } catch {
      mqttUrl = 'REDACTED';
    }
  }
  const password = config.mqtt.password === undefined ? undefined : 'REDACTED';
  return { ...config, mqttUrl, mqtt: { ...config.mqtt, password } };
}

type Lookup = (name: string) => string | undefined;

function parseMqtt(
  flag: Lookup,
  fromEnv: Lookup,
  mqttUrl: string | undefined,
  defaultClientId: string,
  problems: string[],
): MqttConfig {
  const givenClientId = flag('mqtt-client-id') ?? fromEnv('TDO_MQTT_CLIENT_ID');
  const clientId = givenClientId ?? defaultClientId;
  // The default is made of the Lease's names, whose own problems are reported above.
  if (givenClientId !== undefined && !CLIENT_ID.test(givenClientId)) {
    problems.push(
      `--mqtt-client-id: "${clientId}" is not a client id (1-128 letters, digits, ".", "_", ":" and "-")`,
    );
  }
  const username = flag('mqtt-username') ?? fromEnv('TDO_MQTT_USERNAME');
  const password = fromEnv('TDO_MQTT_PASSWORD');
  const passwordFile = flag('mqtt-password-file') ?? fromEnv('TDO_MQTT_PASSWORD_FILE');
  if (password !== undefined && passwordFile !== undefined) {
    problems.push(
      '--mqtt-password-file: give the password either in TDO_MQTT_PASSWORD or in a file, not both',
    );
  }
  if ((password !== undefined || passwordFile !== undefined) && username === undefined) {
    problems.push('--mqtt-username: a password needs a user name (MQTT sends none without one)');
  }
  const caFile = flag('mqtt-ca-file') ?? fromEnv('TDO_MQTT_CA_FILE');
  const certFile = flag('mqtt-cert-file') ?? fromEnv('TDO_MQTT_CERT_FILE');
  const keyFile = flag('mqtt-key-file') ?? fromEnv('TDO_MQTT_KEY_FILE');
  if ((certFile === undefined) !== (keyFile === undefined)) {
    problems.push('--mqtt-cert-file: a client certificate and its key (--mqtt-key-file) go together');
  }
  const tlsFlag = caFile !== undefined ? 'ca' : certFile !== undefined ? 'cert' : undefined;
  if (tlsFlag && mqttUrl !== undefined && !/^(mqtts|wss):/i.test(mqttUrl)) {
    problems.push(`--mqtt-${tlsFlag}-file: TLS needs an mqtts:// or wss:// --mqtt-url`);
  }
  const keepaliveSeconds = integer(
    'mqtt-keepalive',
    flag('mqtt-keepalive') ?? fromEnv('TDO_MQTT_KEEPALIVE') ?? String(DEFAULT_KEEPALIVE_SECONDS),
    { min: 0, max: 65_535 },
    problems,
  );
  const maxInFlightPerProxy = integer(
    'mqtt-max-in-flight-per-proxy',
    flag('mqtt-max-in-flight-per-proxy') ??
      fromEnv('TDO_MQTT_MAX_IN_FLIGHT_PER_PROXY') ??
      String(DEFAULT_MAX_IN_FLIGHT_PER_PROXY),
    { min: 1, max: 65_535 },
    problems,
  );
  return {
    clientId,
    username,
    password,
    passwordFile,
    caFile,
    certFile,
    keyFile,
    keepaliveSeconds,
    maxInFlightPerProxy,
  };
}

function integer(
  name: string,
  text: string,
  { min, max }: { min: number; max: number },
  problems: string[],
): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    problems.push(`--${name}: "${text}" is not a whole number from ${min} to ${max}`);
    return min;
  }
  return value;
}

function port(name: string, text: string, problems: string[]): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > 65535) {
    problems.push(`--${name}: "${text}" is not a port number (0-65535)`);
    return 0;
  }
  return value;
}

/** A listener from its HOST:PORT flag, or from its port-only flag on the loopback host; not both. */
function listenAddress(
  addressFlag: string,
  portFlag: string,
  defaultPort: number,
  flag: (name: string) => string | undefined,
  problems: string[],
): BindAddress {
  const address = flag(addressFlag);
  const portOnly = flag(portFlag);
  if (address !== undefined && portOnly !== undefined) {
    problems.push(`--${portFlag}: give either --${addressFlag} or --${portFlag}, not both`);
  }
  if (address === undefined)
    return { host: LOOPBACK, port: port(portFlag, portOnly ?? String(defaultPort), problems) };
  const parsed = parseBindAddress(address);
  if (typeof parsed === 'string') {
    problems.push(`--${addressFlag}: ${parsed}`);
    return { host: LOOPBACK, port: 0 };
  }
  return parsed;
}

function isDnsLabel(value: string): boolean {
  return value.length <= 63 && DNS_LABEL.test(value);
}

/** A broker URL's problem; one with credentials too, since a URL is logged and shown in process lists. */
function operatorMqttUrlProblem(value: string): string | undefined {
  const problem = mqttUrlProblem(value);
  if (problem) return problem;
  const url = new URL(value);
  if (url.username || url.password) {
    return 'must not hold a user or password: set TDO_MQTT_USERNAME and TDO_MQTT_PASSWORD (or --mqtt-password-file)';
  }
  return undefined;
}
