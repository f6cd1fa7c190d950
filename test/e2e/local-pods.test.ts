// A DeviceProxyPool's Deployment run by the embedded control plane as a real proxy pod (local pods, with the
// product's own image mapping), seen as a user sees it: the real kubectl lists it Running and Ready, shows
// its log, and a deleted pod is replaced by a new one that brings the devices back online.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { deploymentName } from '../../src/controllers/pool/objects.js';
import type { KubeClient } from '../../src/k8s/client.js';
import { localPodsOptions } from '../../src/local/pod-command.js';
import type { Operator } from '../../src/operator/operator.js';
import { eventually } from '../support/async.js';
import { startAedes, type TestBroker } from '../support/brokers.js';
import { useLocalCluster } from '../support/cluster.js';
import {
  condition,
  createObjects,
  fleetObjects,
  getDevice,
  startArtifactServer,
  startMqttOperator,
} from './support/fleet.js';

const NS = 'local-pods';
const dir = mkdtempSync(join(tmpdir(), 'tdo-e2e-local-pods-'));

describe('device proxy pools as local pods', function () {
  this.timeout(90_000);
  const cluster = useLocalCluster({
    tls: false,
    crds: 'api',
    localPods: localPodsOptions(dir, { probePeriodMaxMs: 300, backoffInitialMs: 500, volumeSyncMs: 300 }),
  });
  let client: KubeClient;
  let broker: TestBroker;
  let artifacts: Awaited<ReturnType<typeof startArtifactServer>>;
  let operator: Operator;
  const kubectl = (...args: string[]) => cluster.clients.kubectlOk(args);
  const podNames = async () =>
    (await kubectl('get', 'pods', '-n', NS, '-o', 'jsonpath={.items[*].metadata.name}'))
      .split(' ')
      .filter(Boolean);
  const online = async (status: string) =>
    eventually(
      async () => condition(await getDevice(client, NS, 'phone-001'), 'Online')?.status === status,
      `phone-001 is Online=${status}`,
      40_000,
    );

  before(async function () {
    this.timeout(60_000);
    client = cluster.client();
    broker = await startAedes();
    artifacts = await startArtifactServer();
    await cluster.createNamespace(NS);
    const objects = fleetObjects(artifacts.url, { namespace: NS, devices: 2 });
    objects.pool.spec.mqtt = { url: broker.url, credentialsSecret: 'mqtt' };
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'mqtt', namespace: NS },
      data: { username: '', password: '' },
    };
    await client.create(`/api/v1/namespaces/${NS}/secrets`, secret as never);
    await createObjects(client, [objects.release, objects.policy, objects.pool, ...objects.devices]);
    operator = await startMqttOperator(client, broker, { clientId: 'tdo-e2e-local-pods' });
  });

  after(async function () {
    this.timeout(30_000);
    await operator?.stop();
    await artifacts?.stop();
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('should list the pool proxy as a Running, Ready pod and bring its devices online', async () => {
    await eventually(
      async () => {
        const t = await kubectl('get', 'pods', '-n', NS).catch((e) => String(e));
        return /\s1\/1\s+Running\s/.test(t);
      },
      'kubectl get pods shows the proxy 1/1 Running',
      40_000,
    ).catch(async (error: unknown) => {
      throw new Error(`${String(error)}\n${await kubectl('get', 'pods', '-n', NS, '-o', 'yaml')}`);
    });
    const [pod] = await podNames();
    expect(pod).to.match(new RegExp(`^${deploymentName('default')}-[a-z0-9]+-[a-z0-9]{5}$`));
    await kubectl('rollout', 'status', `deployment/${deploymentName('default')}`, '-n', NS, '--timeout=30s');
    await online('True');
  });

  it("should show the proxy's log through kubectl logs", async () => {
    const [pod] = await podNames();
    const log = await kubectl('logs', '-n', NS, pod as string);
    expect(log).to.include('pool config read');
    expect(log).to.include(pod as string);
  });

  it('should replace a deleted proxy pod with a new Running one that brings the devices back', async () => {
    const [old] = await podNames();
    const pids = cluster.cluster.podPids();
    await kubectl('delete', 'pod', '-n', NS, old as string);
    await eventually(
      async () => {
        const names = await podNames();
        const table = await kubectl('get', 'pods', '-n', NS);
        return names.length === 1 && names[0] !== old && /\s1\/1\s+Running\s/.test(table);
      },
      'a new proxy pod is 1/1 Running',
      40_000,
    );
    expect(cluster.cluster.podPids()).to.not.include.members(pids);
    await online('True');
  });
});
