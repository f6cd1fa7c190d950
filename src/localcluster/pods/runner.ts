// The local pod runner, the kubelet of this machine: it runs each Pod handed to it (its containers all use
// an image the embedder runs locally) as child processes, stops a pod's processes when the pod is deleted,
// and stops every process when the control plane stops, or at the latest when this process exits.
import { mkdir } from 'node:fs/promises';
import { badRequest } from '../errors.js';
import type { JsonObject } from '../resource-type.js';
import { isObject, metadataOf } from '../util/json.js';
import type { PodHost } from './host.js';
import type { LocalPodsOptions, RunnerTiming } from './options.js';
import { timingOf } from './options.js';
import { LocalPod } from './pod.js';

/** Where `kubectl logs` reads a container's output. */
export interface ContainerLog {
  path: string;
  /** True while the container may still write to this file (a follow keeps reading). */
  live(): boolean;
}

export interface PodLogSource {
  /** The log of a container of a pod; throws the API's 400 answers (no such container, not started yet). */
  logOf(pod: JsonObject, container: string | undefined, previous: boolean): ContainerLog;
}

const DEFAULT_CONTAINER = 'kubectl.kubernetes.io/default-container';

function podKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export class LocalPodRunner implements PodLogSource {
  private readonly pods = new Map<string, LocalPod>();
  private readonly timing: RunnerTiming;
  private readonly stopping = new Set<Promise<void>>();
  private stopped = false;
  private readonly onExit = () => {
    for (const pod of this.pods.values()) pod.killNow();
  };

  constructor(
    private readonly options: LocalPodsOptions,
    private readonly host: PodHost,
  ) {
    this.timing = timingOf(options);
    process.on('exit', this.onExit);
  }

  /** True when every container of the pod spec uses a local image. */
  runsHere(podSpec: unknown): boolean {
    const containers = isObject(podSpec) && Array.isArray(podSpec.containers) ? podSpec.containers : [];
    return (
      containers.length > 0 &&
      containers.every((c) => isObject(c) && typeof c.image === 'string' && this.options.images(c.image))
    );
  }

  /** Runs the pod if it is not running yet (a pod of the same name but another uid is replaced). */
  run(pod: JsonObject): void {
    if (this.stopped) return;
    const meta = metadataOf(pod);
    const key = podKey(String(meta.namespace ?? ''), String(meta.name ?? ''));
    const existing = this.pods.get(key);
    if (existing?.uid === meta.uid) return;
    if (existing) this.remove(existing.namespace, existing.name);
    const local = new LocalPod(pod, this.host, this.options, this.timing);
    this.pods.set(key, local);
    mkdir(this.options.dir, { recursive: true })
      .then(() => local.start())
      .catch((error: unknown) => this.options.logger?.error({ err: error, pod: key }, 'pod start failed'));
  }

  /** The pod is gone: SIGTERM its processes, SIGKILL after terminationGracePeriodSeconds, drop its folder. */
  remove(namespace: string, name: string): void {
    const key = podKey(namespace, name);
    const pod = this.pods.get(key);
    if (!pod) return;
    this.pods.delete(key);
    const done = pod.stop(pod.graceMs, true).catch(() => {});
    this.stopping.add(done);
    void done.then(() => this.stopping.delete(done));
  }

  /** The pids of every running container process (tests check that none is left). */
  pids(): number[] {
    return [...this.pods.values()]
      .flatMap((p) => p.containers.map((c) => c.pid))
      .filter((p) => p !== undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const pods = [...this.pods.values()];
    this.pods.clear();
    await Promise.all([
      ...pods.map((p) => p.stop(Math.min(p.graceMs, this.timing.stopGraceMaxMs), false)),
      ...this.stopping,
    ]);
    process.off('exit', this.onExit);
  }

  logOf(pod: JsonObject, container: string | undefined, previous: boolean): ContainerLog {
    const meta = metadataOf(pod);
    const name = String(meta.name ?? '');
    const spec = isObject(pod.spec) ? pod.spec : {};
    const names = (Array.isArray(spec.containers) ? spec.containers.filter(isObject) : []).map((c) =>
      String(c.name),
    );
    const annotations = isObject(meta.annotations) ? meta.annotations : {};
    const wanted =
      container ?? (names.length === 1 ? names[0] : (annotations[DEFAULT_CONTAINER] as string | undefined));
    if (wanted === undefined) {
      throw badRequest(
        `a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]`,
      );
    }
    if (!names.includes(wanted)) throw badRequest(`container ${wanted} is not valid for pod ${name}`);
    const local = this.pods.get(podKey(String(meta.namespace ?? ''), name));
    if (!local || local.uid !== meta.uid) {
      throw badRequest(`container "${wanted}" in pod "${name}" is not running on this machine`);
    }
    const run = local.containers.find((c) => c.name === wanted);
    const path = run?.logPath(previous);
    if (!run || !path || (!previous && !run.started)) {
      const waiting = isObject(run?.state.waiting) ? String(run.state.waiting.reason) : 'ContainerCreating';
      throw badRequest(
        previous
          ? `previous terminated container "${wanted}" in pod "${name}" not found`
          : `container "${wanted}" in pod "${name}" is waiting to start: ${waiting}`,
      );
    }
    return {
      path,
      live: () => !previous && this.pods.get(podKey(local.namespace, name)) === local && run.running,
    };
  }
}
