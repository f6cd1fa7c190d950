// `teams-device-operator local` (npm start) without a terminal: its log lines, the real kubectl against it,
// and a stop (SIGTERM) and start again in the middle of the example rollout.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import type { TeamsDevice } from '../../src/api/v1alpha1/index.js';
import { toolPaths } from '../../src/localcluster/test/support/tools.js';
import { eventually } from '../support/async.js';
import { allGone, clientOf, descendants, LocalProcess } from './support/local-process.js';

const run = promisify(execFile);
const DEVICES = '/apis/teamsdevices.io/v1alpha1/teamsdevices';
const NYC_PLAN = '/apis/teamsdevices.io/v1alpha1/namespaces/contoso-americas/updateplans/nyc-saturday';
/**
 * From a Saturday (outside business hours everywhere) at ten simulated hours a second: the example rollout
 * runs from the start and lasts minutes (its Final phase starts 90 days after each release).
 */
const SPEED = '36000';
const CLOCK = ['--clock-speed', SPEED, '--clock-start', '2026-12-05T00:00:00Z'];
const LINE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC (FirmwareRelease|UpdatePlan|TeamsDevice) \S+ /;

type History = NonNullable<NonNullable<TeamsDevice['status']>['history']>;

async function histories(kubeconfig: string): Promise<Map<string, History>> {
  const list = await clientOf(kubeconfig).list<TeamsDevice>(DEVICES);
  return new Map(
    list.items.map((d) => [`${d.metadata.namespace}/${d.metadata.name}`, d.status?.history ?? []]),
  );
}

const entryKey = (h: History[number]) => `${h.component} ${h.to} ${h.result} ${h.finishedAt}`;

describe('local: npm start without a terminal, stopped and started again', function () {
  this.timeout(90_000);
  const stateDir = mkdtempSync(join(tmpdir(), 'tdo-local-'));
  let first: LocalProcess | undefined;
  let second: LocalProcess | undefined;
  let kubeconfig = '';
  let children: number[] = [];
  let before = new Map<string, History>();
  let savedAt = '';

  after(async () => {
    await first?.stop();
    await second?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('should print the kubeconfig, then one plain line per state change, with no escape codes', async () => {
    first = new LocalProcess(['--state-dir', stateDir, ...CLOCK]);
    kubeconfig = (await first.waitFor(/export KUBECONFIG=(\S+)/))[1] as string;
    expect(kubeconfig).to.equal(join(stateDir, 'kubeconfig'));
    expect(first.stdout).to.include('kubectl get teams -A');
    await first.waitFor(/TeamsDevice \S+ update Firmware \S+ Succeeded/);
    expect(first.stdout).not.to.include('\u001b');
    const changes = first.stdout.split('\n').slice(first.stdout.split('\n').findIndex((l) => LINE.test(l)));
    for (const line of changes.filter((l) => l !== '')) expect(line).to.match(LINE);
    expect(first.stdout).to.match(/UpdatePlan contoso-emea\/ccx-recovery phase /);
  });

  it('should let the real kubectl list the 36 example TeamsDevices with the printed kubeconfig', async () => {
    const env = { ...process.env, KUBECONFIG: kubeconfig, HOME: stateDir };
    const { stdout } = await run(toolPaths().kubectl, ['get', 'teamsdevices', '-A', '-o', 'name'], { env });
    expect(stdout.trim().split('\n')).to.have.length(36);
    const server = await run(
      toolPaths().kubectl,
      ['config', 'view', '--minify', '-o', 'jsonpath={.clusters[0].cluster.server}'],
      { env },
    );
    expect(server.stdout).to.match(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('should stop every process it started on SIGTERM, exit 0, and save the simulated instant', async () => {
    const proc = first as LocalProcess;
    children = descendants(proc.child.pid as number);
    expect(children.length).to.be.at.least(3, 'one proxy per example pool');
    // A change of the user's that a restart must keep: the examples are not applied again.
    await clientOf(kubeconfig).delete(NYC_PLAN);
    before = await histories(kubeconfig);
    expect([...before.values()].flat().some((h) => h.result === 'Succeeded')).to.equal(true);
    expect(await proc.stop()).to.equal(0);
    await allGone(children);
    savedAt = (JSON.parse(readFileSync(join(stateDir, 'clock.json'), 'utf8')) as { simulatedAt: string })
      .simulatedAt;
    expect(Date.parse(savedAt)).to.be.above(Date.parse('2026-12-05T00:00:00Z'));
  });

  it('should resume every object and the clock after a restart, and send no finished update again', async () => {
    second = new LocalProcess(['--state-dir', stateDir]);
    const clock = await second.waitFor(new RegExp(`Simulated clock (\\S+ \\S+) UTC at ×${SPEED} \\(resumed`));
    expect(Date.parse(`${clock[1]?.replace(' ', 'T')}Z`)).to.be.at.least(Date.parse(savedAt) - 1000);
    const client = clientOf(kubeconfig);
    expect(
      await client.get(NYC_PLAN).then(
        () => 'there',
        () => 'gone',
      ),
    ).to.equal('gone');
    // The rollout goes on: more updates succeed after the restart.
    const succeeded = (all: Map<string, History>) =>
      [...all.values()].flat().filter((h) => h.result === 'Succeeded').length;
    await eventually(
      async () => succeeded(await histories(kubeconfig)) > succeeded(before),
      'an update succeeded after the restart',
      60_000,
    );
    const after = await histories(kubeconfig);
    for (const [device, entries] of before) {
      const now = new Set((after.get(device) ?? []).map(entryKey));
      for (const entry of entries)
        expect(now.has(entryKey(entry)), `${device}: ${entryKey(entry)} kept`).to.equal(true);
    }
    for (const [device, entries] of after) {
      const installed = entries.filter((h) => h.result === 'Succeeded').map((h) => `${h.component} ${h.to}`);
      expect(installed, `${device} installed nothing twice`).to.deep.equal([...new Set(installed)]);
    }
    const restarted = descendants(second.child.pid as number);
    expect(await second.stop()).to.equal(0);
    await allGone(restarted);
  });
});
