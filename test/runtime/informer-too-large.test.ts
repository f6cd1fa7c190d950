// An informer whose resourceVersion is ahead of the server (the server lost its data, or a new one took the
// old address) gets "Too large resource version" (504) and must relist, as client-go does, rather than retry
// the same watch forever: the real embedded control plane, replaced by a fresh one on the same port.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { expect } from 'chai';
import pino from 'pino';
import { CONFIG_MAPS } from '../../src/controllers/pool/objects.js';
import { KubeClient } from '../../src/k8s/client.js';
import type { KubeObject } from '../../src/k8s/object.js';
import { resourcePath } from '../../src/k8s/resource.js';
import { type LocalCluster, startLocalCluster } from '../../src/localcluster/index.js';
import { RealClock } from '../../src/runtime/clock.js';
import { Informer } from '../../src/runtime/informer.js';
import { capturingLogger, eventually } from '../support/async.js';

const NS = 'too-large';
const TOKEN = 'too-large-tests';

describe('Informer: a server behind the informer', function () {
  this.timeout(30_000);
  const dirs: string[] = [];
  let cluster: LocalCluster | undefined;
  let informer: Informer<KubeObject> | undefined;

  const start = async (port: number): Promise<KubeClient> => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tdo-too-large-'));
    dirs.push(dataDir);
    cluster = await startLocalCluster({
      listen: '127.0.0.1',
      port,
      dataDir,
      tls: false,
      token: TOKEN,
      logger: pino({ level: 'silent' }),
    });
    const kc = new KubeConfig();
    kc.loadFromString(cluster.kubeconfig());
    const client = new KubeClient(kc);
    await client.create('/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: NS },
    });
    return client;
  };
  const create = (client: KubeClient, name: string) =>
    client.create(resourcePath(CONFIG_MAPS, { namespace: NS }), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name },
    });

  after(async () => {
    await informer?.stop();
    await cluster?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('should relist when a fresh server on the same address is behind its resourceVersion', async () => {
    const first = await start(0);
    for (let i = 0; i < 40; i++) await create(first, `old-${i}`);
    const { logger, lines } = capturingLogger('info');
    // The operator's real clock: a retry that never relists would keep failing here, not wait on a fake one.
    informer = new Informer<KubeObject>({
      client: first,
      resource: CONFIG_MAPS,
      namespace: NS,
      clock: new RealClock(),
      logger,
    });
    informer.start();
    await informer.waitForSync();
    const ahead = Number(informer.lastSyncResourceVersion());
    expect(informer.keys()).to.have.length(40);

    // Replaced by a server with a fresh data dir on the same port: its resourceVersions start again.
    const port = Number(new URL(cluster?.url ?? '').port);
    await cluster?.stop();
    const second = await start(port);
    await create(second, 'new-0');
    await create(second, 'new-1');

    await eventually(
      () => informer?.keys().join(',') === `${NS}/new-0,${NS}/new-1`,
      'the informer holds what the new server has',
      10_000,
    );
    expect(Number(informer.lastSyncResourceVersion())).to.be.below(ahead);
    expect(lines.map((l) => l.msg)).to.include(
      'resourceVersion ahead of the server (too large resource version); relisting',
    );
  });
});
