// The one cluster fixture: an embedded control plane per describe block, reached through kubectl and helm (as
// a user would) and through src/k8s/client.ts (as the operator does). It can be restarted on the same data
// directory, and stopped and started again on the same port, as an API server restart looks to a client.
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
import { allCrds } from '../../src/api/v1alpha1/crds.js';
import { KubeClient } from '../../src/k8s/client.js';
import type { KubeObject } from '../../src/k8s/object.js';
import { eventually } from './async.js';
import { Clients } from './tools.js';

type CrdStatus = KubeObject & { status?: { conditions?: { type: string; status: string }[] } };

export interface ClusterFixture {
  /** The running cluster (throws outside the suite's hooks). */
  readonly cluster: LocalCluster;
  /** kubectl and helm pointed at it (made on first use). */
  readonly clients: Clients;
  /** The data dir the cluster persists to, kept across restart(). */
  readonly dataDir: string;
  /** A client-node KubeConfig for the cluster. */
  kubeConfig(): KubeConfig;
  /** A new KubeClient (own KubeConfig) for the running cluster. */
  client(): KubeClient;
  /** Stop the server and start it again on the same data dir (the port may change). */
  restart(): Promise<void>;
  /** Stops the API server (clients see their connections end and new ones refused). */
  stopServer(): Promise<void>;
  /** Starts it again on the same port and data directory. */
  startServer(): Promise<void>;
  createNamespace(name: string): Promise<void>;
}

export interface UseClusterOptions extends Omit<LocalClusterOptions, 'dataDir' | 'logger'> {
  /**
   * Install the CRDs in the before hook and wait until they are Established: `kubectl apply -f crds/` (true,
   * what a user does) or created through the API from src/api (`'api'`, no kubectl needed).
   */
  crds?: boolean | 'api';
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
  const logger = pino({ level: process.env.TDO_TEST_LOG_LEVEL ?? 'silent' });
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
  const kubeConfig = () => {
    const kc = new KubeConfig();
    kc.loadFromString(kubeconfig || running().kubeconfig());
    return kc;
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
    kubeConfig,
    client: () => new KubeClient(kubeConfig()),
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
    async createNamespace(name) {
      await fixture
        .client()
        .create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    },
  };

  before(async function () {
    this.timeout(60_000);
    dataDir = mkdtempSync(join(tmpdir(), 'tdo-cluster-'));
    await start(port);
    if (crds === 'api') await createCrds(fixture.client());
    else if (crds) await installCrds(fixture.clients);
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

/** The CRDs of src/api created through the API, waiting until each is Established. */
async function createCrds(client: KubeClient): Promise<void> {
  const crds = allCrds();
  for (const crd of crds) {
    await client.create('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd as never);
  }
  for (const crd of crds) {
    const path = `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`;
    await eventually(async () => {
      const live = await client.get<CrdStatus>(path);
      return live.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ?? false;
    }, `${crd.metadata.name} is established`);
  }
}

/**
 * The cluster of the runtime and k8s tests: plain HTTP, so a restarted server keeps the kubeconfig valid (a
 * TLS restart makes a new CA), no periodic bookmarks (a test decides when a watch's resourceVersion moves),
 * and the CRDs created through the API.
 */
export function useRuntimeCluster(): ClusterFixture {
  return useLocalCluster({ tls: false, token: 'runtime-tests', bookmarkIntervalMs: 3_600_000, crds: 'api' });
}
