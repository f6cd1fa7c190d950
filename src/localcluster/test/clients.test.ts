// @kubernetes/client-node 1.4 API clients against the embedded control plane: the calls the operator makes.
import {
  ApiException,
  CoreV1Api,
  CustomObjectsApi,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { expect } from 'chai';
import { useLocalCluster } from './support/cluster.js';
import { API_VERSION, GROUP, teamsDevice, VERSION } from './support/manifests.js';

const NS = 'writers';
const PLURAL = 'teamsdevices';

interface Device extends KubernetesObject {
  spec: Record<string, unknown>;
  status?: Record<string, unknown>;
}

/** The Status object of a failed call (client-node 1.x may hand the body over as text). */
function statusOf(err: unknown): { code: number; reason?: string; message?: string } {
  expect(err).to.be.instanceOf(ApiException);
  const e = err as ApiException<unknown>;
  const body = typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
  expect(body).to.include({ kind: 'Status', status: 'Failure', code: e.code });
  return body as { code: number; reason?: string; message?: string };
}

describe('localcluster with client-node API clients', () => {
  const fx = useLocalCluster({ crds: true });
  let custom: CustomObjectsApi;
  let core: CoreV1Api;
  const coll = { group: GROUP, version: VERSION, namespace: NS, plural: PLURAL };
  const ref = (name: string) => ({ ...coll, name });

  before(async () => {
    const kc = fx.kubeConfig();
    custom = kc.makeApiClient(CustomObjectsApi);
    core = kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: NS } } });
  });

  it('should let exactly one of two writers holding the same resourceVersion win, and give the other 409', async () => {
    await custom.createNamespacedCustomObject({
      ...coll,
      body: teamsDevice({ name: 'shared', namespace: NS }),
    });
    const read = (await custom.getNamespacedCustomObject(ref('shared'))) as Device;
    const write = (model: string) =>
      custom.replaceNamespacedCustomObject({
        ...ref('shared'),
        body: { ...read, spec: { ...read.spec, model } },
      });
    const results = await Promise.allSettled([write('MP58'), write('T55')]);

    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).to.have.length(1);
    expect(lost).to.have.length(1);
    const status = statusOf(lost[0]?.reason);
    expect(status).to.include({ code: 409, reason: 'Conflict' });
    expect(status.message).to.equal(
      'Operation cannot be fulfilled on teamsdevices.teamsdevices.io "shared": the object has been modified; please apply your changes to the latest version and try again',
    );

    const winner = (won[0] as PromiseFulfilledResult<Device>).value;
    const stored = (await custom.getNamespacedCustomObject(ref('shared'))) as Device;
    expect(stored.spec.model).to.equal(winner.spec.model);
    expect(Number(stored.metadata?.resourceVersion)).to.be.greaterThan(
      Number(read.metadata?.resourceVersion),
    );
    expect(stored.metadata?.generation).to.equal(2);
  });

  it('should answer a missing object with a 404 NotFound Status', async () => {
    try {
      await custom.getNamespacedCustomObject(ref('absent'));
      expect.fail('the get should have failed');
    } catch (err) {
      expect(statusOf(err)).to.include({
        code: 404,
        reason: 'NotFound',
        message: 'teamsdevices.teamsdevices.io "absent" not found',
      });
    }
  });

  it('should patch /status with a merge patch without touching spec or generation', async () => {
    const device = (await custom.patchNamespacedCustomObjectStatus(
      { ...ref('shared'), body: { status: { online: true, firmwareVerification: 'Verified' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as Device;
    expect(device.status).to.deep.include({ online: true, firmwareVerification: 'Verified' });
    expect(device.metadata?.generation).to.equal(2);

    // Writes to the main resource keep the stored status.
    const replaced = (await custom.replaceNamespacedCustomObject({
      ...ref('shared'),
      body: { ...device, status: { online: false } },
    })) as Device;
    expect(replaced.status).to.deep.include({ online: true });
  });

  it('should serve KubernetesObjectApi, which finds resources through legacy discovery', async () => {
    const objects = KubernetesObjectApi.makeApiClient(fx.kubeConfig());
    const created = await objects.create(teamsDevice({ name: 'generic', namespace: NS }) as KubernetesObject);
    expect(created.metadata?.uid).to.be.a('string');
    const read = await objects.read({
      apiVersion: API_VERSION,
      kind: 'TeamsDevice',
      metadata: { name: 'generic', namespace: NS },
    });
    expect((read as Device).spec).to.include({ model: 'MP56', license: 'Basic' });
    const list = await objects.list(API_VERSION, 'TeamsDevice', NS);
    expect(list.items.map((o) => o.metadata?.name).sort()).to.deep.equal(['generic', 'shared']);
  });

  it('should create and read a ConfigMap with CoreV1Api', async () => {
    await core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: 'settings' }, data: { mode: 'quiet' } },
    });
    const cm = await core.readNamespacedConfigMap({ namespace: NS, name: 'settings' });
    expect(cm.data).to.deep.equal({ mode: 'quiet' });
    expect(cm.metadata?.creationTimestamp).to.be.instanceOf(Date);
  });
});

describe('localcluster over TLS (tls: true)', () => {
  const fx = useLocalCluster({ tls: true });

  it('should be reachable by kubectl and client-node through the CA in its kubeconfig', async () => {
    expect(fx.cluster.url).to.match(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(fx.cluster.kubeconfig()).to.include('certificate-authority-data:');
    expect(fx.cluster.kubeconfig()).not.to.include('insecure-skip-tls-verify');
    expect(await fx.clients.kubectlOk(['get', 'namespaces', '-o', 'name'])).to.include('namespace/default\n');
    const namespaces = await fx.kubeConfig().makeApiClient(CoreV1Api).listNamespace();
    expect(namespaces.items.map((n) => n.metadata?.name)).to.include.members(['default', 'kube-system']);
  });
});
