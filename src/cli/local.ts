// `teams-device-operator local` (what `npm start` runs): the whole system on this machine, no cluster needed
// (src/local/system.ts), shown live (src/local/view/), until q, Ctrl-C or SIGTERM, which stop everything it
// started and exit 0. Starting again resumes every object, the simulated clock and the updates in flight.
import { resolve } from 'node:path';
import pino from 'pino';
import { CATEGORY } from '../api/v1alpha1/crds.js';
import { ConfigError, LOG_LEVELS, type LogLevel } from '../config/config.js';
import { type FlagDoc, readFlags, renderFlagHelp } from '../config/flags.js';
import { locateKubectl } from '../local/kubectl.js';
import { prepareStateDir, statePaths } from '../local/state-dir.js';
import { LocalStartError, type LocalSystem, startLocal } from '../local/system.js';
import { type LiveView, startLiveView } from '../local/view/live.js';
import { formatInstant } from '../local/view/render.js';

const PREFIX = 'teams-device-operator local';
/** How often it checks that the process that started it still runs. */
const PARENT_CHECK_MS = 1000;

const FLAGS: readonly FlagDoc[] = [
  { name: 'state-dir', arg: 'DIR', default: '.tdo', help: 'where everything is kept' },
  {
    name: 'reset',
    boolean: true,
    default: 'false',
    help: 'remove the state directory first: start over with the examples and a new clock',
  },
  {
    name: 'clock-speed',
    arg: 'N',
    default: "the last run's, else 1",
    help: 'simulated seconds per real second, e.g. 3600 for an hour per second',
  },
  {
    name: 'clock-start',
    arg: 'ISO-TIME',
    default: 'now',
    help: 'the simulated instant of a fresh start; a restart continues where the last run stopped (--reset to start elsewhere)',
  },
  { name: 'quiet', boolean: true, default: 'false', help: 'no live view: one line per state change' },
  {
    name: 'tls',
    boolean: true,
    default: 'true',
    help: 'serve the API over HTTPS; --no-tls: plain HTTP (the kubeconfig then carries the token in its URL)',
  },
  { name: 'port', arg: 'N', default: '0: a free one', help: 'port of the API server' },
  {
    name: 'log-level',
    arg: LOG_LEVELS.join('|'),
    default: 'info',
    help: 'least severe level in DIR/local.log',
  },
  { name: 'help', boolean: true, default: 'false', help: 'print this help and exit' },
];

export const HELP = `Usage: ${PREFIX} [options]     (npm start -- [options])

Runs everything on this machine: an embedded Kubernetes-compatible control plane (state in --state-dir,
served over HTTPS), the CRDs, the example fleet of deploy/examples/ (on the first start only), an MQTT broker
on 127.0.0.1 with generated users, the operator, and the device proxies of every DeviceProxyPool. Prints a
kubeconfig for kubectl, then shows the rollout live (or, when stdout is not a terminal or with --quiet, one
line per state change). q, Ctrl-C or SIGTERM stops everything (exit 0); starting again resumes.

${renderFlagHelp(FLAGS, [
  'Keys in the live view: q quit, p pause or resume the clock, + twice as fast, - half as fast.',
  '',
  'Exit codes:',
  '  0  stopped by q, Ctrl-C or SIGTERM',
  '  1  could not start',
  '  2  invalid flags',
])}`;

export interface LocalArgs {
  help: boolean;
  stateDir: string;
  reset: boolean;
  clockSpeed: number | undefined;
  clockStart: string | undefined;
  quiet: boolean;
  tls: boolean;
  port: number;
  logLevel: LogLevel;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** Reads the flags; throws ConfigError listing every problem, each naming its flag. */
export function parseLocalArgs(argv: readonly string[]): LocalArgs {
  const problems: string[] = [];
  const given = readFlags(argv, FLAGS, problems, '--clock-speed N');
  let clockSpeed: number | undefined;
  const speedText = given.get('clock-speed');
  if (speedText !== undefined) {
    clockSpeed = Number(speedText);
    if (!(clockSpeed > 0) || !Number.isFinite(clockSpeed)) {
      problems.push(`--clock-speed: "${speedText}" is not a positive number`);
    }
  }
  const clockStart = given.get('clock-start');
  if (clockStart !== undefined && (!ISO_INSTANT.test(clockStart) || Number.isNaN(Date.parse(clockStart)))) {
    problems.push(`--clock-start: "${clockStart}" is not an ISO 8601 instant like 2026-12-01T08:00:00Z`);
  }
  const portText = given.get('port') ?? '0';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) problems.push(`--port: "${portText}" is not a port`);
  const logLevel = given.get('log-level') ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    problems.push(`--log-level: "${logLevel}" is not one of ${LOG_LEVELS.join(', ')}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    help: given.get('help') === 'true',
    stateDir: resolve(given.get('state-dir') ?? '.tdo'),
    reset: given.get('reset') === 'true',
    clockSpeed,
    clockStart,
    quiet: given.get('quiet') === 'true',
    tls: given.get('tls') !== 'false',
    port,
    logLevel: logLevel as LogLevel,
  };
}

/** What the user reads first: where things are, and the commands to paste. */
export function introLines(
  system: LocalSystem,
  kubectl: Awaited<ReturnType<typeof locateKubectl>>,
): string[] {
  const { paths, clock } = system;
  const lines = [
    `${PREFIX}: control plane ${system.cluster.url}, broker ${system.broker.url}, state in ${paths.root}`,
    `Simulated clock ${formatInstant(clock.now())} at ×${clock.speed}${system.resumed ? ' (resumed where the last run stopped)' : ''}`,
    `Kubeconfig: ${paths.kubeconfig}`,
    'Paste:',
    `  export KUBECONFIG=${paths.kubeconfig}`,
  ];
  if (kubectl.kind === 'unpacked')
    lines.push(`  export PATH=${paths.binDir}:$PATH    # kubectl ${kubectl.path}`);
  lines.push(`  kubectl get ${CATEGORY} -A`, '  kubectl get tdev -A -w');
  if (kubectl.kind === 'missing') lines.push(`(${kubectl.message})`);
  return lines;
}

export async function main(argv: string[]): Promise<number> {
  let args: LocalArgs;
  try {
    args = parseLocalArgs(argv);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${PREFIX}: ${error.message}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const paths = statePaths(args.stateDir);
  prepareStateDir(paths, args.reset);
  const logFile = `${paths.root}/local.log`;
  const logger = pino(
    { level: args.logLevel },
    pino.destination({ dest: logFile, sync: false, mkdir: true }),
  );

  // Signals that come while starting stop it as soon as it is up.
  let quit: () => void = () => {};
  const quitting = new Promise<void>((resolveQuit) => {
    quit = resolveQuit;
  });
  const onSignal = () => quit();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // `npm start` runs this under sh, which does not pass SIGTERM on: when the process that started this one
  // ends, this one stops too, rather than running on as an orphan with its proxies.
  const parent = process.ppid;
  const orphaned = setInterval(() => {
    if (process.ppid !== parent) quit();
  }, PARENT_CHECK_MS);
  orphaned.unref();
  let system: LocalSystem;
  try {
    system = await startLocal({ ...args, logger });
  } catch (error) {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    clearInterval(orphaned);
    logger.error({ err: error }, 'local failed to start');
    const why = error instanceof LocalStartError ? error.message : (error as Error).message;
    process.stderr.write(`${PREFIX}: could not start: ${why}\n(log: ${logFile})\n`);
    logger.flush();
    return 1;
  }
  const kubectl = await locateKubectl(paths.binDir, process.env.PATH);
  const intro = introLines(system, kubectl);
  process.stdout.write(`${intro.join('\n')}\n`);
  if (args.clockStart && system.resumed) {
    process.stdout.write(`(--clock-start ignored: resuming the saved clock; --reset starts over)\n`);
  }
  const interactive = !args.quiet && process.stdout.isTTY === true;
  let view: LiveView | undefined;
  try {
    view = await startLiveView({
      client: system.client,
      sources: system.operator.informers,
      clock: system.clock,
      out: process.stdout,
      input: process.stdin,
      interactive,
      hints: intro.slice(2),
      onQuit: () => quit(),
    });
  } catch (error) {
    logger.error({ err: error }, 'live view failed');
  }
  await Promise.race([quitting, system.operator.done]);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  clearInterval(orphaned);
  await view?.stop();
  process.stdout.write(`${PREFIX}: stopping\n`);
  await system.stop();
  process.stdout.write(
    `${PREFIX}: stopped at simulated ${formatInstant(system.clock.now())}; \`npm start\` resumes from here\n`,
  );
  logger.flush();
  return 0;
}
