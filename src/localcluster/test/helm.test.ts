// The real helm (v3.17.2) installing, upgrading and uninstalling a small chart on the embedded control plane.
import { expect } from 'chai';
import { useLocalCluster } from './support/cluster.js';

const CHART = 'test/fixtures/charts/teams-demo';
const NS = 'helm-demo';

describe('localcluster with the real helm', () => {
  const fx = useLocalCluster({ crds: true });
  const kubectl = (...args: string[]) => fx.clients.kubectlOk(args);
  const helm = (...args: string[]) => fx.clients.helmOk(args, { timeoutMs: 55_000 });
  const json = async (...args: string[]) => JSON.parse(await kubectl('get', ...args, '-n', NS, '-o', 'json'));

  before(async () => {
    await kubectl('create', 'namespace', NS);
  });

  it('should `helm install --wait` a Deployment, a Service, a ConfigMap and a TeamsDevice', async function () {
    this.timeout(60_000);
    const out = await helm('install', 'demo', CHART, '-n', NS, '--wait', '--timeout', '40s');
    expect(out).to.match(/^NAME: demo$/m);
    expect(out).to.match(/^STATUS: deployed$/m);
    expect(out).to.match(/^REVISION: 1$/m);

    expect(await kubectl('get', 'deployment', 'demo-web', '-n', NS)).to.match(/^demo-web\s+1\/1\s+1\s+1\s/m);
    const service = await json('service', 'demo-web');
    expect(service.spec.clusterIP).to.match(/^\d+\.\d+\.\d+\.\d+$/);
    expect((await json('configmap', 'demo-settings')).data).to.deep.equal({ greeting: 'hello' });
    expect(await kubectl('get', 'tdev', 'demo-phone', '-n', NS)).to.match(
      /^demo-phone\s+Phone\s+MP56\s+General\s/m,
    );

    const list = JSON.parse(await helm('list', '-n', NS, '-o', 'json'));
    expect(list).to.have.length(1);
    expect(list[0]).to.include({ name: 'demo', namespace: NS, revision: '1', status: 'deployed' });
  });

  it('should `helm upgrade` the release in place', async function () {
    this.timeout(60_000);
    const uid = (await json('tdev', 'demo-phone')).metadata.uid;
    const out = await helm(
      'upgrade',
      'demo',
      CHART,
      '-n',
      NS,
      '--wait',
      '--timeout',
      '40s',
      '--set',
      'greeting=bonjour',
      '--set',
      'device.model=MP58',
      '--set',
      'device.phase=Final',
    );
    expect(out).to.include('Release "demo" has been upgraded.');
    expect(out).to.match(/^REVISION: 2$/m);

    expect((await json('configmap', 'demo-settings')).data).to.deep.equal({ greeting: 'bonjour' });
    const device = await json('tdev', 'demo-phone');
    expect(device.metadata.uid).to.equal(uid);
    expect(device.spec).to.include({ model: 'MP58' });
    expect(device.spec.firmwareAutoUpdate).to.deep.equal({ phase: 'Final' });
    expect(device.metadata.generation).to.equal(2);
    // The ConfigMap checksum annotation changed the pod template: a new rollout, and helm waited for it.
    const deployment = await json('deployment', 'demo-web');
    expect(deployment.metadata.generation).to.equal(2);
    expect(deployment.status.observedGeneration).to.equal(2);

    const history = JSON.parse(await helm('history', 'demo', '-n', NS, '-o', 'json')) as {
      revision: number;
      status: string;
    }[];
    expect(history.map((h) => [h.revision, h.status])).to.deep.equal([
      [1, 'superseded'],
      [2, 'deployed'],
    ]);
  });

  it('should `helm uninstall` everything the chart created, release secrets included', async function () {
    this.timeout(60_000);
    expect(await helm('uninstall', 'demo', '-n', NS, '--wait', '--timeout', '40s')).to.include(
      'release "demo" uninstalled',
    );
    const left = await fx.clients.kubectl([
      'get',
      'deployments,services,configmaps,tdev',
      '-n',
      NS,
      '-l',
      'app.kubernetes.io/instance=demo',
    ]);
    expect(left.stdout).to.equal('');
    expect(left.stderr).to.include(`No resources found in ${NS} namespace.`);
    expect(await kubectl('get', 'secrets', '-n', NS, '-l', 'owner=helm', '-o', 'name')).to.equal('');
    expect(JSON.parse(await helm('list', '-n', NS, '-a', '-o', 'json'))).to.deep.equal([]);
  });
});
