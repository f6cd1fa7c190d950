// The one cluster fixture: an embedded control plane per describe block, reached through kubectl and helm (as
// a user would) and through a client-node KubeConfig. It can be restarted on the same data directory, and
// stopped and started again on the same port, as an API server restart looks to a client. The operator's tests
// wrap it (test/support/cluster.ts) with their own client; this file knows only the package.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import pino from 'pino';
import { type LocalCluster, type LocalClusterOptions, startLocalCluster } from '../../index.js';
import { Clients } from './tools.js';

export interface ClusterFixture {
  /** The running cluster (throws outside the suite's hooks). */
  readonly cluster: LocalCluster;
  /** kubectl and helm pointed at it (made on first use). */
  readonly clients: Clients;
  /** The data dir the cluster persists to, kept across restart(). */
  readonly dataDir: string;
  /** A client-node KubeConfig for the cluster. */
  kubeConfig(): KubeConfig;
  /** Stop the server and start it again on the same data dir (the port may change). */
  restart(): Promise<void>;
  /** Stops the API server (clients see their connections end and new ones refused). */
  stopServer(): Promise<void>;
  /** Starts it again on the same port and data directory. */
  startServer(): Promise<void>;
}

export interface UseClusterOptions extends Omit<LocalClusterOptions, 'dataDir' | 'logger'> {
  /** Install the committed CRDs in the before hook, as a user does: `kubectl apply -f crds/`, then wait. */
  crds?: boolean;
}

/** Registers before/after hooks that start and stop a cluster for the enclosing describe block. */
export function useLocalCluster(options: UseClusterOptions = {}): ClusterFixture {
  const { crds, ...clusterOptions } = options;
  let cluster: LocalCluster | undefined;
  let clients: Clients | undefined;
  let dataDir: string | undefined;
  let kubeconfig = '';
  /** The port of the last start: startServer() comes back on it. */
  let port = clusterOptions.port ?? 0;
  const logger = pino({ level: process.env.TDO_TEST_LOG_LEVEL || 'silent' });
  const start = async (on: number) => {
    cluster = await startLocalCluster({ listen: '127.0.0.1', ...clusterOptions, port: on, dataDir, logger });
    port = Number(new URL(cluster.url).port);
    kubeconfig = cluster.kubeconfig();
    clients?.setKubeconfig(kubeconfig);
  };
  const running = (): LocalCluster => {
    if (!cluster) throw new Error('the cluster is not running (use it inside it/before hooks)');
    return cluster;
  };

  const fixture: ClusterFixture = {
    get cluster() {
      return running();
    },
    get clients() {
      clients ??= new Clients(running().kubeconfig());
      return clients;
    },
    get dataDir() {
      if (!dataDir) throw new Error('the cluster is not running');
      return dataDir;
    },
    kubeConfig() {
      const kc = new KubeConfig();
      kc.loadFromString(kubeconfig || running().kubeconfig());
      return kc;
    },
    async restart() {
      await cluster?.stop();
      cluster = undefined;
      await start(clusterOptions.port ?? 0);
    },
    async stopServer() {
      await cluster?.stop();
      cluster = undefined;
    },
    startServer: () => start(port),
  };

  before(async function () {
    this.timeout(60_000);
    dataDir = mkdtempSync(join(tmpdir(), 'tdo-cluster-'));
    await start(port);
    if (crds) await installCrds(fixture.clients);
  });

  after(async () => {
    await cluster?.stop();
    cluster = undefined;
    await clients?.dispose();
    clients = undefined;
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  return fixture;
}

/** What a user does first: apply the CRDs and wait until they are served. */
export async function installCrds(clients: Clients): Promise<{ apply: string; wait: string }> {
  const apply = await clients.kubectlOk(['apply', '-f', 'crds/']);
  const wait = await clients.kubectlOk([
    'wait',
    '--for=condition=Established',
    'crd',
    '--all',
    '--timeout=30s',
  ]);
  return { apply, wait };
}
