// What an informer does with what it cannot handle: an indexer that throws, a handler that throws, an
// object its decode refuses. None of it may leave the cache wrong or pass unlogged.
import { expect } from 'chai';
import type { KubeClient } from '../../src/k8s/client.js';
import type { KubeObject } from '../../src/k8s/object.js';
import { type ResourceRef, resourcePath } from '../../src/k8s/resource.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { Informer, type InformerOptions } from '../../src/runtime/informer.js';
import { capturingLogger, eventually } from '../support/async.js';
import { useRuntimeCluster } from '../support/cluster.js';

const CONFIG_MAPS: ResourceRef = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  namespaced: true,
};
const NS = 'handler-failure';

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

describe('Informer: indexers, handlers and objects that fail', () => {
  const fx = useRuntimeCluster();
  let client: KubeClient;
  const informers: Informer<ConfigMap>[] = [];

  const informer = (options: Partial<InformerOptions<ConfigMap>> = {}) => {
    const { logger, lines } = capturingLogger('info');
    const inf = new Informer<ConfigMap>({
      client: fx.client(),
      resource: CONFIG_MAPS,
      namespace: NS,
      clock: new FakeClock('2026-01-01T00:00:00Z'),
      logger,
      ...options,
    });
    informers.push(inf);
    return { inf, lines };
  };
  const create = (name: string, data: Record<string, string>) =>
    client.create(resourcePath(CONFIG_MAPS, { namespace: NS }), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name },
      data,
    } as never);
  const patch = (name: string, data: Record<string, string | null>) =>
    client.mergePatch(resourcePath(CONFIG_MAPS, { namespace: NS, name }), { data });
  const remove = (name: string) => client.delete(resourcePath(CONFIG_MAPS, { namespace: NS, name }));

  before(async () => {
    client = fx.client();
    await fx.createNamespace(NS);
  });

  afterEach(async () => {
    await Promise.all(informers.splice(0).map((i) => i.stop()));
  });

  it('should remove a deleted object from the cache even when its indexer throws', async () => {
    const { inf, lines } = informer({
      indexers: {
        owner: (cm) => {
          if (cm.data?.owner === undefined) throw new TypeError('no owner');
          return [cm.data.owner];
        },
      },
    });
    inf.start();
    await inf.waitForSync();
    await create('ownerless', { other: 'x' });
    await create('owned', { owner: 'me' });
    await eventually(() => inf.keys().includes(`${NS}/owned`), 'both are cached');
    expect(inf.keys()).to.include(`${NS}/ownerless`);
    expect(inf.byIndex('owner', 'me').map((cm) => cm.metadata?.name)).to.deep.equal(['owned']);
    await remove('ownerless');
    await remove('owned');
    await eventually(() => inf.keys().length === 0, 'the deleted objects are gone from the cache');
    expect(inf.byIndex('owner', 'me')).to.deep.equal([]);
    const failed = lines.find((l) => l.msg === 'indexer failed; object not indexed');
    expect(failed).to.include({ kind: 'ConfigMap', name: 'ownerless', namespace: NS, index: 'owner' });
  });

  it("should log a failed handler with the object's kind and name, and relist", async () => {
    const { inf, lines } = informer();
    const seen: string[] = [];
    inf.addEventHandler({
      update: (_old, cm) => {
        seen.push(cm.metadata?.name ?? '');
        if (cm.metadata?.name === 'boom') throw new Error('handler bug');
      },
    });
    inf.start();
    await inf.waitForSync();
    await create('boom', { a: '1' });
    await eventually(() => inf.keys().includes(`${NS}/boom`), 'boom is cached');
    const listsBefore = inf.stats().lists;
    await patch('boom', { a: '2' });
    await eventually(() => inf.stats().lists > listsBefore, 'the informer relists');
    const failed = lines.find((l) => l.msg === 'event handler failed; relisting');
    expect(failed).to.include({ level: 50, kind: 'ConfigMap', name: 'boom', namespace: NS, event: 'update' });
    // The relist finds nothing new, so the handler is not called again and the informer keeps watching.
    await patch('boom', { a: '3' });
    await eventually(() => inf.getByKey(`${NS}/boom`)?.data?.a === '3', 'later changes still arrive');
  });

  it('should keep an object its decode refuses out of the cache, report it, and take it once it decodes', async () => {
    const { inf } = informer({
      decode: (cm) =>
        cm.data?.valid === 'yes'
          ? { ok: true, object: cm }
          : { ok: false, problem: 'data.valid: must be yes' },
    });
    const invalid: string[] = [];
    inf.addEventHandler({ invalid: (cm, problem) => invalid.push(`${cm.metadata?.name}: ${problem}`) });
    inf.start();
    await inf.waitForSync();
    await create('refused', { valid: 'no' });
    await eventually(() => invalid.includes('refused: data.valid: must be yes'), 'the refusal is reported');
    expect(inf.keys()).to.not.include(`${NS}/refused`);
    expect(inf.invalidObjects().map((i) => i.object.metadata?.name)).to.include('refused');
    await patch('refused', { valid: 'yes' });
    await eventually(() => inf.keys().includes(`${NS}/refused`), 'the fixed object is cached');
    expect(inf.invalidObjects().map((i) => i.object.metadata?.name)).to.not.include('refused');
    await remove('refused');
    await eventually(() => !inf.keys().includes(`${NS}/refused`), 'the deleted object is gone');
  });
});
