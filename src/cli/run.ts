// `teams-device-operator run`: the operator against a cluster (KUBECONFIG, --kubeconfig or in-cluster), until
// SIGTERM/SIGINT (exit 0) or until it loses leadership (exit 1: the pod restarts and stands by again).
import pino from 'pino';
import { type Config, ConfigError, configHelp, type Env, parseConfig } from '../config/config.js';
import { type MqttSecrets, readMqttSecrets } from '../config/mqtt-files.js';
import type { KubeClient } from '../k8s/client.js';
import { clientFromConfig } from '../operator/kube.js';
import { startOperator } from '../operator/operator.js';
import { AcceleratedClock, type Clock, RealClock } from '../runtime/clock.js';
import type { StopReason } from '../runtime/manager.js';
import { OperatorMetrics } from '../runtime/metrics.js';
import { safeLogger } from '../runtime/safe-logger.js';

const PREFIX = 'teams-device-operator run';

export const HELP = `Usage: ${PREFIX} [options]

Runs the operator against a Kubernetes cluster: the one of --kubeconfig or KUBECONFIG, else the in-cluster
service account, else ~/.kube/config. It watches TeamsDevices, FirmwareReleases, UpdatePlans, UpdatePolicies
and DeviceProxyPools, sends updates to devices, and serves /healthz, /readyz and /metrics. SIGTERM or
SIGINT stops it cleanly (exit 0); losing leadership (--leader-elect) exits 1 so the pod restarts.

${configHelp()}
OPERATOR_IMAGE sets the default image of device proxy pods (the chart sets it to the operator's own image).

Exit codes:
  0  stopped by SIGTERM or SIGINT
  1  leadership lost, or the operator could not start (e.g. no kubeconfig)
  2  invalid flags, or a file they name (MQTT password, CA, certificate, key) that cannot be read`;

/** Exit code for why the operator stopped. */
export function exitCodeFor(reason: StopReason): number {
  return reason === 'stopped' || reason === 'signal' ? 0 : 1;
}

/** The operator's clock: real time, or accelerated/shifted with --clock-start / --clock-speed. */
export function operatorClock(
  config: Pick<Config, 'clockStart' | 'clockSpeed'>,
  base: Clock = new RealClock(),
): Clock {
  if (config.clockStart === undefined && config.clockSpeed === 1) return base;
  const start = config.clockStart === undefined ? base.now() : new Date(config.clockStart);
  return new AcceleratedClock({ start, speed: config.clockSpeed, base });
}

export async function main(
  argv: string[],
  env: Env = process.env,
  proc: Pick<NodeJS.Process, 'once' | 'off'> = process,
): Promise<number> {
  let config: Readonly<Config>;
  try {
    config = parseConfig(argv, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${PREFIX}: ${error.message}\n`);
    return 2;
  }
  if (config.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }

  // redactConfig already hides the MQTT password; safeLogger keeps it, tokens and URL credentials out of
  // every line, even of a config or an error logged whole by mistake.
  const logger = safeLogger(pino({ level: config.logLevel, base: { component: 'teams-device-operator' } }));
  const clock = operatorClock(config);
  // A file the flags name that cannot be read is a usage problem: reported before anything else can fail.
  let mqttSecrets: MqttSecrets | undefined;
  try {
    if (config.transport === 'mqtt') mqttSecrets = readMqttSecrets(config.mqtt);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${PREFIX}: ${error.message}\n`);
    return 2;
  }
  let client: KubeClient;
  try {
    client = clientFromConfig(config);
  } catch (error) {
    process.stderr.write(`${PREFIX}: ${(error as Error).message}\n`);
    return 1;
  }
  if (clock instanceof AcceleratedClock) {
    logger.info({ now: clock.now().toISOString(), speed: clock.speed }, 'operator clock is simulated');
  }

  let operator: Awaited<ReturnType<typeof startOperator>>;
  try {
    operator = await startOperator({
      config,
      client,
      clock,
      wallClock: new RealClock(),
      logger,
      metrics: new OperatorMetrics({ defaultMetrics: true }),
      signals: proc,
      ...(mqttSecrets === undefined ? {} : { mqttSecrets }),
      ...(env.OPERATOR_IMAGE ? { image: env.OPERATOR_IMAGE } : {}),
    });
  } catch (error) {
    logger.error({ err: error }, 'operator failed to start');
    process.stderr.write(`${PREFIX}: could not start: ${(error as Error).message}\n`);
    return 1;
  }
  const reason = await operator.done;
  if (reason === 'leadership-lost') {
    process.stderr.write(`${PREFIX}: leadership lost; exiting so that this replica restarts as a standby\n`);
  }
  return exitCodeFor(reason);
}
