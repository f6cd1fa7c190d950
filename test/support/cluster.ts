// One embedded control plane per describe block, with kubectl/helm clients bound to it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import {
  type LocalCluster,
  type LocalClusterOptions,
  startLocalCluster,
} from '@teams-device-operator/localcluster';
import pino from 'pino';
import { Clients } from './tools.js';

export interface ClusterFixture {
  /** The running cluster (throws outside the suite's hooks). */
  readonly cluster: LocalCluster;
  /** kubectl and helm pointed at it. */
  readonly clients: Clients;
  /** The data dir the cluster persists to, kept across restart(). */
  readonly dataDir: string;
  /** A client-node KubeConfig for the cluster. */
  kubeConfig(): KubeConfig;
  /** Stop the server and start it again on the same data dir (the port may change). */
  restart(): Promise<void>;
}

export interface UseClusterOptions extends Omit<LocalClusterOptions, 'dataDir' | 'logger'> {
  /** `kubectl apply -f crds/` and wait for Established in the before hook. */
  crds?: boolean;
}

/** Registers before/after hooks that start and stop a cluster for the enclosing describe block. */
export function useLocalCluster(options: UseClusterOptions = {}): ClusterFixture {
  const { crds, ...clusterOptions } = options;
  let cluster: LocalCluster | undefined;
  let clients: Clients | undefined;
  let dataDir: string | undefined;
  const logger = pino({ level: process.env.TDO_TEST_LOG_LEVEL ?? 'silent' });
  const start = () => startLocalCluster({ port: 0, listen: '127.0.0.1', ...clusterOptions, dataDir, logger });

  const fixture: ClusterFixture = {
    get cluster() {
      if (!cluster) throw new Error('the cluster is not running (use it inside it/before hooks)');
      return cluster;
    },
    get clients() {
      if (!clients) throw new Error('the cluster is not running (use it inside it/before hooks)');
      return clients;
    },
    get dataDir() {
      if (!dataDir) throw new Error('the cluster is not running');
      return dataDir;
    },
    kubeConfig() {
      const kc = new KubeConfig();
      kc.loadFromString(fixture.cluster.kubeconfig());
      return kc;
    },
    async restart() {
      await cluster?.stop();
      cluster = undefined;
      cluster = await start();
      fixture.clients.setKubeconfig(cluster.kubeconfig());
    },
  };

  before(async function () {
    this.timeout(60_000);
    dataDir = mkdtempSync(join(tmpdir(), 'tdo-cluster-'));
    cluster = await start();
    clients = new Clients(cluster.kubeconfig());
    if (crds) await installCrds(clients);
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
