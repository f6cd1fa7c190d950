import { EventEmitter } from 'node:events';
import { expect } from 'chai';
import type { KubeObject } from '../../src/k8s/object.js';
import { LEASES, resourcePath, TEAMS_RESOURCES } from '../../src/k8s/resource.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { enqueueHandlers, type Informer, splitKey } from '../../src/runtime/informer.js';
import type { Lease } from '../../src/runtime/leader-election.js';
import { Manager, type ManagerConfig } from '../../src/runtime/manager.js';
import { silentLogger } from '../support/async.js';
import { device } from '../support/builders/index.js';
import { useRuntimeCluster } from '../support/cluster.js';

const DEVICES = TEAMS_RESOURCES.TeamsDevice!;

describe('Manager against the embedded control plane', () => {
  const fx = useRuntimeCluster();
  let managers: Manager[] = [];

  /** A manager with one informer and one controller that records what it reconciles (read from the cache). */
  const operator = (leaseName: string, wallClock = new FakeClock('2026-12-01T00:00:00Z')) => {
    const config: ManagerConfig = {
      namespace: 'mgr',
      metricsPort: 0,
      healthPort: 0,
      leaderElect: true,
      leaseNamespace: 'mgr',
      leaseName,
      instanceName: 'pod',
    };
    const manager = new Manager({
      config,
      client: fx.client(),
      clock: new FakeClock('2026-12-01T00:00:00Z'),
      wallClock,
      logger: silentLogger(),
      host: '127.0.0.1',
    });
    const informer: Informer<KubeObject> = manager.informer(DEVICES);
    const reconciled: string[] = [];
    const controller = manager.controller('device', {
      async reconcile(key) {
        const { namespace, name } = splitKey(key);
        if (informer.get(name, namespace)) reconciled.push(key);
      },
    });
    informer.addEventHandler(enqueueHandlers((key) => controller.enqueue(key)));
    managers.push(manager);
    return { manager, controller, reconciled, wallClock };
  };

  const probe = async (manager: Manager, path: string) => {
    const { health, metrics } = manager.ports();
    const port = path === '/metrics' ? metrics : health;
    const res = await fetch(`http://127.0.0.1:${port}${path}`);
    return { status: res.status, body: await res.text() };
  };
  const holder = async (lease: string) =>
    (await fx.client().get<Lease>(resourcePath(LEASES, { namespace: 'mgr', name: lease }))).spec
      ?.holderIdentity ?? '';

  before(async () => {
    await fx.createNamespace('mgr');
    const client = fx.client();
    for (const name of ['phone-1', 'phone-2']) {
      await client.create(
        resourcePath(DEVICES, { namespace: 'mgr' }),
        device({ name, namespace: 'mgr', withStatus: false }) as never,
      );
    }
  });

  afterEach(async () => {
    for (const m of managers) await m.stop();
    managers = [];
  });

  it('should sync, lead, reconcile, serve probes and metrics, then stop in order on SIGTERM', async () => {
    const { manager, controller, reconciled } = operator('main');
    await manager.start();
    await controller.queue.idle();
    expect(reconciled.sort()).to.deep.equal(['mgr/phone-1', 'mgr/phone-2']);
    expect(manager.isLeader()).to.equal(true);
    expect(await holder('main')).to.equal(manager.identity);
    expect(manager.identity).to.match(/^pod_[0-9a-f]{8}$/);

    expect(await probe(manager, '/healthz')).to.deep.equal({ status: 200, body: 'ok\n' });
    expect(await probe(manager, '/readyz')).to.deep.equal({ status: 200, body: 'ok\n' });
    expect((await probe(manager, '/readyz?verbose')).body).to.equal('[+]manager ok\nok\n');
    const metrics = await probe(manager, '/metrics');
    expect(metrics.body).to.include(
      'controller_runtime_reconcile_total{controller="device",result="success"} 2',
    );
    expect(metrics.body).to.include('leader_election_master_status{name="main"} 1');
    expect(metrics.body).to.include('tdo_informer_lists_total{resource="teamsdevices.teamsdevices.io"} 1');
    expect((await probe(manager, '/nothing')).status).to.equal(404);

    const proc = new EventEmitter();
    manager.handleSignals(proc as unknown as NodeJS.Process);
    proc.emit('SIGTERM', 'SIGTERM');
    expect(await manager.done).to.equal('signal');
    expect(await holder('main')).to.equal('');
    let refused = false;
    await probe(manager, '/healthz').catch(() => {
      refused = true;
    });
    expect(refused).to.equal(true);
  });

  it('should keep a standby ready without reconciling, and let it take over when the leader shuts down', async () => {
    const a = operator('standby');
    const b = operator('standby');
    await a.manager.start();
    await b.manager.start();
    await a.controller.queue.idle();
    expect(b.manager.isLeader()).to.equal(false);
    expect((await probe(b.manager, '/readyz')).status).to.equal(200);
    expect(b.reconciled).to.deep.equal([]);
    expect(b.controller.queue.len()).to.equal(2);

    await a.manager.stop();
    await b.wallClock.advance(2_000);
    expect(b.manager.isLeader()).to.equal(true);
    await b.controller.queue.idle();
    expect(b.reconciled.sort()).to.deep.equal(['mgr/phone-1', 'mgr/phone-2']);
  });

  it('should stop when another instance takes the lease', async () => {
    const a = operator('lost');
    await a.manager.start();
    const path = resourcePath(LEASES, { namespace: 'mgr', name: 'lost' });
    const lease = await fx.client().get<Lease>(path);
    await fx.client().replace(path, { ...lease, spec: { ...lease.spec, holderIdentity: 'intruder' } });
    await a.wallClock.advance(2_000);
    expect(await a.manager.done).to.equal('leadership-lost');
    expect((await probe(a.manager, '/readyz').catch(() => ({ status: 0 }))).status).to.equal(0);
  });

  it('should answer readyz with 503 until the informers have synced', async () => {
    const { manager } = operator('unsynced');
    await fx.stopServer();
    try {
      const starting = manager.start().catch(() => {});
      let answer = { status: 0, body: '' };
      for (let i = 0; i < 100 && manager.ports().health === undefined; i++)
        await new Promise((r) => setTimeout(r, 10));
      answer = await probe(manager, '/readyz');
      expect(answer.status).to.equal(503);
      expect(answer.body).to.include('[-]manager failed: informers not synced: teamsdevices');
      await manager.stop();
      await starting;
    } finally {
      await fx.startServer();
    }
  });
});
