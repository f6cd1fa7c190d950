// One server per data directory. The lock is a numbered file, `lock.<n>`, naming its holder (pid and the
// process's start time). Taking it is one atomic step: the holder's record is hard-linked to `lock.<n+1>`
// (link fails if the name exists), so of two servers starting at once exactly one gets a number; each then
// checks that no other live holder or higher number appeared, and backs off if one did. A holder is stale
// when its process is gone, when its pid now belongs to a process started at another time (a reused pid),
// or when it names this process but no server in this process holds it: a container restarted after a
// crash runs as PID 1 again, and its old lock names PID 1. Liveness is judged on this host only (one PID
// namespace); a data directory shared between hosts or containers is not protected.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { link, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { FILE_MODE } from './wal.js';

/** Lock files held or being taken by servers of this process. */
const held = new Set<string>();

const LOCK = /^lock\.(\d+)$/;
/** The lock file of versions that wrote `lock` holding only a pid. */
const LEGACY = 'lock';
const ROUNDS = 20;

interface Holder {
  pid: number;
  /** Start time of the process in clock ticks since boot (Linux), absent where it cannot be read. */
  start?: number;
}

export class DataDirInUse extends Error {
  constructor(dir: string, holder: Holder) {
    super(`data directory ${dir} is in use by process ${holder.pid}`);
    this.name = 'DataDirInUse';
  }
}

export interface DataDirLock {
  release(): Promise<void>;
}

export async function lockDataDir(dir: string): Promise<DataDirLock> {
  const own: Holder = { pid: process.pid, ...startOf(process.pid) };
  await dropLegacyLock(dir);
  for (let round = 0; round < ROUNDS; round++) {
    const before = await holders(dir);
    const live = before.find((h) => h.live);
    if (live) throw new DataDirInUse(dir, live.holder);
    const n = (before.at(-1)?.n ?? 0) + 1;
    const path = resolve(dir, `lock.${n}`);
    // Another server of this process is taking this number, or another process took it first.
    const taken = held.has(path) || !(await claim(dir, path, own));
    if (!taken) {
      const after = await holders(dir);
      if (!after.some((h) => h.n !== n && (h.n > n || h.live))) {
        for (const h of after) if (h.n < n) await rm(resolve(dir, `lock.${h.n}`), { force: true });
        return {
          async release() {
            await rm(path, { force: true });
            held.delete(path);
          },
        };
      }
      await rm(path, { force: true });
      held.delete(path);
    }
    await new Promise((done) => setTimeout(done, 2 * (round + 1)));
  }
  throw new Error(`data directory ${dir}: could not take its lock (other servers keep taking it)`);
}

/** Marks `path` as this process's and links it; false (and unmarked) when the name is taken. */
async function claim(dir: string, path: string, own: Holder): Promise<boolean> {
  held.add(path);
  const linked = await linkLock(dir, path, own).catch((error: unknown) => {
    held.delete(path);
    throw error;
  });
  if (!linked) held.delete(path);
  return linked;
}

/** Creates `path` holding `own`, atomically; false when the name is taken. */
async function linkLock(dir: string, path: string, own: Holder): Promise<boolean> {
  const temp = join(dir, `lock.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  await writeFile(temp, `${JSON.stringify(own)}\n`, { mode: FILE_MODE, flag: 'wx' });
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await rm(temp, { force: true });
  }
}

async function holders(dir: string): Promise<Array<{ n: number; holder: Holder; live: boolean }>> {
  const out: Array<{ n: number; holder: Holder; live: boolean }> = [];
  for (const name of await readdir(dir)) {
    const n = Number(LOCK.exec(name)?.[1] ?? Number.NaN);
    if (!Number.isInteger(n)) continue;
    const path = resolve(dir, name);
    let holder: Holder;
    try {
      holder = JSON.parse(await readFile(path, 'utf8')) as Holder;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      holder = { pid: 0 };
    }
    out.push({ n, holder, live: isLive(path, holder) });
  }
  return out.sort((a, b) => a.n - b.n);
}

/** Older versions locked with `lock` holding a pid: kept only while another live process holds it. */
async function dropLegacyLock(dir: string): Promise<void> {
  let pid: number;
  try {
    pid = Number((await readFile(join(dir, LEGACY), 'utf8')).trim());
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (pid > 0 && pid !== process.pid && isRunning(pid)) throw new DataDirInUse(dir, { pid });
  await rm(join(dir, LEGACY), { force: true });
}

function isLive(path: string, holder: Holder): boolean {
  if (!Number.isInteger(holder.pid) || holder.pid <= 0) return false;
  if (holder.pid === process.pid) return held.has(path);
  if (!isRunning(holder.pid)) return false;
  const now = startOf(holder.pid).start;
  return holder.start === undefined || now === undefined || now === holder.start;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Field 22 of /proc/<pid>/stat, after the command name (which may hold spaces and parentheses). */
function startOf(pid: number): { start?: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const start = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    return Number.isFinite(start) ? { start } : {};
  } catch {
    return {};
  }
}
