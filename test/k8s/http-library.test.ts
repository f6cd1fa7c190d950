// NodeHttpLibrary: client-node's generated APIs and the operator's KubeClient send every request through it,
// over plain HTTP (token in the server URL and as a bearer token) and over TLS (the cluster's CA).
import { createServer } from 'node:net';
import { ApiException, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { expect } from 'chai';
import { KubeClient } from '../../src/k8s/client.js';
import { ApiError } from '../../src/k8s/errors.js';
import { makeApiClient } from '../../src/k8s/http-library.js';
import type { KubeObject } from '../../src/k8s/object.js';
import { useLocalCluster } from '../support/cluster.js';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

for (const tls of [false, true]) {
  describe(`NodeHttpLibrary over ${tls ? 'TLS' : 'plain HTTP'}`, () => {
    const fx = useLocalCluster({ tls });

    it('creates and reads objects through a generated client-node API', async () => {
      const core = makeApiClient(fx.kubeConfig(), CoreV1Api);
      const ns = tls ? 'lib-tls' : 'lib-plain';
      await core.createNamespace({ body: { metadata: { name: ns } } });
      const created = await core.createNamespacedConfigMap({
        namespace: ns,
        body: { metadata: { name: 'settings' }, data: { zone: 'Europe/Berlin' } },
      });
      expect(created.metadata?.resourceVersion).to.match(/^\d+$/);
      const read = await core.readNamespacedConfigMap({ namespace: ns, name: 'settings' });
      expect(read.data).to.deep.equal({ zone: 'Europe/Berlin' });
      // Typed decoding (a Date) is client-node's serializer, untouched by the HTTP library.
      expect(read.metadata?.creationTimestamp).to.be.instanceOf(Date);
    });

    it("answers an error with client-node's ApiException carrying the code and the Status", async () => {
      const core = makeApiClient(fx.kubeConfig(), CoreV1Api);
      const error = await core.readNamespace({ name: 'no-such-namespace' }).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).to.be.instanceOf(ApiException);
      expect((error as ApiException<string>).code).to.equal(404);
      expect(String((error as ApiException<string>).body)).to.include(
        'namespaces \\"no-such-namespace\\" not found',
      );
    });

    it('carries a response of many chunks whole (a 1 MiB ConfigMap)', async () => {
      const client = new KubeClient(fx.kubeConfig());
      const ns = tls ? 'big-tls' : 'big-plain';
      await client.create('/api/v1/namespaces', { metadata: { name: ns } });
      const value = 'x'.repeat(1024 * 1024);
      await client.create(`/api/v1/namespaces/${ns}/configmaps`, {
        metadata: { name: 'big' },
        data: { value },
      });
      const read = await client.get<KubeObject & { data?: { value?: string } }>(
        `/api/v1/namespaces/${ns}/configmaps/big`,
      );
      expect(read.data?.value?.length).to.equal(value.length);
    });
  });
}

describe('NodeHttpLibrary failures', () => {
  const fx = useLocalCluster();

  it('rejects without a request when the signal is already aborted', async () => {
    const client = new KubeClient(fx.kubeConfig());
    const error = await client.get('/api/v1/namespaces/default', AbortSignal.abort()).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect((error as Error).name).to.equal('AbortError');
  });

  it('rejects with the connection error when nothing listens', async () => {
    const kc = new KubeConfig();
    kc.loadFromString(fx.cluster.kubeconfig());
    const port = await freePort();
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error('no cluster');
    const url = new URL(cluster.server);
    url.port = String(port);
    kc.clusters = [{ ...cluster, server: url.toString() }];
    const error = await new KubeClient(kc).get('/api/v1/namespaces').then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).to.not.be.instanceOf(ApiError);
    expect((error as NodeJS.ErrnoException).code).to.equal('ECONNREFUSED');
  });

  it('answers 401 for a wrong token with an ApiError, not a hang', async () => {
    const kc = new KubeConfig();
    kc.loadFromString(fx.cluster.kubeconfig());
    const cluster = kc.getCurrentCluster();
    const user = kc.getCurrentUser();
    if (!cluster || !user) throw new Error('no cluster');
    const url = new URL(cluster.server);
    url.username = '';
    url.password = '';
    kc.clusters = [{ ...cluster, server: url.toString() }];
    kc.users = [{ ...user, token: 'wrong' }];
    const error = await new KubeClient(kc).get('/api/v1/namespaces').then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).to.be.instanceOf(ApiError);
    expect((error as ApiError).statusCode).to.equal(401);
  });
});
