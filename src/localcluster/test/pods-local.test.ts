// Local pods: a Deployment of a local image runs as real processes, seen through the real kubectl.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import { useLocalCluster } from './support/cluster.js';

const IMAGE = 'example.test/pod-image:1';
const SCRIPT = join(import.meta.dirname, 'support/pod-image.mjs');
const NS = 'pods';
const dir = mkdtempSync(join(tmpdir(), 'tdo-local-pods-'));

function deployment(name: string, extraEnv: object[] = [], image = IMAGE): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          terminationGracePeriodSeconds: 2,
          containers: [
            {
              name: 'main',
              image,
              args: ['--listen', '0.0.0.0:8080', '--config', '/etc/app', '--state', '/var/lib/app'],
              ports: [{ name: 'http', containerPort: 8080 }],
              readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10 },
              env: [
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                { name: 'SECRET_WORD', valueFrom: { secretKeyRef: { name: 'words', key: 'word' } } },
                ...extraEnv,
              ],
              volumeMounts: [
                { name: 'config', mountPath: '/etc/app' },
                { name: 'state', mountPath: '/var/lib/app' },
              ],
            },
          ],
          volumes: [
            { name: 'config', configMap: { name: 'greeting' } },
            { name: 'state', emptyDir: {} },
          ],
        },
      },
    },
  });
}

async function until<T>(what: string, check: () => Promise<T | undefined | false>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting until ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(100);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('local pods with the real kubectl', function () {
  this.timeout(60_000);
  const fx = useLocalCluster({
    localPods: {
      images: (image) => image.startsWith('example.test/pod-image'),
      command: (c) => ({ file: process.execPath, args: [SCRIPT, ...c.args] }),
      dir,
      backoffInitialMs: 200,
      backoffMaxMs: 800,
      probePeriodMaxMs: 200,
      volumeSyncMs: 200,
    },
  });
  const kubectl = (...args: string[]) => fx.clients.kubectlOk(args);
  const kubectlIn = (input: string, ...args: string[]) => fx.clients.kubectlOk(args, { input });
  const pods = async (app: string) =>
    (await kubectl('get', 'pods', '-n', NS, '-l', `app=${app}`, '-o', 'jsonpath={.items[*].metadata.name}'))
      .split(' ')
      .filter((n) => n !== '');
  const podField = (pod: string, path: string) =>
    kubectl('get', 'pod', pod, '-n', NS, '-o', `jsonpath={${path}}`);

  after(() => rmSync(dir, { recursive: true, force: true }));

  before(async () => {
    await kubectl('create', 'namespace', NS);
    await kubectl('create', 'configmap', 'greeting', '-n', NS, '--from-literal=greeting=hello');
    await kubectl('create', 'secret', 'generic', 'words', '-n', NS, '--from-literal=word=swordfish');
  });

  it('should run a Deployment of a local image as a Running, Ready pod that kubectl lists and logs', async () => {
    await kubectlIn(deployment('web'), 'apply', '-f', '-');
    await kubectl('rollout', 'status', 'deployment/web', '-n', NS, '--timeout=30s');
    const [pod] = await pods('web');
    expect(pod).to.match(/^web-[a-z0-9]+-[a-z0-9]{5}$/);
    const table = await kubectl('get', 'pods', '-n', NS, '-l', 'app=web');
    expect(table).to.match(new RegExp(`${pod}\\s+1/1\\s+Running\\s+0`));
    const owner = await podField(pod as string, '.metadata.ownerReferences[0].kind');
    expect(owner).to.equal('ReplicaSet');
    expect(await podField(pod as string, '.metadata.labels.pod-template-hash')).to.not.equal('');
    const logs = await until('the log shows the start', async () => {
      const text = await kubectl('logs', '-n', NS, pod as string);
      return text.includes('greeting: hello') && text;
    });
    expect(logs).to.include(`started ${pod} in ${NS} start 1 secret swordfish`);
    expect(logs).to.match(/listening on 127\.0\.0\.1:\d+/);
    expect(logs).to.not.include('listening on 0.0.0.0:8080');
    expect(await kubectl('logs', '-n', NS, pod as string, '--tail=1', '--timestamps')).to.match(
      /^\d{4}-\d\d-\d\dT[^ ]+ greeting: hello\n?$/,
    );
  });

  it('should follow a ConfigMap change in the projected file, shown live by kubectl logs -f', async () => {
    const [pod] = await pods('web');
    const follow = fx.clients.kubectlBackground(['logs', '-f', '-n', NS, pod as string]);
    try {
      await kubectlIn(
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'greeting', namespace: NS },
          data: { greeting: 'bonjour' },
        }),
        'apply',
        '-f',
        '-',
      );
      await until('kubectl logs -f shows the new greeting', async () =>
        follow.stdout.includes('greeting: bonjour'),
      );
    } finally {
      await follow.stop();
    }
  });

  it('should stop the process of a deleted pod and run a new pod in its place', async () => {
    const [old] = await pods('web');
    const pids = fx.cluster.podPids();
    expect(pids).to.have.length(1);
    await kubectl('delete', 'pod', '-n', NS, old as string);
    await until('the old process is gone', async () => !alive(pids[0] as number));
    const fresh = await until('a new pod is Ready', async () => {
      const [name] = await pods('web');
      return (
        name !== old &&
        name &&
        (await podField(name, '.status.containerStatuses[0].ready')) === 'true' &&
        name
      );
    });
    expect(await kubectl('get', 'pods', '-n', NS, '-l', 'app=web')).to.match(
      new RegExp(`${fresh}\\s+1/1\\s+Running`),
    );
  });

  it('should restart a crashing container with back-off and show its exit code and previous log', async () => {
    await kubectlIn(
      deployment('crash', [
        { name: 'CRASH_CODE', value: '3' },
        { name: 'CRASH_AFTER_MS', value: '300' },
      ]),
      'apply',
      '-f',
      '-',
    );
    const pod = await until('the crash pod exists', async () => (await pods('crash'))[0]);
    await until(
      'it restarted twice',
      async () => Number(await podField(pod, '.status.containerStatuses[0].restartCount')) >= 2,
    );
    expect(await podField(pod, '.status.containerStatuses[0].lastState.terminated.exitCode')).to.equal('3');
    expect(await podField(pod, '.status.containerStatuses[0].lastState.terminated.reason')).to.equal('Error');
    await until('the table shows CrashLoopBackOff', async () =>
      (await kubectl('get', 'pod', pod, '-n', NS)).includes('CrashLoopBackOff'),
    );
    const previous = await kubectl('logs', '-n', NS, pod, '--previous');
    expect(previous).to.match(/start [2-9] secret swordfish/);
    await kubectl('delete', 'deployment', 'crash', '-n', NS);
  });

  it('should leave a Deployment of another image to report ready at once, with no pod', async () => {
    await kubectlIn(deployment('elsewhere', [], 'nginx:1.27'), 'apply', '-f', '-');
    await kubectl('rollout', 'status', 'deployment/elsewhere', '-n', NS, '--timeout=10s');
    expect(await pods('elsewhere')).to.deep.equal([]);
  });

  it('should refuse logs of a pod that is not run here with a clear error', async () => {
    await kubectlIn(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'remote', namespace: NS },
        spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] },
      }),
      'apply',
      '-f',
      '-',
    );
    const result = await fx.clients.kubectl(['logs', '-n', NS, 'remote']);
    expect(result.code).to.not.equal(0);
    expect(result.stderr).to.include('container "c" in pod "remote" is not running on this machine');
  });

  it('should stop every pod process when the cluster stops', async () => {
    const pids = fx.cluster.podPids();
    expect(pids.length).to.be.greaterThan(0);
    await fx.cluster.stop();
    for (const pid of pids) expect(alive(pid), `pid ${pid}`).to.equal(false);
    await fx.restart();
  });
});
