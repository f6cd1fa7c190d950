// Plays the kubelet for one DeviceProxyPool in the end-to-end tests: it reads the Deployment and the ConfigMap
// the pool controller wrote, projects the ConfigMap into a directory exactly as a configMap volume does
// (timestamped folder, `..data` symlink swapped atomically, one symlink per key), and runs the Deployment's
// container as real `teams-device-operator proxy` processes, with the broker of the test in place of the
// pool's URL. A "pod" keeps its name and its state directory (the emptyDir) across kill and start, as a
// container restart inside the same pod does.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configMapName, deploymentName } from '../../../src/controllers/pool/objects.js';
import type { KubeClient } from '../../../src/k8s/client.js';
import { eventually } from '../../support/async.js';
import { freePort } from '../../support/brokers.js';

interface Container {
  args: string[];
}
interface Deployment {
  spec: { template: { spec: { containers: Container[] } } };
}
interface ConfigMap {
  metadata: { resourceVersion?: string };
  data?: Record<string, string>;
}

export interface ProxyPodsOptions {
  client: KubeClient;
  namespace: string;
  pool: string;
  /** The broker of the test: replaces the pool's spec.mqtt.url. */
  brokerUrl: string;
  /** Extra flags for every proxy (e.g. --mqtt-keepalive 1). */
  extraArgs?: string[];
  /** Print the proxies' output (TDO_TEST_LOG_LEVEL set). */
  verbose?: boolean;
}

export interface ProxyPod {
  readonly name: string;
  readonly stateDir: string;
  /** http://127.0.0.1:PORT of its /healthz and /metrics. */
  readonly url: string;
  process: ChildProcess | undefined;
  /** stdout and stderr so far (for failure messages). */
  output: string;
}

const BIN = join(process.cwd(), 'src/cli/bin.ts');
/** How often the projected volume follows the ConfigMap (the kubelet takes up to a minute; tests want less). */
const SYNC_INTERVAL_MS = 200;

export class ProxyPods {
  readonly pods = new Map<string, ProxyPod>();
  private readonly options: ProxyPodsOptions;
  private root = '';
  private configDir = '';
  private projected: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> = Promise.resolve();

  constructor(options: ProxyPodsOptions) {
    this.options = options;
  }

  /** Waits for the pool's ConfigMap, projects it, and keeps following it. */
  async open(): Promise<void> {
    this.root = await mkdtemp(join(tmpdir(), `tdo-pods-${this.options.pool}-`));
    this.configDir = join(this.root, 'config');
    await mkdir(this.configDir);
    await eventually(
      async () => (await this.configMap()) !== undefined,
      'the pool has its ConfigMap',
      30_000,
    );
    await this.sync();
    this.timer = setInterval(() => {
      this.syncing = this.syncing.then(() => this.sync()).catch(() => {});
    }, SYNC_INTERVAL_MS);
  }

  /** Starts (or restarts after kill) the pod `name`; resolves once its /healthz answers 200. */
  async start(name = `${deploymentName(this.options.pool)}-0`): Promise<ProxyPod> {
    let pod = this.pods.get(name);
    if (!pod) {
      const stateDir = join(this.root, 'state', name);
      await mkdir(stateDir, { recursive: true });
      pod = { name, stateDir, url: `http://127.0.0.1:${await freePort()}`, process: undefined, output: '' };
      this.pods.set(name, pod);
    }
    if (pod.process && pod.process.exitCode === null && pod.process.signalCode === null)
      throw new Error(`pod ${name} is running`);
    const args = [...(await this.containerArgs()), ...this.podArgs(pod), ...(this.options.extraArgs ?? [])];
    const child = spawn(process.execPath, ['--import', 'tsx', BIN, ...args], {
      env: { ...process.env, POD_NAME: name, TDO_MQTT_USERNAME: '', TDO_MQTT_PASSWORD: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    pod.process = child;
    const capture = (chunk: Buffer) => {
      pod.output += chunk.toString();
      if (this.options.verbose) process.stderr.write(chunk);
    };
    child.stdout?.on('data', capture);
    child.stderr?.on('data', capture);
    const current = pod;
    await eventually(
      async () => {
        if (child.exitCode !== null)
          throw new Error(`proxy ${name} exited ${child.exitCode}:\n${current.output}`);
        return (await fetch(`${current.url}/healthz`).catch(() => undefined))?.status === 200;
      },
      `proxy ${name} is healthy`,
      30_000,
    );
    return pod;
  }

  /** SIGKILL: no last words; the broker publishes the proxy's last will once its keepalive runs out. */
  async kill(name: string): Promise<void> {
    await this.signal(name, 'SIGKILL');
  }

  /** SIGTERM: the proxy says goodbye (presence offline) and exits. */
  async terminate(name: string): Promise<void> {
    await this.signal(name, 'SIGTERM');
  }

  /** The proxy's /metrics text. */
  async metrics(name: string): Promise<string> {
    const pod = this.pods.get(name);
    if (!pod) throw new Error(`no pod ${name}`);
    return (await fetch(`${pod.url}/metrics`)).text();
  }

  /** Stops every proxy and removes the directories. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.syncing;
    for (const name of this.pods.keys()) await this.signal(name, 'SIGKILL');
    if (this.root) await rm(this.root, { recursive: true, force: true });
  }

  private async signal(name: string, signal: NodeJS.Signals): Promise<void> {
    const child = this.pods.get(name)?.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
  }

  private podArgs(pod: ProxyPod): string[] {
    return [
      '--pod',
      pod.name,
      '--config-dir',
      this.configDir,
      '--state-dir',
      pod.stateDir,
      '--listen',
      pod.url.replace('http://', ''),
    ];
  }

  /** The Deployment's container args, with the test's broker. */
  private async containerArgs(): Promise<string[]> {
    const { client, namespace, pool, brokerUrl } = this.options;
    const path = `/apis/apps/v1/namespaces/${namespace}/deployments/${deploymentName(pool)}`;
    let deployment: Deployment | undefined;
    await eventually(
      async () => {
        deployment = await client.get<Deployment & { metadata: object }>(path).catch(() => undefined);
        return deployment !== undefined;
      },
      'the pool has its Deployment',
      30_000,
    );
    const args = [...(deployment?.spec.template.spec.containers[0]?.args ?? [])];
    const url = args.indexOf('--mqtt-url');
    if (url >= 0) args[url + 1] = brokerUrl;
    return args;
  }

  private async configMap(): Promise<ConfigMap | undefined> {
    const { client, namespace, pool } = this.options;
    const path = `/api/v1/namespaces/${namespace}/configmaps/${configMapName(pool)}`;
    return client.get<ConfigMap & { metadata: object }>(path).catch(() => undefined);
  }

  /** Projects the ConfigMap when it changed: new timestamped folder, then `..data` swapped by rename. */
  private async sync(): Promise<void> {
    const cm = await this.configMap();
    if (!cm || cm.metadata.resourceVersion === this.projected) return;
    const stamp = `..${new Date().toISOString().replace(/[-:T.Z]/g, '_')}${Math.random().toString(36).slice(2, 8)}`;
    const folder = join(this.configDir, stamp);
    await mkdir(folder);
    const data = cm.data ?? {};
    for (const [key, value] of Object.entries(data)) await writeFile(join(folder, key), value);
    const previous = await readlink(join(this.configDir, '..data')).catch(() => undefined);
    await symlink(stamp, join(this.configDir, '..data_tmp'));
    await rename(join(this.configDir, '..data_tmp'), join(this.configDir, '..data'));
    for (const key of Object.keys(data)) {
      await symlink(join('..data', key), join(this.configDir, key)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      });
    }
    if (previous) await rm(join(this.configDir, previous), { recursive: true, force: true });
    this.projected = cm.metadata.resourceVersion;
  }
}
