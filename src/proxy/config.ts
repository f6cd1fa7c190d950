// The proxy's configuration, parsed once from flags and environment into a frozen object that is passed down
// (no proxy module reads process.env). Broker credentials come only from the environment (the pool's Secret),
// so they never appear in a pod spec's args or in `ps`; they are kept out of every log line.

import { hostname } from 'node:os';
import { deepFreeze } from '@teams-device-operator/apimachinery';
import { DRIVERS, type Driver } from '../api/v1alpha1/deviceproxypool.js';
import { LOG_LEVELS, type LogLevel } from '../config/config.js';
import { type FlagDoc, mqttUrlProblem, readFlags, renderFlagHelp } from '../config/flags.js';
import { POOL_CONFIG_DIR, PROXY_STATE_DIR } from '../controllers/pool/objects.js';
import { isValidTopicLevel } from '../transport/protocol.js';

export interface ProxyConfig {
  help: boolean;
  namespace: string;
  pool: string;
  pod: string;
  driver: Driver;
  /** May hold credentials in its userinfo: log redactedUrl(config.mqttUrl), never this. */
  mqttUrl: string;
  mqttUsername: string | undefined;
  mqttPassword: string | undefined;
  mqttKeepaliveSeconds: number;
  mqttCaFile: string | undefined;
  mqttCertFile: string | undefined;
  mqttKeyFile: string | undefined;
  configDir: string;
  stateDir: string;
  listenHost: string;
  listenPort: number;
  httpEndpointTemplate: string | undefined;
  /** A file holding the bearer token of the device agents (driver http); its content is never logged. */
  httpTokenFile: string | undefined;
  /** ISO instant the simulated clock starts at; undefined: now. */
  clockStart: string | undefined;
  clockSpeed: number;
  logLevel: LogLevel;
}

export type Env = Readonly<Record<string, string | undefined>>;

export class ProxyConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid flags:\n${problems.map((p) => `  ${p}`).join('\n')}\nRun with --help for the flags.`);
    this.name = 'ProxyConfigError';
  }
}

export const DEFAULT_LISTEN = '127.0.0.1:8081';

const FLAGS: readonly FlagDoc[] = [
  { name: 'pool', arg: 'NAME', default: 'required', help: 'the DeviceProxyPool this proxy belongs to' },
  { name: 'namespace', arg: 'NAME', default: 'required', help: 'the namespace of the pool' },
  {
    name: 'pod',
    arg: 'NAME',
    env: 'POD_NAME',
    default: 'the host name',
    help: "this proxy's name in its presence topic and MQTT client id",
  },
  {
    name: 'mqtt-url',
    arg: 'URL',
    env: 'TDO_MQTT_URL',
    default: 'required',
    help: 'broker URL (mqtt://, mqtts://, ws://, wss://)',
  },
  { name: 'driver', arg: DRIVERS.join('|'), default: 'simulator', help: 'how the proxy reaches its devices' },
  {
    name: 'http-endpoint-template',
    arg: 'URL',
    default: 'none',
    help: 'base URL of each device agent, with {deviceId} (driver http)',
  },
  {
    name: 'http-token-file',
    arg: 'PATH',
    default: 'none',
    help: 'file with the bearer token the device agents expect (driver http)',
  },
  {
    name: 'config-dir',
    arg: 'DIR',
    default: POOL_CONFIG_DIR,
    help: "where devices.json and simulator.json are (the pool's ConfigMap); changes are followed",
  },
  {
    name: 'state-dir',
    arg: 'DIR',
    default: PROXY_STATE_DIR,
    help: 'where finished commands, simulated versions and fetched artifacts are kept across restarts',
  },
  {
    name: 'listen',
    arg: 'HOST:PORT',
    default: DEFAULT_LISTEN,
    help: 'address of /healthz and /metrics (port 0: any free port)',
  },
  {
    name: 'mqtt-keepalive',
    arg: 'SECONDS',
    default: '30',
    help: 'seconds between MQTT pings; the broker publishes the last will after 1.5 times this of silence',
  },
  {
    name: 'mqtt-ca-file',
    arg: 'PATH',
    default: 'none',
    help: 'PEM of the CAs the broker certificate chains to',
  },
  {
    name: 'mqtt-cert-file',
    arg: 'PATH',
    default: 'none',
    help: 'PEM of a client certificate for the broker',
  },
  { name: 'mqtt-key-file', arg: 'PATH', default: 'none', help: 'PEM of the key of --mqtt-cert-file' },
  {
    name: 'clock-start',
    arg: 'ISO-TIME',
    default: 'now',
    help: 'start the simulated clock at this instant, e.g. 2026-12-01T08:00:00Z',
  },
  {
    name: 'clock-speed',
    arg: 'N',
    default: '1',
    help: 'simulated seconds per real second (as the operator was started with), for simulated downloads and notAfter',
  },
  {
    name: 'log-level',
    arg: 'LEVEL',
    default: 'info',
    help: `least severe level logged: ${LOG_LEVELS.join(', ')}`,
  },
  { name: 'help', default: 'false', help: 'print this help and exit' },
];

export function proxyHelp(): string {
  return renderFlagHelp(FLAGS, [
    'Flags take their value as "--flag value" or "--flag=value".',
    'TDO_MQTT_USERNAME and TDO_MQTT_PASSWORD (from the environment only) authenticate to the broker.',
  ]);
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Reads flags and environment; throws ProxyConfigError listing every problem, each naming its flag. */
export function parseProxyConfig(argv: readonly string[], env: Env): Readonly<ProxyConfig> {
  const problems: string[] = [];
  // help is only -h or --help (readFlags' own), never --help=VALUE: it is listed, not read.
  const given = readFlags(
    argv,
    FLAGS.filter((f) => f.name !== 'help'),
    problems,
    '--pool NAME',
  );
  const help = given.has('help');
  const flag = (name: string) => given.get(name);
  const fromEnv = (name: string) => (env[name] === '' ? undefined : env[name]);

  const required = (name: string): string => {
    const value = flag(name);
    if (value === undefined || value === '') problems.push(`--${name}: required`);
    return value ?? '';
  };
  const namespace = required('namespace');
  if (namespace && !(namespace.length <= 63 && DNS_LABEL.test(namespace))) {
    problems.push(`--namespace: "${namespace}" is not a namespace name (lowercase letters, digits and "-")`);
  }
  const pool = required('pool');
  if (pool && !isValidTopicLevel(pool)) problems.push(`--pool: "${pool}" cannot be one MQTT topic level`);
  const pod = flag('pod') ?? fromEnv('POD_NAME') ?? hostname();
  if (!isValidTopicLevel(pod)) problems.push(`--pod: "${pod}" cannot be one MQTT topic level`);

  const mqttUrl = flag('mqtt-url') ?? fromEnv('TDO_MQTT_URL') ?? '';
  if (mqttUrl === '') problems.push('--mqtt-url: required (or set TDO_MQTT_URL)');
  else {
    const problem = mqttUrlProblem(mqttUrl);
    if (problem) problems.push(`--mqtt-url: ${problem}`);
  }

  const driverText = flag('driver') ?? 'simulator';
  if (!(DRIVERS as readonly string[]).includes(driverText)) {
    problems.push(`--driver: "${driverText}" is not one of ${DRIVERS.join(', ')}`);
  }
  const template = flag('http-endpoint-template');
  if (template !== undefined && !/^https?:\/\/\S+$/.test(template)) {
    problems.push(`--http-endpoint-template: "${template}" is not an http or https URL`);
  }

  const listen = flag('listen') ?? DEFAULT_LISTEN;
  const listenMatch = /^(.+):(\d+)$/.exec(listen);
  const listenPort = Number(listenMatch?.[2]);
  if (!listenMatch || listenPort > 65535) {
    problems.push(`--listen: "${listen}" is not HOST:PORT, e.g. 127.0.0.1:8081 or 0.0.0.0:8081`);
  }
  const listenHost = (listenMatch?.[1] ?? '').replace(/^\[(.*)\]$/, '$1');

  const keepaliveText = flag('mqtt-keepalive') ?? '30';
  const keepalive = Number(keepaliveText);
  if (!/^\d+$/.test(keepaliveText) || keepalive < 1 || keepalive > 65535) {
    problems.push(`--mqtt-keepalive: "${keepaliveText}" is not a number of seconds (1-65535)`);
  }
  if ((flag('mqtt-cert-file') === undefined) !== (flag('mqtt-key-file') === undefined)) {
    problems.push('--mqtt-cert-file: give it together with --mqtt-key-file');
  }

  let clockStart: string | undefined;
  const start = flag('clock-start');
  if (start !== undefined) {
    const date = new Date(start);
    if (!ISO_INSTANT.test(start) || Number.isNaN(date.getTime())) {
      problems.push(`--clock-start: "${start}" is not an ISO 8601 instant like 2026-12-01T08:00:00Z`);
    } else clockStart = date.toISOString();
  }
  const speedText = flag('clock-speed') ?? '1';
  const clockSpeed = Number(speedText);
  if (speedText.trim() === '' || !Number.isFinite(clockSpeed) || clockSpeed <= 0) {
    problems.push(`--clock-speed: "${speedText}" is not a positive number`);
  }
  const logLevel = flag('log-level') ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    problems.push(`--log-level: "${logLevel}" is not one of ${LOG_LEVELS.join(', ')}`);
  }
  for (const name of ['config-dir', 'state-dir'] as const) {
    if (flag(name) === '') problems.push(`--${name}: give a directory`);
  }

  if (problems.length > 0 && !help) throw new ProxyConfigError(problems);
  return deepFreeze<ProxyConfig>({
    help,
    namespace,
    pool,
    pod,
    driver: driverText as Driver,
    mqttUrl,
    mqttUsername: fromEnv('TDO_MQTT_USERNAME'),
    mqttPassword: fromEnv('TDO_MQTT_PASSWORD'),
    mqttKeepaliveSeconds: keepalive,
    mqttCaFile: flag('mqtt-ca-file'),
    mqttCertFile: flag('mqtt-cert-file'),
    mqttKeyFile: flag('mqtt-key-file'),
    configDir: flag('config-dir') ?? POOL_CONFIG_DIR,
    stateDir: flag('state-dir') ?? PROXY_STATE_DIR,
    listenHost,
    listenPort,
    httpEndpointTemplate: template,
    httpTokenFile: flag('http-token-file'),
    clockStart,
    clockSpeed,
    logLevel: logLevel as LogLevel,
  });
}

/** The broker URL for logs: a password in it replaced. */
export function redactedUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = 'REDACTED';
    return url.toString();
  } catch {
    return 'REDACTED';
  }
}
