// The whole system on one machine, as `teams-device-operator local` runs it: the embedded control plane
// (state in the state directory, HTTPS by default), the CRDs, the example fleet on the first start, the
// embedded MQTT broker on 127.0.0.1 with generated users, the operator with the MQTT transport on a
// simulated clock, and the pools' proxies (proxies.ts). stop() stops all of it in the reverse order and
// saves the simulated instant, so the next start resumes from it.
import { join } from 'node:path';
import type { Logger } from 'pino';
import { type EmbeddedBroker, startEmbeddedBroker } from '../broker/embedded.js';
import { loadControlPlane } from '../cli/cluster.js';
import { parseConfig } from '../config/config.js';
import { KubeClient } from '../k8s/client.js';
import { loadKubeConfig } from '../k8s/kubeconfig.js';
import { withKeepAlive } from '../operator/kube.js';
import { type Operator, startOperator } from '../operator/operator.js';
import { RealClock } from '../runtime/clock.js';
import { applyCrds, applyExamplesOnce, packageRoot } from './apply.js';
import { LabClock } from './lab-clock.js';
import { followPoolSecrets } from './pool-secrets.js';
import { type PoolProxies, startPoolProxies } from './proxies.js';
import {
  brokerUsers,
  prepareStateDir,
  readSavedClock,
  type StatePaths,
  saveClock,
  statePaths,
} from './state-dir.js';

/** The running control plane (its package is loaded through the cluster command only). */
type LocalCluster = Awaited<
  ReturnType<NonNullable<Awaited<ReturnType<typeof loadControlPlane>>>['startLocalCluster']>
>;

/** How often the simulated instant is saved while running (it is saved on stop too). */
const CLOCK_SAVE_MS = 2000;

export interface LocalOptions {
  /** Created if absent (the CLI removes it first for --reset). */
  stateDir: string;
  /** Undefined: the saved speed, else 1. */
  clockSpeed: number | undefined;
  /** Undefined: now (a restart continues from the saved instant whatever this says). */
  clockStart: string | undefined;
  tls: boolean;
  /** Port of the API server; 0 picks a free one. */
  port: number;
  logger: Logger;
  logLevel: string;
}

export interface LocalSystem {
  paths: StatePaths;
  cluster: LocalCluster;
  client: KubeClient;
  broker: EmbeddedBroker;
  operator: Operator;
  proxies: PoolProxies;
  clock: LabClock;
  /** Objects of deploy/examples created by this start (0 on a restart). */
  examplesCreated: number;
  /** The simulated instant came from the previous run. */
  resumed: boolean;
  /** Stops everything it started (idempotent). */
  stop(): Promise<void>;
}

export class LocalStartError extends Error {}

export async function startLocal(options: LocalOptions): Promise<LocalSystem> {
  const { logger } = options;
  const paths = statePaths(options.stateDir);
  prepareStateDir(paths, false);
  const saved = readSavedClock(paths);
  const clock = new LabClock({
    start: new Date(saved?.simulatedAt ?? options.clockStart ?? new RealClock().now().toISOString()),
    speed: options.clockSpeed ?? saved?.speed ?? 1,
  });

  const controlPlane = await loadControlPlane();
  if (!controlPlane) {
    throw new LocalStartError(
      'the embedded control plane (@teams-device-operator/localcluster) is not installed here; run `npm ci` in a checkout',
    );
  }
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    // The instant saved is the one at which the user stopped, however long stopping takes.
    clock.setPaused(true);
    for (const stop of stops.splice(0).reverse()) {
      await stop().catch((err: unknown) => logger.error({ err }, 'stop failed'));
    }
  };
  try {
    const cluster = await controlPlane.startLocalCluster({
      port: options.port,
      dataDir: paths.clusterDir,
      kubeconfigPath: paths.kubeconfig,
      tls: options.tls,
      logger: logger.child({ component: 'control-plane' }),
    });
    stops.push(() => cluster.stop());
    const client = new KubeClient(
      withKeepAlive(loadKubeConfig({ source: 'flag', paths: [paths.kubeconfig] })),
    );
    await applyCrds(client);
    const examplesCreated = await applyExamplesOnce(
      client,
      join(packageRoot(), 'deploy', 'examples'),
      paths.examplesMarker,
    );

    const users = brokerUsers(paths);
    const broker = await startEmbeddedBroker({
      users: {
        [users.operator.username]: users.operator.password,
        [users.proxy.username]: users.proxy.password,
      },
      logger,
    });
    stops.push(() => broker.stop());

    const config = parseConfig(
      [
        '--transport',
        'mqtt',
        '--mqtt-url',
        broker.url,
        '--mqtt-username',
        users.operator.username,
        '--kubeconfig',
        paths.kubeconfig,
        '--metrics-port',
        '0',
        '--health-port',
        '0',
        '--log-level',
        options.logLevel,
      ],
      { TDO_MQTT_PASSWORD: users.operator.password },
    );
    const operator = await startOperator({
      config,
      client,
      clock,
      wallClock: new RealClock(),
      logger,
      host: '127.0.0.1',
    });
    stops.push(() => operator.stop());
    const unfollow = followPoolSecrets(client, operator.informers.pools, users.proxy, logger);
    stops.push(async () => unfollow());

    const proxies = await startPoolProxies({
      client,
      brokerUrl: broker.url,
      dir: paths.proxiesDir,
      clock,
      logger,
    });
    // Listed before the operator, so stopped after it: no command is sent to a proxy that is gone.
    stops.splice(stops.length - 2, 0, () => proxies.stop());

    const saver = setInterval(() => saveClock(paths, clock), CLOCK_SAVE_MS);
    stops.push(async () => {
      clearInterval(saver);
      saveClock(paths, clock);
    });

    let stopping: Promise<void> | undefined;
    return {
      paths,
      cluster,
      client,
      broker,
      operator,
      proxies,
      clock,
      examplesCreated,
      resumed: saved !== undefined,
      stop: () => {
        stopping ??= stopAll();
        return stopping;
      },
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
