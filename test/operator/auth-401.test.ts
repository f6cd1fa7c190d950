// The API server restarted with a new token: the operator reads its kubeconfig again on the 401 and carries
// on; while its credentials are refused /readyz says so; and through the whole reconnect storm no token is
// ever logged.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parseConfig } from '../../src/config/config.js';
import { KubeClient } from '../../src/k8s/client.js';
import { loadKubeConfig } from '../../src/k8s/kubeconfig.js';
import type { KubeObject } from '../../src/k8s/object.js';
import { resourcePath } from '../../src/k8s/resource.js';
import { type LocalCluster, startLocalCluster } from '../../src/localcluster/index.js';
import { type Operator, startOperator } from '../../src/operator/index.js';
import { capturingLogger, eventually, silentLogger } from '../support/async.js';
import { DEVICES } from './fixtures.js';
import { createAll, device, release } from './objects.js';
import { createCrds } from './permissive-crds.js';

const TOKENS = ['first-token-0c6f1a7d9b', 'second-token-5e2d8c41aa', 'third-token-9f03b7e6c2'];
const NS = 'auth';

describe('operator: the API server restarted with a new token', function () {
  this.timeout(120_000);
  let dir: string;
  let cluster: LocalCluster | undefined;
  let operator: Operator | undefined;
  let port = 0;
  const { logger, lines } = capturingLogger('debug');
  const kubeconfig = () => join(dir, 'kubeconfig');

  /** The API server on the same data dir and port, with `token`, its kubeconfig written to `path`. */
  const serve = async (token: string, path = kubeconfig()) => {
    await cluster?.stop();
    cluster = await startLocalCluster({
      listen: '127.0.0.1',
      port,
      dataDir: join(dir, 'data'),
      token,
      kubeconfigPath: path,
      bookmarkIntervalMs: 50,
      logger: silentLogger(),
    });
    port = Number(new URL(cluster.url).port);
  };
  const admin = (path = kubeconfig()) => new KubeClient(loadKubeConfig({ source: 'flag', paths: [path] }));
  const readyz = async () => {
    const res = await fetch(`http://127.0.0.1:${operator?.manager.ports().health}/readyz`);
    return { status: res.status, text: await res.text() };
  };
  const reported = async (client: KubeClient, name: string) => {
    const obj = await client.get<KubeObject & { status?: { reported?: { firmwareVersion?: string } } }>(
      resourcePath(DEVICES, { namespace: NS, name }),
    );
    return obj.status?.reported?.firmwareVersion;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tdo-auth-'));
    await serve(TOKENS[0] as string);
    await createCrds(admin());
    await createAll(admin(), [release('1.0', { releaseDate: '2026-06-01T00:00:00Z' })]);
    await createAll(admin(), [device(NS, 'before')], NS);
    operator = await startOperator({
      config: parseConfig(
        ['--kubeconfig', kubeconfig(), '--transport', 'memory', '--health-port', '0', '--metrics-port', '0'],
        {},
      ),
      logger,
    });
    await eventually(
      async () => (await reported(admin(), 'before')) === '1.0',
      'the first device is reconciled',
      30_000,
    );
  });

  after(async () => {
    await operator?.stop();
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('should read the kubeconfig again after a 401 and keep reconciling', async () => {
    await serve(TOKENS[1] as string);
    await createAll(admin(), [device(NS, 'after-restart')]);
    await eventually(
      async () => (await reported(admin(), 'after-restart')) === '1.0',
      'a device created after the restart is reconciled',
      30_000,
    );
    await eventually(async () => (await readyz()).status === 200, '/readyz is ok again', 30_000);
  });

  it('should fail /readyz while the credentials are refused, and recover once they are fixed', async () => {
    const elsewhere = join(dir, 'new-kubeconfig');
    await serve(TOKENS[2] as string, elsewhere);
    await eventually(async () => (await readyz()).status === 503, '/readyz fails', 30_000);
    expect((await readyz()).text).to.match(/\[-\]manager failed: API server: 401 Unauthorized/);
    copyFileSync(elsewhere, kubeconfig());
    await eventually(async () => (await readyz()).status === 200, '/readyz is ok again', 30_000);
    await createAll(admin(), [device(NS, 'after-fix')]);
    await eventually(
      async () => (await reported(admin(), 'after-fix')) === '1.0',
      'a new device is reconciled',
      30_000,
    );
  });

  it('should never log a token, through every reconnect', () => {
    expect(lines.length).to.be.greaterThan(20);
    const text = lines.map((l) => JSON.stringify(l)).join('\n');
    for (const token of TOKENS) expect(text).to.not.contain(token);
    expect(text).to.not.match(/Bearer [A-Za-z0-9]/);
  });
});
