// One container of a local pod: its process, started again after it exits as the pod's restartPolicy says,
// with the kubelet's crash-loop back-off (the first restart at once, then 10 s doubling to 5 min, reset once
// a run lasted 10 minutes), its log file per start, and its probes. stdout and stderr go to the log file.
import { type ChildProcess, spawn } from 'node:child_process';
import { constants } from 'node:os';
import { join } from 'node:path';
import type { JsonObject } from '../resource-type.js';
import { isObject } from '../util/json.js';
import { ContainerConfigError } from './env.js';
import { LogWriter } from './logs.js';
import type { LocalCommand, RunnerTiming } from './options.js';
import { Prober } from './probe.js';

const BACKOFF_RESET_MS = 10 * 60_000;
const CONFIG_RETRY_MS = 1000;

export interface ContainerDeps {
  pod: string;
  spec: JsonObject;
  cwd: string;
  logDir: string;
  restartPolicy: string;
  timing: RunnerTiming;
  /** Restarts so far (a pod resumed after the control plane restarted keeps counting). */
  restartCount: number;
  /** The process to start: env and args resolved now (throws ContainerConfigError). */
  prepare(): Promise<LocalCommand>;
  port(port: unknown): number | undefined;
  now(): Date;
  onChange(): void;
}

function iso(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return signal ? ((constants.signals as Record<string, number>)[signal] ?? 0) : 0;
}

/** Sends a signal to the process group of a child started detached (it and anything it started). */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {}
  }
}

export class ContainerRun {
  readonly name: string;
  restartCount: number;
  state: JsonObject = { waiting: { reason: 'ContainerCreating' } };
  lastState: JsonObject = {};
  ready = false;
  started = false;
  private child: ChildProcess | undefined;
  private timer: NodeJS.Timeout | undefined;
  private probes: Prober[] = [];
  private stopping = false;
  private crashes = 0;
  private exited: Promise<void> = Promise.resolve();

  constructor(private readonly deps: ContainerDeps) {
    this.name = String(deps.spec.name ?? '');
    this.restartCount = deps.restartCount;
  }

  get image(): string {
    return String(this.deps.spec.image ?? '');
  }

  get pid(): number | undefined {
    return this.child?.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }

  get running(): boolean {
    return isObject(this.state.running);
  }

  /** The log file of this start, or with previous the one before. */
  logPath(previous: boolean): string | undefined {
    const count = previous ? this.restartCount - 1 : this.restartCount;
    return count < 0 ? undefined : join(this.deps.logDir, `${count}.log`);
  }

  status(): JsonObject {
    const out: JsonObject = {
      name: this.name,
      image: this.image,
      imageID: '',
      ready: this.ready,
      started: this.started,
      restartCount: this.restartCount,
      state: this.state,
      lastState: this.lastState,
    };
    if (this.child?.pid !== undefined) out.containerID = `local://${this.child.pid}`;
    return out;
  }

  async start(): Promise<void> {
    if (this.stopping) return;
    let command: LocalCommand;
    try {
      command = await this.deps.prepare();
    } catch (error) {
      if (!(error instanceof ContainerConfigError)) throw error;
      this.state = { waiting: { reason: 'CreateContainerConfigError', message: error.message } };
      this.deps.onChange();
      this.later(CONFIG_RETRY_MS);
      return;
    }
    if (this.stopping) return;
    const log = await LogWriter.open(join(this.deps.logDir, `${this.restartCount}.log`));
    const startedAt = this.deps.now();
    const child = spawn(command.file, command.args, {
      cwd: this.deps.cwd,
      env: command.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout?.on('data', (chunk: Buffer) => log.write('stdout', chunk));
    child.stderr?.on('data', (chunk: Buffer) => log.write('stderr', chunk));
    this.exited = new Promise<void>((resolve) => {
      let done = false;
      const finish = (code: number | null, signal: NodeJS.Signals | null, error?: Error) => {
        if (done) return;
        done = true;
        void log.close().then(() => {
          this.onExit(startedAt, code, signal, error);
          resolve();
        });
      };
      child.once('error', (error) => finish(null, null, error));
      // close, not exit: the last output is in the log before the exit is reported.
      child.once('close', (code, signal) => finish(code, signal));
    });
    if (child.pid === undefined) return;
    this.state = { running: { startedAt: iso(startedAt) } };
    this.started = true;
    this.startProbes();
    this.deps.onChange();
  }

  /** SIGTERM, then SIGKILL after graceMs; resolves once the process is gone. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    this.stopProbes();
    const child = this.child;
    if (!child || this.pid === undefined) return;
    signalGroup(child, 'SIGTERM');
    const kill = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(kill);
  }

  /** Last resort at process exit: no child outlives the control plane. */
  killNow(): void {
    if (this.child && this.pid !== undefined) signalGroup(this.child, 'SIGKILL');
  }

  private later(ms: number): void {
    this.timer = setTimeout(() => {
      this.start().catch(() => {});
    }, ms);
  }

  private startProbes(): void {
    const { spec, timing } = this.deps;
    if (isObject(spec.readinessProbe)) {
      const probe = new Prober(spec.readinessProbe, this.deps.port, timing.probePeriodMaxMs, false, (ok) => {
        this.ready = ok;
        this.deps.onChange();
      });
      this.probes.push(probe);
      probe.start();
    } else {
      this.ready = true;
    }
    if (isObject(spec.livenessProbe)) {
      // Not capped by probePeriodMaxMs: a sped-up liveness probe would kill a process still starting.
      const probe = new Prober(spec.livenessProbe, this.deps.port, Number.POSITIVE_INFINITY, true, (ok) => {
        if (!ok && this.child) signalGroup(this.child, 'SIGKILL');
      });
      this.probes.push(probe);
      probe.start();
    }
  }

  private stopProbes(): void {
    for (const probe of this.probes) probe.stop();
    this.probes = [];
  }

  private onExit(startedAt: Date, code: number | null, signal: NodeJS.Signals | null, error?: Error): void {
    this.stopProbes();
    this.ready = false;
    const finishedAt = this.deps.now();
    const exitCode = error ? 128 : (code ?? 128 + signalNumber(signal));
    const terminated: JsonObject = {
      exitCode,
      reason: error ? 'StartError' : exitCode === 0 ? 'Completed' : 'Error',
      startedAt: iso(error ? finishedAt : startedAt),
      finishedAt: iso(finishedAt),
    };
    if (error) terminated.message = error.message;
    if (signal) terminated.signal = signalNumber(signal);
    if (this.child?.pid !== undefined) terminated.containerID = `local://${this.child.pid}`;
    const policy = this.deps.restartPolicy;
    const restart = !this.stopping && (policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0));
    if (!restart) {
      this.state = { terminated };
      this.deps.onChange();
      return;
    }
    if (finishedAt.getTime() - startedAt.getTime() >= BACKOFF_RESET_MS) this.crashes = 0;
    const { backoffInitialMs, backoffMaxMs } = this.deps.timing;
    const delay = this.crashes === 0 ? 0 : Math.min(backoffInitialMs * 2 ** (this.crashes - 1), backoffMaxMs);
    this.crashes++;
    this.lastState = { terminated };
    this.state =
      delay === 0
        ? { waiting: { reason: 'ContainerCreating' } }
        : {
            waiting: {
              reason: 'CrashLoopBackOff',
              message: `back-off ${Math.round(delay / 1000)}s restarting failed container=${this.name} pod=${this.deps.pod}`,
            },
          };
    this.deps.onChange();
    this.timer = setTimeout(() => {
      this.restartCount++;
      this.start().catch(() => {});
    }, delay);
  }
}
