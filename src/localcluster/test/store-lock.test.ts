// The data-directory lock as users meet it: of two servers started at once on one directory exactly one
// runs (in one process and in two), a lock left by a crashed server is taken over, including the one a
// container restarted as PID 1 finds naming its own PID, and a live server holding it refuses the other.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { type LocalCluster, startLocalCluster } from '../index.js';
import { type ChildCluster, startChild, stopChild } from './support/child-cluster.js';

const IN_USE = /data directory .* is in use by process \d+/;

function startTime(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
}

describe('localcluster data-directory lock', function () {
  this.timeout(60_000);
  let dir: string;
  const clusters: LocalCluster[] = [];
  const children: ChildProcess[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tdo-lock-'));
  });

  afterEach(async () => {
    for (const cluster of clusters.splice(0)) await cluster.stop();
    for (const child of children.splice(0)) await stopChild(child, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('should run exactly one of two servers started at once on one directory in this process, 20 rounds in a row', async () => {
    for (let round = 0; round < 20; round++) {
      const results = await Promise.allSettled([
        startLocalCluster({ dataDir: dir }),
        startLocalCluster({ dataDir: dir }),
      ]);
      const running = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      clusters.push(...running);
      expect(running, `round ${round}`).to.have.length(1);
      const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(String(refused.reason)).to.match(IN_USE);
      for (const cluster of clusters.splice(0)) await cluster.stop();
    }
  });

  it('should run exactly one of two server processes started at once on one directory, 3 rounds in a row', async () => {
    for (let round = 0; round < 3; round++) {
      const results = await Promise.allSettled([startChild(dir), startChild(dir)]);
      const running = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value as ChildCluster] : []));
      children.push(...running.map((r) => r.child));
      expect(running, `round ${round}`).to.have.length(1);
      const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(String(refused.reason)).to.match(IN_USE);
      for (const child of children.splice(0)) await stopChild(child, 'SIGKILL');
    }
  });

  it('should take over a lock naming its own PID, as a container restarted as PID 1 finds it', async () => {
    // The lock of this version and the one of older versions (a file holding only the pid).
    writeFileSync(join(dir, 'lock.1'), JSON.stringify({ pid: process.pid, start: startTime(process.pid) }));
    writeFileSync(join(dir, 'lock'), `${process.pid}\n`);
    const cluster = await startLocalCluster({ dataDir: dir });
    clusters.push(cluster);
    expect(readdirSync(dir).filter((f) => f.startsWith('lock'))).to.deep.equal(['lock.2']);
  });

  it('should take over a lock whose process is gone, or whose pid now belongs to another process', async () => {
    const gone = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => gone.once('exit', resolve));
    writeFileSync(join(dir, 'lock.1'), JSON.stringify({ pid: gone.pid }));
    const first = await startLocalCluster({ dataDir: dir });
    await first.stop();

    const other = spawn('sleep', ['30']);
    children.push(other);
    const reused = { pid: other.pid, start: startTime(other.pid as number) - 1 };
    writeFileSync(join(dir, 'lock.1'), JSON.stringify(reused));
    clusters.push(await startLocalCluster({ dataDir: dir }));
  });

  it('should refuse to start while another live process holds the lock, naming that process', async () => {
    const other = spawn('sleep', ['30']);
    children.push(other);
    const pid = other.pid as number;
    writeFileSync(join(dir, 'lock.7'), JSON.stringify({ pid, start: startTime(pid) }));
    const error = await startLocalCluster({ dataDir: dir }).catch((e: unknown) => e);
    expect(String(error)).to.include(`data directory ${dir} is in use by process ${pid}`);
    expect(readdirSync(dir).filter((f) => f.startsWith('lock'))).to.deep.equal(['lock.7']);
  });
});
