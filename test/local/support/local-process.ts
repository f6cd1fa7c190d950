// `teams-device-operator local` run as a user runs it (a process of its own, from the sources as tsx runs
// them), with what the tests look at: its output, the processes it started, its exit code.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { KubeClient } from '../../../src/k8s/client.js';
import { loadKubeConfig } from '../../../src/k8s/kubeconfig.js';
import { eventually } from '../../support/async.js';

export const REPO = join(import.meta.dirname, '..', '..', '..');
/** The command line of `local` from the sources (what `npm start` runs, built). */
export const LOCAL_COMMAND = [process.execPath, '--import', 'tsx', join(REPO, 'src/cli/bin.ts'), 'local'];

export class LocalProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(args: readonly string[]) {
    const [node, ...rest] = LOCAL_COMMAND as [string, ...string[]];
    this.child = spawn(node, [...rest, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
    });
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  /** The first match of `pattern` on stdout, once it comes; fails if the process exits first. */
  async waitFor(pattern: RegExp, limitMs = 60_000, from = 0): Promise<RegExpMatchArray> {
    let match: RegExpMatchArray | null = null;
    await eventually(
      () => {
        match = this.stdout.slice(from).match(pattern);
        if (match) return true;
        if (this.child.exitCode !== null) {
          throw new Error(
            `local exited ${this.child.exitCode} before ${pattern}:\n${this.stdout}\n${this.stderr}`,
          );
        }
        return false;
      },
      `local printed ${pattern}:\n${this.stdout.slice(-2000)}\n${this.stderr}`,
      limitMs,
    );
    return match as unknown as RegExpMatchArray;
  }

  /** SIGTERM, then the exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }
}

/** Every process below `pid` (children, their children, ...). */
export function descendants(pid: number): number[] {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const [child, ppid] of table) {
      if (ppid === parent) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return found;
}

/**
 * Waits until none of `pids` runs any more. A moment's grace: tsx's esbuild service, a child of each process
 * run from the sources, ends when its parent's pipe closes, just after the parent.
 */
export async function allGone(pids: readonly number[]): Promise<void> {
  await eventually(
    () => pids.every((pid) => !isAlive(pid)),
    `processes ${pids.filter(isAlive).join(', ')} are gone`,
    5000,
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A client of the API server `local` runs, from the kubeconfig it printed. */
export function clientOf(kubeconfig: string): KubeClient {
  return new KubeClient(loadKubeConfig({ source: 'flag', paths: [kubeconfig] }));
}
