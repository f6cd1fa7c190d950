// One local pod: its folder (`<dir>/<namespace>_<name>_<uid>/`, holding volumes/ and logs/), its ports,
// volumes and containers, and the status it reports: Pending until every container has started, then
// Running (Succeeded or Failed once containers that are not restarted have all exited), the conditions
// PodScheduled, Initialized, ContainersReady and Ready, and one containerStatus per container.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { JsonObject } from '../resource-type.js';
import { isObject, metadataOf } from '../util/json.js';
import { ContainerRun } from './container.js';
import { containerEnv, expand, POD_IP } from './env.js';
import type { PodHost } from './host.js';
import type { LocalPodsOptions, RunnerTiming } from './options.js';
import { allocatePorts, localPort, type PortMap, rewritePort } from './ports.js';
import { mountsOf, PodVolumes, rewritePaths } from './volumes.js';

function iso(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

/** What a process gets besides its container's env: enough to find programs, as a container image's PATH. */
function baseEnv(pod: string): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOSTNAME: pod, HOME: process.env.HOME ?? '/' };
}

export class LocalPod {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly dir: string;
  readonly containers: ContainerRun[] = [];
  private readonly spec: JsonObject;
  private readonly volumes: PodVolumes;
  private ports: PortMap = { byNumber: new Map(), byName: new Map() };
  private readonly startTime: Date;
  private waiting: string | undefined;
  private conditions = new Map<string, JsonObject>();
  private syncTimer: NodeJS.Timeout | undefined;
  private report: NodeJS.Immediate | undefined;
  private stopped = false;

  constructor(
    private readonly pod: JsonObject,
    private readonly host: PodHost,
    private readonly options: LocalPodsOptions,
    private readonly timing: RunnerTiming,
  ) {
    const meta = metadataOf(pod);
    this.namespace = String(meta.namespace ?? '');
    this.name = String(meta.name ?? '');
    this.uid = String(meta.uid ?? '');
    this.dir = join(options.dir, `${this.namespace}_${this.name}_${this.uid}`);
    this.spec = isObject(pod.spec) ? pod.spec : {};
    this.volumes = new PodVolumes(host, this.namespace, this.dir, this.spec);
    this.startTime = host.now();
  }

  /** Allocates ports, projects the volumes (waiting for a missing source), then starts every container. */
  async start(): Promise<void> {
    const specs = Array.isArray(this.spec.containers) ? this.spec.containers.filter(isObject) : [];
    this.ports = await allocatePorts(specs);
    const previous =
      isObject(this.pod.status) && Array.isArray(this.pod.status.containerStatuses)
        ? this.pod.status.containerStatuses.filter(isObject)
        : [];
    for (const spec of specs) {
      const before = previous.find((s) => s.name === spec.name);
      this.containers.push(
        new ContainerRun({
          pod: this.name,
          spec,
          cwd: this.dir,
          logDir: join(this.dir, 'logs', String(spec.name ?? '')),
          restartPolicy: typeof this.spec.restartPolicy === 'string' ? this.spec.restartPolicy : 'Always',
          timing: this.timing,
          restartCount: typeof before?.restartCount === 'number' ? before.restartCount + 1 : 0,
          prepare: async () => this.command(spec),
          port: (port) => localPort(this.ports, port),
          now: () => this.host.now(),
          onChange: () => this.changed(),
        }),
      );
    }
    await this.syncVolumes();
    this.changed();
    while (this.waiting !== undefined && !this.stopped) {
      await new Promise((resolve) => setTimeout(resolve, this.timing.volumeSyncMs));
      await this.syncVolumes();
    }
    if (this.stopped) return;
    this.syncTimer = setInterval(() => void this.syncVolumes(), this.timing.volumeSyncMs);
    for (const container of this.containers) await container.start();
  }

  /** Stops every container (SIGTERM, SIGKILL after graceMs); removes the pod's folder when asked. */
  async stop(graceMs: number, removeDir: boolean): Promise<void> {
    this.stopped = true;
    clearInterval(this.syncTimer);
    if (this.report) clearImmediate(this.report);
    await Promise.all(this.containers.map((c) => c.stop(graceMs)));
    if (removeDir) await rm(this.dir, { recursive: true, force: true });
  }

  killNow(): void {
    for (const container of this.containers) container.killNow();
  }

  /** terminationGracePeriodSeconds in ms (default 30 s). */
  get graceMs(): number {
    const value = this.spec.terminationGracePeriodSeconds;
    return (typeof value === 'number' && value >= 0 ? value : 30) * 1000;
  }

  private async syncVolumes(): Promise<void> {
    try {
      const missing = await this.volumes.sync();
      if (missing !== this.waiting) {
        this.waiting = missing;
        this.changed();
      }
    } catch (error) {
      this.options.logger?.warn({ err: error, pod: this.name }, 'volume sync failed');
    }
  }

  private command(spec: JsonObject) {
    const env = containerEnv(this.host, this.pod, spec);
    const mounts = mountsOf(spec, this.volumes.dirs);
    const local = (text: string) => rewritePort(rewritePaths(expand(text, env), mounts), this.ports);
    for (const [k, v] of Object.entries(env)) env[k] = rewritePaths(v, mounts);
    const command = this.options.command({
      name: String(spec.name ?? ''),
      image: String(spec.image ?? ''),
      command: strings(spec.command).map(local),
      args: strings(spec.args).map(local),
    });
    return { ...command, env: { ...baseEnv(this.name), ...env, ...(command.env ?? {}) } };
  }

  private changed(): void {
    if (this.stopped || this.report) return;
    this.report = setImmediate(() => {
      this.report = undefined;
      if (!this.stopped) this.host.writeStatus(this.namespace, this.name, this.uid, this.status());
    });
  }

  private condition(type: string, ok: boolean, reason?: string, message?: string): JsonObject {
    const before = this.conditions.get(type);
    const status = ok ? 'True' : 'False';
    const out: JsonObject = {
      type,
      status,
      lastProbeTime: null,
      lastTransitionTime:
        before && before.status === status ? before.lastTransitionTime : iso(this.host.now()),
    };
    if (!ok && reason) out.reason = reason;
    if (!ok && message) out.message = message;
    this.conditions.set(type, out);
    return out;
  }

  status(): JsonObject {
    const statuses = this.containers.map((c) => c.status());
    if (this.waiting !== undefined) {
      for (const s of statuses) s.state = { waiting: { reason: 'ContainerCreating', message: this.waiting } };
    }
    const notReady = this.containers.filter((c) => !c.ready).map((c) => c.name);
    const ready = this.containers.length > 0 && notReady.length === 0;
    const why = `containers with unready status: [${notReady.join(' ')}]`;
    const terminated = this.containers.filter((c) => isObject(c.state.terminated));
    let phase = 'Pending';
    if (this.containers.length > 0 && terminated.length === this.containers.length) {
      phase = terminated.every((c) => (c.state.terminated as JsonObject).exitCode === 0)
        ? 'Succeeded'
        : 'Failed';
    } else if (this.containers.some((c) => c.started) && this.waiting === undefined) {
      phase = 'Running';
    }
    return {
      phase,
      conditions: [
        this.condition('PodReadyToStartContainers', this.waiting === undefined),
        this.condition('Initialized', true),
        this.condition('Ready', ready, 'ContainersNotReady', why),
        this.condition('ContainersReady', ready, 'ContainersNotReady', why),
        this.condition('PodScheduled', true),
      ],
      hostIP: POD_IP,
      hostIPs: [{ ip: POD_IP }],
      podIP: POD_IP,
      podIPs: [{ ip: POD_IP }],
      startTime: iso(this.startTime),
      containerStatuses: statuses,
      qosClass: 'BestEffort',
    };
  }
}
