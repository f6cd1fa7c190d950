// What `local` keeps in its state directory (default .tdo/), so that a restart resumes where it stopped:
//   cluster/            the control plane's write-ahead log and snapshot (every object)
//   kubeconfig          for kubectl (0600: it holds the token)
//   broker.json         the embedded broker's generated users and passwords (0600)
//   clock.json          the simulated instant, saved periodically and on stop
//   examples-applied    marker: deploy/examples/ was applied once, never again
//   proxies/            each proxy's own state directory (finished commands, simulated versions)
//   bin/                the pinned kubectl, when none is on PATH
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface StatePaths {
  root: string;
  clusterDir: string;
  kubeconfig: string;
  broker: string;
  clock: string;
  examplesMarker: string;
  proxiesDir: string;
  binDir: string;
}

export function statePaths(root: string): StatePaths {
  return {
    root,
    clusterDir: join(root, 'cluster'),
    kubeconfig: join(root, 'kubeconfig'),
    broker: join(root, 'broker.json'),
    clock: join(root, 'clock.json'),
    examplesMarker: join(root, 'examples-applied'),
    proxiesDir: join(root, 'proxies'),
    binDir: join(root, 'bin'),
  };
}

/** Creates the directory (0700: it holds credentials); with `reset`, removes what was there first. */
export function prepareStateDir(paths: StatePaths, reset: boolean): void {
  if (reset) rmSync(paths.root, { recursive: true, force: true });
  mkdirSync(paths.root, { recursive: true, mode: 0o700 });
  mkdirSync(paths.proxiesDir, { recursive: true });
}

/** Writes `text` to `path` (mode 0600) through a temporary file, so a crash never leaves half of it. */
export function writePrivateFile(path: string, text: string): void {
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, text, { mode: 0o600 });
  chmodSync(partial, 0o600);
  renameSync(partial, path);
}

/** The users of the embedded broker: one for the operator, one the proxies share (through a Secret). */
export interface BrokerUsers {
  operator: { username: string; password: string };
  proxy: { username: string; password: string };
}

/** The broker users saved in the state directory, generated (and saved) on the first start. */
export function brokerUsers(paths: StatePaths): BrokerUsers {
  if (existsSync(paths.broker)) {
    const saved = JSON.parse(readFileSync(paths.broker, 'utf8')) as BrokerUsers;
    if (saved.operator?.password && saved.proxy?.password) return saved;
  }
  const secret = () => randomBytes(24).toString('base64url');
  const users: BrokerUsers = {
    operator: { username: 'tdo-operator', password: secret() },
    proxy: { username: 'tdo-proxy', password: secret() },
  };
  writePrivateFile(paths.broker, `${JSON.stringify(users, null, 2)}\n`);
  return users;
}

export interface SavedClock {
  /** The simulated instant when it was saved. */
  simulatedAt: string;
  speed: number;
}

/** The simulated instant saved by the last run, if any (a damaged file counts as none). */
export function readSavedClock(paths: StatePaths): SavedClock | undefined {
  if (!existsSync(paths.clock)) return undefined;
  try {
    const saved = JSON.parse(readFileSync(paths.clock, 'utf8')) as SavedClock;
    return Number.isNaN(new Date(saved.simulatedAt).getTime()) ? undefined : saved;
  } catch {
    return undefined;
  }
}

export function saveClock(paths: StatePaths, clock: { now(): Date; speed: number }): void {
  const saved: SavedClock = { simulatedAt: clock.now().toISOString(), speed: clock.speed };
  writePrivateFile(paths.clock, `${JSON.stringify(saved)}\n`);
}
