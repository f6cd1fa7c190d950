// @kubernetes/client-node 1.4 informers and watches against the embedded control plane.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CustomObjectsApi,
  type Informer,
  type KubernetesListObject,
  type KubernetesObject,
  makeInformer,
  type ObjectCache,
  PatchStrategy,
  setHeaderOptions,
  Watch,
} from '@kubernetes/client-node';
import { expect } from 'chai';
import { useLocalCluster } from './support/cluster.js';
import { GROUP, teamsDevice, VERSION } from './support/manifests.js';

const PLURAL = 'teamsdevices';

interface Device extends KubernetesObject {
  spec: { model: string };
}

/** Poll until check() holds (informers report asynchronously). */
async function eventually(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(20);
  }
}

describe('localcluster with client-node informers', () => {
  const fx = useLocalCluster({ crds: true, bookmarkIntervalMs: 300 });
  let api: CustomObjectsApi;
  const informers: Informer<Device>[] = [];

  const create = (namespace: string, name: string, model = 'MP56') =>
    api.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: PLURAL,
      body: teamsDevice({ name, namespace, model }),
    }) as Promise<Device>;
  const setModel = (namespace: string, name: string, model: string) =>
    api.patchNamespacedCustomObject(
      { group: GROUP, version: VERSION, namespace, plural: PLURAL, name, body: { spec: { model } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    ) as Promise<Device>;
  const count = async (namespace: string) =>
    (
      (await api.listNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace,
        plural: PLURAL,
      })) as KubernetesListObject<Device>
    ).items.length;
  const startInformer = (namespace: string, query = '') => {
    let lists = 0;
    const errors: unknown[] = [];
    const informer = makeInformer<Device>(
      fx.kubeConfig(),
      // client-node keeps a query string in the path when it adds its own watch parameters.
      `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${PLURAL}${query}`,
      async () => {
        lists += 1;
        return (await api.listNamespacedCustomObject({
          group: GROUP,
          version: VERSION,
          namespace,
          plural: PLURAL,
        })) as KubernetesListObject<Device>;
      },
    );
    informer.on('error', (err) => errors.push(err));
    informers.push(informer);
    return {
      informer: informer as Informer<Device> & ObjectCache<Device> & { latestResourceVersion(): string },
      lists: () => lists,
      errors,
    };
  };

  before(async () => {
    api = fx.kubeConfig().makeApiClient(CustomObjectsApi);
    await fx.clients.kubectlOk(['create', 'namespace', 'inf']);
    await fx.clients.kubectlOk(['create', 'namespace', 'elsewhere']);
  });

  afterEach(async () => {
    for (const informer of informers.splice(0)) await informer.stop();
  });

  it('should list the existing objects, then report adds, updates and deletes from the watch', async () => {
    await create('inf', 'phone-1');
    await create('inf', 'phone-2');
    const { informer, lists, errors } = startInformer('inf');
    const events: string[] = [];
    informer.on('add', (o) => events.push(`add ${o.metadata?.name} ${o.spec.model}`));
    informer.on('update', (o) => events.push(`update ${o.metadata?.name} ${o.spec.model}`));
    informer.on('delete', (o) => events.push(`delete ${o.metadata?.name}`));
    await informer.start();
    await eventually(() => events.length === 2, 'the initial list is reported');
    expect(events.sort()).to.deep.equal(['add phone-1 MP56', 'add phone-2 MP56']);

    await create('inf', 'phone-3', 'T55');
    await setModel('inf', 'phone-1', 'MP58');
    await api.deleteNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: 'inf',
      plural: PLURAL,
      name: 'phone-2',
    });
    await eventually(() => events.length === 5, 'three watch events arrive');
    expect(events.slice(2)).to.deep.equal(['add phone-3 T55', 'update phone-1 MP58', 'delete phone-2']);
    expect(
      informer
        .list('inf')
        .map((o) => `${o.metadata?.name} ${o.spec.model}`)
        .sort(),
    ).to.deep.equal(['phone-1 MP58', 'phone-3 T55']);
    expect(lists()).to.equal(1);
    expect(errors).to.deep.equal([]);
  });

  it('should answer a watch from a compacted resourceVersion with 410 Expired', async () => {
    const old = (await create('inf', 'phone-4')).metadata?.resourceVersion;
    await create('elsewhere', 'noise-1');
    fx.cluster.compactHistory();
    const events: { type: string; object: Record<string, unknown> }[] = [];
    const ended = new Promise<unknown>((resolve) => {
      void new Watch(fx.kubeConfig()).watch(
        `/apis/${GROUP}/${VERSION}/namespaces/inf/${PLURAL}`,
        { resourceVersion: old },
        (type, object) => events.push({ type, object }),
        resolve,
      );
    });
    const err = (await ended) as { statusCode?: number } | null;
    // Either an ERROR event carrying a 410 Status (what kube-apiserver sends) or a plain 410 response.
    if (err?.statusCode === 410) return;
    expect(events).to.have.length(1);
    expect(events[0]?.type).to.equal('ERROR');
    expect(events[0]?.object).to.include({ kind: 'Status', status: 'Failure', reason: 'Expired', code: 410 });
  });

  it('should relist after the server answers its resumed watch with 410', async () => {
    // timeoutSeconds=1 makes the server end each watch quickly, as kube-apiserver does after a few
    // minutes, so the informer resumes from its last resourceVersion.
    const { informer, lists, errors } = startInformer('inf', '?timeoutSeconds=1');
    await informer.start();
    const existing = await count('inf');
    await eventually(() => informer.list('inf').length === existing, 'the informer has synced');
    expect(lists()).to.equal(1);

    // Writes the informer does not watch move the history past its resourceVersion; then it is compacted.
    await create('elsewhere', 'noise-2');
    fx.cluster.compactHistory();
    await eventually(() => lists() >= 2, 'the informer relists', 5_000);

    await create('inf', 'phone-5');
    await eventually(
      () => informer.get('phone-5', 'inf') !== undefined,
      'the informer sees a new object after relisting',
    );
    expect(informer.list('inf')).to.have.length(existing + 1);
    expect(errors).to.deep.equal([]);
  });

  it('should send BOOKMARK events that carry the latest resourceVersion to a watch that asks for them', async function () {
    this.timeout(30_000);
    const start = (await create('inf', 'phone-6')).metadata?.resourceVersion;
    const bookmarks: KubernetesObject[] = [];
    const controller = await new Watch(fx.kubeConfig()).watch(
      `/apis/${GROUP}/${VERSION}/namespaces/inf/${PLURAL}`,
      { resourceVersion: start, allowWatchBookmarks: true },
      (type, object) => {
        if (type === 'BOOKMARK') bookmarks.push(object);
      },
      () => {},
    );
    try {
      const later = (await create('elsewhere', 'noise-3')).metadata?.resourceVersion;
      await eventually(
        () => bookmarks.some((b) => Number(b.metadata?.resourceVersion) >= Number(later)),
        'a bookmark at or after the last write elsewhere arrives',
        25_000,
      );
      expect(bookmarks[0]).to.include({ kind: 'TeamsDevice', apiVersion: `${GROUP}/${VERSION}` });
    } finally {
      controller.abort();
    }
  });

  it('should let an informer that asks for bookmarks advance its resourceVersion past writes it does not see', async function () {
    this.timeout(30_000);
    const { informer, errors } = startInformer('inf', '?allowWatchBookmarks=true');
    await informer.start();
    const existing = await count('inf');
    await eventually(() => informer.list('inf').length === existing, 'the informer has synced');
    const later = (await create('elsewhere', 'noise-4')).metadata?.resourceVersion;
    await eventually(
      () => Number(informer.latestResourceVersion()) >= Number(later),
      'a bookmark moves the informer to the latest resourceVersion',
      25_000,
    );
    expect(errors).to.deep.equal([]);
  });
});
