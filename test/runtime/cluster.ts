// The embedded control plane for the runtime tests, reached through src/k8s/client.ts. It can be stopped
// and started again on the same port and data directory, as an API server restart looks to a client.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { type LocalCluster, startLocalCluster } from '@teams-device-operator/localcluster';
import { allCrds } from '../../src/api/v1alpha1/crds.js';
import { KubeClient } from '../../src/k8s/client.js';
import type { KubeObject } from '../../src/k8s/object.js';
import { eventually, silentLogger } from './support.js';

type CrdStatus = KubeObject & { status?: { conditions?: { type: string; status: string }[] } };

export interface RuntimeCluster {
  readonly cluster: LocalCluster;
  /** A new client (own KubeConfig) for the running cluster. */
  client(): KubeClient;
  /** Stops the API server (clients see their connections end and new ones refused). */
  stopServer(): Promise<void>;
  /** Starts it again on the same port and data directory. */
  startServer(): Promise<void>;
  createNamespace(name: string): Promise<void>;
}

export function useRuntimeCluster(): RuntimeCluster {
  let cluster: LocalCluster | undefined;
  let kubeconfig = '';
  let dataDir = '';
  let port = 0;
  const logger = silentLogger();

  const start = async () => {
    cluster = await startLocalCluster({
      port,
      dataDir,
      logger,
      token: 'runtime-tests',
      // Plain HTTP: a restarted server keeps the kubeconfig valid (a TLS restart makes a new CA).
      tls: false,
      // No periodic bookmarks: a test decides when a watch's resourceVersion moves.
      bookmarkIntervalMs: 3_600_000,
    });
    port = Number(new URL(cluster.url).port);
    kubeconfig = cluster.kubeconfig();
  };

  const fixture: RuntimeCluster = {
    get cluster() {
      if (!cluster) throw new Error('the cluster is not running');
      return cluster;
    },
    client() {
      const kc = new KubeConfig();
      kc.loadFromString(kubeconfig);
      return new KubeClient(kc);
    },
    async stopServer() {
      await cluster?.stop();
      cluster = undefined;
    },
    startServer: start,
    async createNamespace(name) {
      await fixture
        .client()
        .create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    },
  };

  before(async function () {
    this.timeout(60_000);
    dataDir = mkdtempSync(join(tmpdir(), 'tdo-runtime-'));
    await start();
    const client = fixture.client();
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
  });

  after(async () => {
    await cluster?.stop();
    cluster = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  return fixture;
}
