import { expect } from 'chai';
import { objectKey } from '../../src/api/v1alpha1/keys.js';
import type { KubeClient } from '../../src/k8s/client.js';
import type { KubeObject } from '../../src/k8s/object.js';
import { resourcePath, TEAMS_RESOURCES } from '../../src/k8s/resource.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { enqueueHandlers, Informer, WATCH_TIMEOUT_GRACE_MS } from '../../src/runtime/informer.js';
import { eventually, silentLogger } from '../support/async.js';
import { device } from '../support/builders/index.js';
import { useRuntimeCluster } from '../support/cluster.js';

interface Device extends KubeObject {
  spec: { model: string };
}

const DEVICES = TEAMS_RESOURCES.TeamsDevice!;

describe('Informer against the embedded control plane', () => {
  const fx = useRuntimeCluster();
  let client: KubeClient;
  let informers: Informer<Device>[] = [];

  const create = (namespace: string, name: string, model = 'MP56') =>
    client.create<Device>(
      resourcePath(DEVICES, { namespace }),
      device({ name, namespace, model, withStatus: false }) as never,
    );
  const setModel = (namespace: string, name: string, model: string) =>
    client.mergePatch(resourcePath(DEVICES, { namespace, name }), { spec: { model } });
  const remove = (namespace: string, name: string) =>
    client.delete(resourcePath(DEVICES, { namespace, name }));

  const informer = (clock: FakeClock, namespace?: string, extra: { watchTimeoutSeconds?: number } = {}) => {
    const inf = new Informer<Device>({
      client: fx.client(),
      resource: DEVICES,
      namespace,
      clock,
      logger: silentLogger(),
      ...extra,
    });
    informers.push(inf);
    return inf;
  };

  /** What handlers saw, as readable lines. */
  const record = (inf: Informer<Device>) => {
    const events: string[] = [];
    inf.addEventHandler({
      add: (o) => events.push(`add ${objectKey(o)} ${o.spec.model}`),
      update: (old, o) => events.push(`update ${objectKey(o)} ${old.spec.model}->${o.spec.model}`),
      delete: (o) => events.push(`delete ${objectKey(o)}`),
    });
    return events;
  };

  before(async () => {
    client = fx.client();
    for (const ns of ['inf', 'other', 'gone', 'restart']) await fx.createNamespace(ns);
  });

  afterEach(async () => {
    for (const inf of informers) await inf.stop();
    informers = [];
  });

  it('should list what exists, then follow creates, updates and deletes in its cache and handlers', async () => {
    await create('inf', 'phone-1');
    await create('inf', 'phone-2');
    await create('other', 'elsewhere');
    const inf = informer(new FakeClock(), 'inf');
    const events = record(inf);
    expect(inf.hasSynced()).to.equal(false);
    inf.start();
    await inf.waitForSync();
    expect(inf.hasSynced()).to.equal(true);
    expect(events.sort()).to.deep.equal(['add inf/phone-1 MP56', 'add inf/phone-2 MP56']);

    await create('inf', 'phone-3', 'T55');
    await setModel('inf', 'phone-1', 'MP58');
    await remove('inf', 'phone-2');
    await eventually(() => events.length === 5, 'three watch events arrive');
    expect(events.slice(2)).to.deep.equal([
      'add inf/phone-3 T55',
      'update inf/phone-1 MP56->MP58',
      'delete inf/phone-2',
    ]);
    expect(inf.get('phone-1', 'inf')?.spec.model).to.equal('MP58');
    expect(inf.get('phone-2', 'inf')).to.equal(undefined);
    expect(inf.keys().sort()).to.deep.equal(['inf/phone-1', 'inf/phone-3']);
    expect(inf.get('phone-1', 'inf')).to.include({
      apiVersion: 'teamsdevices.io/v1alpha1',
      kind: 'TeamsDevice',
    });
    expect(inf.stats()).to.include({ lists: 1, errors: 0, state: 'watching' });
  });

  it('should say once its cache holds a write, and give up on a resourceVersion that never comes', async () => {
    const clock = new FakeClock();
    const inf = informer(clock, 'inf');
    inf.start();
    await inf.waitForSync();
    const written = await create('inf', 'caught-up');
    const caughtUp = await inf.waitForResourceVersion(written.metadata?.resourceVersion, 60_000);
    expect(caughtUp).to.equal(true);
    expect(inf.get('caught-up', 'inf')).to.not.equal(undefined);
    const never = inf.waitForResourceVersion('99999999', 1_000);
    await clock.advance(1_000);
    expect(await never).to.equal(false);
    expect(await inf.waitForResourceVersion('not-a-number', 1_000)).to.equal(false);
    await remove('inf', 'caught-up');
  });

  it('should watch every namespace when given none, and list and index by namespace', async () => {
    const inf = new Informer<Device>({
      client: fx.client(),
      resource: DEVICES,
      clock: new FakeClock(),
      indexers: { model: (o) => [o.spec.model] },
    });
    informers.push(inf);
    inf.start();
    await inf.waitForSync();
    expect(inf.list('other').map(objectKey)).to.deep.equal(['other/elsewhere']);
    expect(inf.list().length).to.be.at.least(3);
    expect(inf.byIndex('model', 'T55').map(objectKey)).to.deep.equal(['inf/phone-3']);
    await setModel('other', 'elsewhere', 'T55');
    await eventually(() => inf.byIndex('model', 'T55').length === 2, 'the index follows the update');
    expect(inf.byIndex('model', 'MP56').map(objectKey)).to.not.include('other/elsewhere');
  });

  it('should report the objects already cached to a handler added late, and queue their keys', async () => {
    const inf = informer(new FakeClock(), 'inf');
    inf.start();
    await inf.waitForSync();
    const keys: string[] = [];
    inf.addEventHandler(enqueueHandlers((key) => keys.push(key)));
    expect(keys.sort()).to.deep.equal(['inf/phone-1', 'inf/phone-3']);
  });

  it('should relist when its resumed watch is answered with 410 Gone', async () => {
    await create('gone', 'phone-a');
    const clock = new FakeClock();
    const inf = informer(clock, 'gone', { watchTimeoutSeconds: 60 });
    const events = record(inf);
    inf.start();
    await inf.waitForSync();
    expect(inf.stats().lists).to.equal(1);

    // A write it does not watch moves the history past its resourceVersion, then the history is forgotten.
    await create('other', 'noise-1');
    fx.cluster.compactHistory();
    // The watch times out (client side, on the fake clock) and is resumed from the old resourceVersion.
    await clock.advance(60_000 + WATCH_TIMEOUT_GRACE_MS);
    await eventually(() => inf.stats().lists === 2, 'the informer relists');
    expect(inf.stats().errors).to.equal(0);

    await create('gone', 'phone-b');
    await eventually(
      () => inf.get('phone-b', 'gone') !== undefined,
      'the watch after the relist sees a create',
    );
    expect(events).to.deep.equal(['add gone/phone-a MP56', 'add gone/phone-b MP56']);
  });

  it('should retry with growing backoff while the API server is down, then relist what changed meanwhile', async function () {
    this.timeout(30_000);
    await create('restart', 'phone-a');
    await create('restart', 'phone-b');
    const clock = new FakeClock();
    const inf = informer(clock, 'restart');
    const events = record(inf);
    inf.start();
    await inf.waitForSync();

    await fx.stopServer();
    await eventually(() => inf.stats().state === 'backoff', 'the informer backs off');
    const firstDelay = clock.nextTimerAt()!.getTime() - clock.now().getTime();
    expect(firstDelay).to.equal(800);
    const errors = inf.stats().errors;
    await clock.advance(firstDelay);
    await eventually(
      () => inf.stats().errors === errors + 1 && inf.stats().state === 'backoff',
      'a retry fails',
    );
    expect(clock.nextTimerAt()!.getTime() - clock.now().getTime()).to.equal(1600);

    await fx.startServer();
    const other = fx.client();
    await other.delete(resourcePath(DEVICES, { namespace: 'restart', name: 'phone-a' }));
    await other.create(
      resourcePath(DEVICES, { namespace: 'restart' }),
      device({ name: 'phone-c', namespace: 'restart', withStatus: false }) as never,
    );
    fx.cluster.compactHistory();
    expect(events).to.deep.equal(['add restart/phone-a MP56', 'add restart/phone-b MP56']);

    await clock.advance(1600);
    await eventually(() => events.length === 4, 'the relist reports what changed');
    expect(events.slice(2)).to.deep.equal(['delete restart/phone-a', 'add restart/phone-c MP56']);
    expect(inf.keys().sort()).to.deep.equal(['restart/phone-b', 'restart/phone-c']);
    expect(inf.stats()).to.include({ lists: 2, state: 'watching' });
  });

  it('should reject waitForSync when stopped before it synced', async () => {
    await fx.stopServer();
    try {
      const inf = informer(new FakeClock(), 'inf');
      inf.start();
      const sync = inf.waitForSync();
      await eventually(() => inf.stats().state === 'backoff', 'the informer backs off');
      await inf.stop();
      let error: unknown;
      await sync.catch((err: unknown) => {
        error = err;
      });
      expect(String(error)).to.match(/stopped before it synced/);
    } finally {
      await fx.startServer();
    }
  });
});
