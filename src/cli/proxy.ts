// `teams-device-operator proxy`: the device proxy a DeviceProxyPool's pods run, until SIGTERM or SIGINT, when
// it says it is going (retained presence online:false), disconnects and exits 0.
import pino from 'pino';
import { ProxyConfigError, parseProxyConfig, proxyHelp } from '../proxy/config.js';
import { startProxy } from '../proxy/program.js';

const PREFIX = 'teams-device-operator proxy';

export const HELP = `Usage: ${PREFIX} --pool NAME --namespace NS --mqtt-url URL [options]

Runs one device proxy of a DeviceProxyPool: reads the pool's devices.json and simulator.json (and follows
their changes), connects to the MQTT broker, publishes each device's state and its own presence, and relays
update commands to its driver after checking them (notAfter, the artifact's size and sha256). Serves
/healthz and /metrics. SIGTERM or SIGINT stops it cleanly (exit 0).

${proxyHelp()}

Exit codes:
  0  stopped by SIGTERM or SIGINT
  1  could not start (e.g. the state directory is not writable, the listen address is taken)
  2  invalid flags`;

export async function main(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  proc: Pick<NodeJS.Process, 'once' | 'off'> = process,
): Promise<number> {
  let config: ReturnType<typeof parseProxyConfig>;
  try {
    config = parseProxyConfig(argv, env);
  } catch (error) {
    if (!(error instanceof ProxyConfigError)) throw error;
    process.stderr.write(`${PREFIX}: ${error.message}\n`);
    return 2;
  }
  if (config.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const logger = pino({
    level: config.logLevel,
    base: { component: 'teams-device-operator-proxy', pod: config.pod },
    redact: ['password', '*.password'],
  });
  let running: Awaited<ReturnType<typeof startProxy>>;
  try {
    running = await startProxy(config, logger);
  } catch (error) {
    logger.error({ err: error }, 'proxy failed to start');
    process.stderr.write(`${PREFIX}: could not start: ${(error as Error).message}\n`);
    return 1;
  }
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const on = (s: NodeJS.Signals) => {
      proc.off('SIGTERM', on);
      proc.off('SIGINT', on);
      resolve(s);
    };
    proc.once('SIGTERM', on);
    proc.once('SIGINT', on);
  });
  logger.info({ signal }, 'stopping');
  await running.stop();
  return 0;
}
