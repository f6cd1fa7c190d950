// The device proxies of `local`: each DeviceProxyPool's Deployment (written by the pool controller) run as
// `teams-device-operator proxy` child processes of this one, the way a kubelet would run its pods: the
// container's args and env (`valueFrom` Secret keys, the pod name), its ConfigMap volume projected into a
// directory that follows the ConfigMap, and a state directory per pod that outlives the process (an
// emptyDir). Replaced wholesale by real local pods once the control plane runs ReplicaSets itself: nothing
// else in `local` knows how the proxies run, only startPoolProxies() and PoolProxies.
//
// Differences from a pod, on purpose: the pool's spec.mqtt.url names a broker in a cluster; here it is
// replaced by the embedded broker's URL. --listen is 127.0.0.1 with a free port. The simulated clock of the
// operator is passed as --clock-start / --clock-speed when a proxy starts.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { objectKey } from '../api/v1alpha1/keys.js';
import { CONFIG_MAPS, DEPLOYMENTS, PROXY_LABEL_SELECTOR } from '../controllers/pool/objects.js';
import type { PlainObject } from '../controllers/types.js';
import type { KubeClient } from '../k8s/client.js';
import { Informer } from '../runtime/informer.js';
import { ConfigMapVolume } from './configmap-volume.js';

export interface PoolProxiesOptions {
  client: KubeClient;
  /** Replaces the pool's spec.mqtt.url. */
  brokerUrl: string;
  /** Each pod's directory (config, state, log) goes under it. */
  dir: string;
  /** The simulated clock the proxies start from. */
  clock: { now(): Date; readonly speed: number };
  logger: Logger;
}

export interface PoolProxies {
  /** Process ids of the proxies running now. */
  pids(): number[];
  /** Names (namespace/pod) of the proxies running now. */
  pods(): string[];
  /** Stops every proxy (SIGTERM, then SIGKILL after a grace period) and stops following the pools. */
  stop(): Promise<void>;
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string };
    configMapKeyRef?: { name: string; key: string };
    fieldRef?: { fieldPath: string };
  };
}
interface Container {
  args?: string[];
  env?: EnvVar[];
}
interface PodTemplate {
  spec?: {
    replicas?: number;
    template?: {
      spec?: { containers?: Container[]; volumes?: Array<{ name: string; configMap?: { name: string } }> };
    };
  };
}

interface Pod {
  name: string;
  /** The template it was started from: another one restarts it. */
  template: string;
  process: ChildProcess | undefined;
  exited: Promise<void>;
  restarts: number;
  timer: NodeJS.Timeout | undefined;
}

/** The grace period of a stopping proxy, as a pod's terminationGracePeriodSeconds. */
const STOP_GRACE_MS = 10_000;
const MAX_RESTART_BACKOFF_MS = 30_000;

/** This program's own entry point (bin.js when built, bin.ts under tsx), started with the same loader flags. */
function selfCommand(): string[] {
  const here = fileURLToPath(import.meta.url);
  const bin = fileURLToPath(new URL(`../cli/bin${extname(here)}`, import.meta.url));
  return [...process.execArgv, bin];
}

export async function startPoolProxies(options: PoolProxiesOptions): Promise<PoolProxies> {
  const { client, logger } = options;
  const log = logger.child({ component: 'local-proxies' });
  const deployments = new Informer<PlainObject>({
    client,
    resource: DEPLOYMENTS,
    labelSelector: PROXY_LABEL_SELECTOR,
    logger,
  });
  const configMaps = new Informer<PlainObject>({
    client,
    resource: CONFIG_MAPS,
    labelSelector: PROXY_LABEL_SELECTOR,
    logger,
  });
  const pods = new Map<string, Pod>();
  const volumes = new Map<string, ConfigMapVolume>();
  let stopping = false;
  let queue: Promise<void> = Promise.resolve();
  const command = selfCommand();

  const podDir = (namespace: string, name: string) => join(options.dir, namespace, name);

  const reconcileAll = () => {
    queue = queue.then(reconcile).catch((err: unknown) => log.warn({ err }, 'proxies not reconciled'));
  };

  async function reconcile(): Promise<void> {
    if (stopping) return;
    const wanted = new Map<string, { deployment: PlainObject; index: number }>();
    for (const deployment of deployments.list()) {
      const spec = (deployment as PodTemplate).spec;
      const replicas = spec?.replicas ?? 1;
      for (let i = 0; i < replicas; i++) {
        wanted.set(`${objectKey(deployment)}-${i}`, { deployment, index: i });
      }
    }
    for (const [key, pod] of pods) {
      const want = wanted.get(key);
      if (!want || templateOf(want.deployment) !== pod.template) await stopPod(key, pod);
    }
    for (const [key, { deployment }] of wanted) {
      const namespace = deployment.metadata?.namespace ?? 'default';
      if (!(await projectConfig(deployment))) continue;
      if (!pods.has(key)) await startPod(key, namespace, deployment);
    }
  }

  /** Projects the pod's ConfigMap volume; false while the ConfigMap is not there yet. */
  async function projectConfig(deployment: PlainObject): Promise<boolean> {
    const namespace = deployment.metadata?.namespace ?? 'default';
    const volume = (deployment as PodTemplate).spec?.template?.spec?.volumes?.find((v) => v.configMap);
    if (!volume?.configMap) return true;
    const configMap = configMaps.get(volume.configMap.name, namespace);
    if (!configMap) return false;
    const dir = join(options.dir, namespace, `${deployment.metadata?.name}-config`);
    let projected = volumes.get(dir);
    if (!projected) {
      projected = new ConfigMapVolume(dir);
      volumes.set(dir, projected);
    }
    await projected.project(
      String(configMap.metadata?.resourceVersion ?? ''),
      (configMap as { data?: Record<string, string> }).data ?? {},
    );
    return true;
  }

  async function startPod(key: string, namespace: string, deployment: PlainObject): Promise<void> {
    const name = key.slice(namespace.length + 1);
    const container = (deployment as PodTemplate).spec?.template?.spec?.containers?.[0] ?? {};
    let env: Record<string, string>;
    try {
      env = await resolveEnv(client, namespace, name, container.env ?? []);
    } catch (err) {
      // The Secret may come a moment later: retried on the next change or shortly.
      log.warn({ pod: key, err: (err as Error).message }, 'proxy env not ready');
      setTimeout(reconcileAll, 2000).unref();
      return;
    }
    const dir = podDir(namespace, name);
    mkdirSync(join(dir, 'state'), { recursive: true });
    const pod: Pod = {
      name: key,
      template: templateOf(deployment),
      process: undefined,
      exited: Promise.resolve(),
      restarts: 0,
      timer: undefined,
    };
    pods.set(key, pod);
    const configDir = join(options.dir, namespace, `${deployment.metadata?.name}-config`);
    const args = [
      ...withFlag(container.args ?? [], '--mqtt-url', options.brokerUrl),
      '--pod',
      name,
      '--config-dir',
      configDir,
      '--state-dir',
      join(dir, 'state'),
      '--listen',
      '127.0.0.1:0',
    ];
    const run = () => {
      if (stopping || pods.get(key) !== pod) return;
      const clockArgs = [
        '--clock-start',
        options.clock.now().toISOString(),
        '--clock-speed',
        String(options.clock.speed),
      ];
      const out = createWriteStream(join(dir, 'proxy.log'), { flags: 'a' });
      const child = spawn(process.execPath, [...command, ...args, ...clockArgs], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.pipe(out);
      child.stderr?.pipe(out);
      pod.process = child;
      pod.exited = new Promise((resolve) => {
        child.once('exit', (code, signal) => {
          pod.process = undefined;
          resolve();
          if (stopping || pods.get(key) !== pod) return;
          // A crashed proxy restarts with backoff, as a kubelet restarts a container.
          const delay = Math.min(1000 * 2 ** pod.restarts, MAX_RESTART_BACKOFF_MS);
          pod.restarts += 1;
          log.warn({ pod: key, code, signal, restartInMs: delay }, 'proxy exited');
          pod.timer = setTimeout(run, delay);
        });
      });
      log.info({ pod: key, pid: child.pid }, 'proxy started');
    };
    run();
  }

  async function stopPod(key: string, pod: Pod): Promise<void> {
    pods.delete(key);
    clearTimeout(pod.timer);
    const child = pod.process;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await pod.exited;
      clearTimeout(kill);
    }
    log.info({ pod: key }, 'proxy stopped');
  }

  const handlers = { add: reconcileAll, update: reconcileAll, delete: reconcileAll };
  deployments.addEventHandler(handlers);
  configMaps.addEventHandler(handlers);
  deployments.start();
  configMaps.start();
  await Promise.all([deployments.waitForSync(), configMaps.waitForSync()]);

  return {
    pids: () => [...pods.values()].flatMap((p) => (p.process?.pid === undefined ? [] : [p.process.pid])),
    pods: () => [...pods.values()].filter((p) => p.process).map((p) => p.name),
    async stop() {
      stopping = true;
      await Promise.all([deployments.stop(), configMaps.stop()]);
      await queue;
      await Promise.all([...pods].map(([key, pod]) => stopPod(key, pod)));
    },
  };
}

/** What a change of restarts the proxies: the container (args, env) and the pod template's annotations. */
function templateOf(deployment: PlainObject): string {
  return JSON.stringify((deployment as PodTemplate).spec?.template ?? {});
}

function withFlag(args: readonly string[], flag: string, value: string): string[] {
  const out = [...args];
  const at = out.indexOf(flag);
  if (at >= 0) out[at + 1] = value;
  else out.push(flag, value);
  return out;
}

/** The container's environment, as a kubelet resolves it: values, Secret and ConfigMap keys, the pod name. */
async function resolveEnv(
  client: KubeClient,
  namespace: string,
  pod: string,
  vars: readonly EnvVar[],
): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const v of vars) {
    const from = v.valueFrom;
    if (from?.secretKeyRef) {
      const { name, key } = from.secretKeyRef;
      const secret = await client.get<PlainObject & { data?: Record<string, string> }>(
        `/api/v1/namespaces/${namespace}/secrets/${name}`,
      );
      const data = secret.data?.[key];
      if (data === undefined) throw new Error(`Secret ${namespace}/${name} has no key ${key}`);
      env[v.name] = Buffer.from(data, 'base64').toString('utf8');
    } else if (from?.configMapKeyRef) {
      const { name, key } = from.configMapKeyRef;
      const cm = await client.get<PlainObject & { data?: Record<string, string> }>(
        `/api/v1/namespaces/${namespace}/configmaps/${name}`,
      );
      const data = cm.data?.[key];
      if (data === undefined) throw new Error(`ConfigMap ${namespace}/${name} has no key ${key}`);
      env[v.name] = data;
    } else if (from?.fieldRef) {
      if (from.fieldRef.fieldPath === 'metadata.name') env[v.name] = pod;
      if (from.fieldRef.fieldPath === 'metadata.namespace') env[v.name] = namespace;
    } else if (v.value !== undefined) {
      env[v.name] = v.value;
    }
  }
  return env;
}
