// `teams-device-operator local` (npm start) tried as a new user would, with the real kubectl and the printed
// kubeconfig: the example pools' proxies are real pods (listed, logged, deleted and replaced), an immediate
// UpdatePlan succeeds within a minute at an hour a second, and stopping `local` stops every pod's process.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import type { TeamsDevice } from '../../src/api/v1alpha1/index.js';
import { toolPaths } from '../../src/localcluster/test/support/tools.js';
import { eventually } from '../support/async.js';
import { allGone, clientOf, descendants, LocalProcess, podPids } from './support/local-process.js';

const run = promisify(execFile);
const POOL_NAMESPACES = ['contoso-americas', 'contoso-apac', 'contoso-emea'];
/** A row of `kubectl get pods -A`: a pool's proxy, ready and Running. */
const RUNNING_PROXY = /^(\S+)\s+(tdo-proxy-default-[a-z0-9]+-[a-z0-9]{5})\s+1\/1\s+Running\s/;
/** A Final-phase phone on 122.15.0.36: the automatic rollout leaves it alone for months, a plan does not. */
const PLAN_DEVICE = {
  namespace: 'contoso-emea',
  name: 'ber-vip-mp58',
  from: '122.15.0.36',
  to: '122.15.0.40',
};
/** The pod deleted: served by the contoso-americas pool. */
const OFFLINE_NAMESPACE = 'contoso-americas';

describe('local: the example pools as proxy pods, tried with the real kubectl', function () {
  this.timeout(90_000);
  const stateDir = mkdtempSync(join(tmpdir(), 'tdo-local-pods-'));
  let local: LocalProcess | undefined;
  let env: NodeJS.ProcessEnv = {};
  let kubeconfig = '';
  const kubectl = async (...args: string[]) => (await run(toolPaths().kubectl, args, { env })).stdout;
  /** The Running proxy pods by namespace, as `kubectl get pods -A` lists them. */
  const runningProxies = async () => {
    const rows = (await kubectl('get', 'pods', '-A', '--no-headers')).trim().split('\n');
    const pods = new Map<string, string[]>();
    for (const match of rows.map((row) => RUNNING_PROXY.exec(row))) {
      if (match) pods.set(match[1] as string, [...(pods.get(match[1] as string) ?? []), match[2] as string]);
    }
    return pods;
  };
  before(async function () {
    this.timeout(60_000);
    local = new LocalProcess([
      '--state-dir',
      stateDir,
      '--quiet',
      '--clock-speed',
      '3600',
      '--clock-start',
      '2026-12-05T00:00:00Z',
    ]);
    kubeconfig = (await local.waitFor(/export KUBECONFIG=(\S+)/))[1] as string;
    env = { ...process.env, KUBECONFIG: kubeconfig, HOME: stateDir };
  });

  after(async () => {
    await local?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('should list one Running proxy pod per example pool with kubectl get pods -A', async () => {
    let pods = new Map<string, string[]>();
    await eventually(
      async () => {
        pods = await runningProxies();
        return pods.size === POOL_NAMESPACES.length;
      },
      'kubectl get pods -A lists a Running proxy in each pool namespace',
      45_000,
    ).catch(async (error: unknown) => {
      throw new Error(`${String(error)}\n${await kubectl('get', 'pods', '-A')}`);
    });
    expect([...pods.keys()].sort()).to.deep.equal(POOL_NAMESPACES);
    for (const names of pods.values()) expect(names).to.have.length(1);
  });

  it("should show a proxy's log with kubectl logs", async () => {
    const [pod] = (await runningProxies()).get('contoso-emea') ?? [];
    const log = await kubectl('logs', '-n', 'contoso-emea', pod as string);
    expect(log).to.include('pool config read');
    expect(log).to.include(`"pod":"${pod}"`);
  });

  it('should install the version of an immediate UpdatePlan the user applies within a minute', async () => {
    const { namespace, name, from, to } = PLAN_DEVICE;
    const version = () =>
      kubectl(
        'get',
        'teamsdevice',
        '-n',
        namespace,
        name,
        '-o',
        'jsonpath={.status.reported.firmwareVersion}',
      );
    await eventually(async () => (await version()) === from, `${name} reports ${from}`, 20_000);
    const plan = join(stateDir, 'plan.yaml');
    writeFileSync(
      plan,
      [
        'apiVersion: teamsdevices.io/v1alpha1',
        'kind: UpdatePlan',
        'metadata: {name: vip-now, namespace: contoso-emea}',
        'spec:',
        `  devices: {names: [${name}]}`,
        `  updates: [{component: Firmware, version: "${to}"}]`,
      ].join('\n'),
    );
    const applied = Date.now();
    await kubectl('apply', '-f', plan);
    const phase = () =>
      kubectl('get', 'updateplan', '-n', namespace, 'vip-now', '-o', 'jsonpath={.status.phase}');
    await eventually(async () => (await phase()) === 'Succeeded', 'the plan Succeeded', 60_000).catch(
      async (error: unknown) => {
        throw new Error(
          `${String(error)}\n${await kubectl('get', 'updateplan', '-n', namespace, 'vip-now', '-o', 'yaml')}`,
        );
      },
    );
    expect(Date.now() - applied).to.be.below(60_000);
    expect(await version()).to.equal(to);
  });

  it('should turn the devices of a deleted proxy pod Online=False, and a new pod brings them back', async () => {
    const client = clientOf(kubeconfig);
    const path = `/apis/teamsdevices.io/v1alpha1/namespaces/${OFFLINE_NAMESPACE}/teamsdevices`;
    const [device] = (await client.list<TeamsDevice>(path)).items;
    const online = (d: TeamsDevice | undefined) =>
      d?.status?.conditions?.find((c) => c.type === 'Online')?.status;
    await eventually(
      async () => online(await client.get<TeamsDevice>(`${path}/${device?.metadata.name}`)) === 'True',
      'the device is Online',
      30_000,
    );
    // Every Online status the device goes through, as `kubectl get -w` would show them.
    const seen: string[] = [];
    const watch = await client.watch(
      path,
      { fieldSelector: `metadata.name=${device?.metadata.name}` },
      (_type, object) => seen.push(online(object as unknown as TeamsDevice) ?? ''),
      () => {},
    );
    try {
      const [old] = (await runningProxies()).get(OFFLINE_NAMESPACE) ?? [];
      await kubectl('delete', 'pod', '-n', OFFLINE_NAMESPACE, old as string);
      await eventually(() => seen.includes('False'), `${device?.metadata.name} turned Online=False`, 60_000);
      await eventually(
        async () => {
          const [now] = (await runningProxies()).get(OFFLINE_NAMESPACE) ?? [];
          return now !== undefined && now !== old && seen.at(-1) === 'True';
        },
        'a new proxy pod runs and the device is Online=True again',
        60_000,
      );
    } finally {
      watch.abort();
    }
  });

  it('should stop every proxy pod process when local stops, and exit 0', async () => {
    const proc = local as LocalProcess;
    const pids = await podPids(kubeconfig);
    expect(pids).to.have.length(POOL_NAMESPACES.length);
    const all = descendants(proc.child.pid as number);
    expect(all).to.include.members(pids);
    expect(await proc.stop()).to.equal(0);
    await allGone(all);
  });
});
