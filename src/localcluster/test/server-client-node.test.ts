// @kubernetes/client-node 1.x against the embedded control plane, over plain HTTP (the default) and over
// TLS with the self-signed certificate the kubeconfig trusts: the kubeconfig is accepted as is.
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  type V1ConfigMap,
  Watch,
} from '@kubernetes/client-node';
import { expect } from 'chai';
import { type LocalCluster, startLocalCluster } from '../index.js';

for (const tls of [false, true]) {
  describe(`localcluster server with client-node over ${tls ? 'TLS' : 'plain HTTP'}`, () => {
    let cluster: LocalCluster;
    let kc: KubeConfig;
    let core: CoreV1Api;

    before(async () => {
      cluster = await startLocalCluster({ tls });
      kc = new KubeConfig();
      kc.loadFromString(cluster.kubeconfig());
      core = kc.makeApiClient(CoreV1Api);
    });

    after(() => cluster.stop());

    it(`should serve ${tls ? 'https' : 'http'} and a kubeconfig client-node accepts as is`, async () => {
      expect(cluster.url.startsWith(tls ? 'https://127.0.0.1:' : 'http://127.0.0.1:')).to.equal(true);
      const namespaces = await core.listNamespace();
      expect(namespaces.items.map((n) => n.metadata?.name)).to.include.members(['default', 'kube-system']);
    });

    it('should create, read, replace, patch and delete a ConfigMap', async () => {
      const created = await core.createNamespacedConfigMap({
        namespace: 'default',
        body: { metadata: { name: 'cn' }, data: { a: '1' } },
      });
      expect(created.metadata?.uid).to.be.a('string');
      const read = await core.readNamespacedConfigMap({ namespace: 'default', name: 'cn' });
      read.data = { a: '2' };
      const replaced = await core.replaceNamespacedConfigMap({
        namespace: 'default',
        name: 'cn',
        body: read,
      });
      expect(replaced.data).to.deep.equal({ a: '2' });
      const patched = await core.patchNamespacedConfigMap(
        { namespace: 'default', name: 'cn', body: { data: { b: '3' } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      expect(patched.data).to.deep.equal({ a: '2', b: '3' });
      await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'cn' });
      const error = await core
        .readNamespacedConfigMap({ namespace: 'default', name: 'cn' })
        .catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ApiException);
      expect((error as ApiException<unknown>).code).to.equal(404);
    });

    it('should reject a stale replace with 409 Conflict', async () => {
      const created = await core.createNamespacedConfigMap({
        namespace: 'default',
        body: { metadata: { name: 'stale' } },
      });
      await core.replaceNamespacedConfigMap({
        namespace: 'default',
        name: 'stale',
        body: { ...created, data: { a: '1' } },
      });
      const error = await core
        .replaceNamespacedConfigMap({
          namespace: 'default',
          name: 'stale',
          body: { ...created, data: { a: '2' } },
        })
        .catch((e: unknown) => e);
      expect((error as ApiException<string>).code).to.equal(409);
      expect(JSON.parse((error as ApiException<string>).body).reason).to.equal('Conflict');
    });

    it('should serve KubernetesObjectApi, which reads legacy discovery', async () => {
      const api = KubernetesObjectApi.makeApiClient(kc);
      const created = await api.create<V1ConfigMap>({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'generic', namespace: 'default' },
        data: { k: 'v' },
      });
      expect(created.data).to.deep.equal({ k: 'v' });
      const deployment = await api.create<KubernetesObject & { spec: unknown }>({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'generic', namespace: 'default' },
        spec: {
          selector: { matchLabels: { app: 'generic' } },
          template: {
            metadata: { labels: { app: 'generic' } },
            spec: { containers: [{ name: 'c', image: 'c' }] },
          },
        },
      });
      expect(deployment.metadata?.uid).to.be.a('string');
      const apps = kc.makeApiClient(AppsV1Api);
      const read = await apps.readNamespacedDeployment({ namespace: 'default', name: 'generic' });
      expect(read.spec?.replicas).to.equal(1);
    });

    it('should stream watch events to client-node Watch', async () => {
      const events: string[] = [];
      const watch = new Watch(kc);
      const done = new Promise<void>((resolve) => {
        void watch
          .watch(
            '/api/v1/namespaces/default/configmaps',
            { fieldSelector: 'metadata.name=watched' },
            (type, obj: V1ConfigMap) => {
              events.push(`${type} ${obj.metadata?.name}`);
              if (events.length === 2) resolve();
            },
            () => undefined,
          )
          .then((req) => {
            void done.then(() => req.abort());
          });
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'watched' } } });
      await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'watched' });
      await done;
      expect(events).to.deep.equal(['ADDED watched', 'DELETED watched']);
    });
  });
}
