// The operator's view of the one cluster fixture (src/localcluster/test/support/cluster.ts): the same embedded
// control plane, kubectl and helm, plus what only the product has: a KubeClient from src/k8s/client.ts (as the
// operator reaches the API) and the CRDs created from src/api instead of applied from crds/.
import { allCrds } from '../../src/api/v1alpha1/crds.js';
import { KubeClient } from '../../src/k8s/client.js';
import type { KubeObject } from '../../src/k8s/object.js';
import {
  type ClusterFixture as ControlPlaneFixture,
  type UseClusterOptions as ControlPlaneOptions,
  useLocalCluster as useControlPlane,
} from '../../src/localcluster/test/support/cluster.js';
import { eventually } from './async.js';

type CrdStatus = KubeObject & { status?: { conditions?: { type: string; status: string }[] } };

export interface ClusterFixture extends ControlPlaneFixture {
  /** A new KubeClient (own KubeConfig) for the running cluster. */
  client(): KubeClient;
  createNamespace(name: string): Promise<void>;
}

export interface UseClusterOptions extends Omit<ControlPlaneOptions, 'crds'> {
  /**
   * Install the CRDs in the before hook and wait until they are Established: `kubectl apply -f crds/` (true,
   * what a user does) or created through the API from src/api (`'api'`, no kubectl needed).
   */
  crds?: boolean | 'api';
}

/** Registers before/after hooks that start and stop a cluster for the enclosing describe block. */
export function useLocalCluster(options: UseClusterOptions = {}): ClusterFixture {
  const { crds, ...clusterOptions } = options;
  const base = useControlPlane({ ...clusterOptions, crds: crds === true });
  const client = () => new KubeClient(base.kubeConfig());
  const fixture: ClusterFixture = {
    get cluster() {
      return base.cluster;
    },
    get clients() {
      return base.clients;
    },
    get dataDir() {
      return base.dataDir;
    },
    kubeConfig: () => base.kubeConfig(),
    restart: () => base.restart(),
    stopServer: () => base.stopServer(),
    startServer: () => base.startServer(),
    client,
    async createNamespace(name) {
      await client().create('/api/v1/namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name },
      });
    },
  };

  // Registered after the control plane's hook, so it runs once the cluster is up.
  if (crds === 'api') {
    before(async function () {
      this.timeout(60_000);
      await createCrds(client());
    });
  }

  return fixture;
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
