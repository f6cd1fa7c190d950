// Benchmark of the embedded control plane through @kubernetes/client-node, the way the operator uses it.
//   npm run bench:localcluster   (compiled: the server and informer children then run compiled too)
//   node dist/bench/localcluster.js [--count=10000] [--concurrency=64] [--informers=3] [--memory]
//     [--tls|--plain] [--writer=custom-objects|kubeclient] [--http=node|node-fetch] [--no-keepalive]
//     [--informers-inline] [--profile=<dir>]
//   --memory: no data dir. By default the writer's API clients share one keep-alive agent (withKeepAlive of
//   src/operator/kube.ts, maxSockets = concurrency); --no-keepalive keeps client-node's default, a new agent
//   (so a new TCP/TLS connection) per request. The writer is client-node's generated CustomObjectsApi on
//   NodeHttpLibrary (src/k8s/http-library.ts), as the operator sends its requests; --http=node-fetch uses
//   client-node's default HTTP library instead. By default the informers run in a process of their own
//   (bench/informer-process.ts); --informers-inline runs them in the writer process. --profile: V8 CPU
//   profile of the server into <dir>.
// Starts the server in its own process (so its CPU and peak RSS are its own), creates the CRDs, starts the
// informers on an empty namespace, creates `count` TeamsDevices with bounded concurrency while the watch fans
// out to the informers, then lists them and starts one more informer from scratch (in the writer process).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import {
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { parse } from 'yaml';
import { KubeClient } from '../src/k8s/client.js';
import { makeApiClient } from '../src/k8s/http-library.js';
import { resourcePath, TEAMS_RESOURCES } from '../src/k8s/resource.js';
import { withKeepAlive } from '../src/operator/kube.js';
import { childArgs } from './child.js';
import { GROUP, NS, PLURAL, startCountingInformer, VERSION, wallNow } from './informers.js';

const GOALS = { writesPerSecond: 2_000, listMs: 1_000, peakRssMb: 400 };

const { values: flags } = parseArgs({
  options: {
    count: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '64' },
    informers: { type: 'string', default: '3' },
    memory: { type: 'boolean', default: false },
    tls: { type: 'boolean', default: false },
    plain: { type: 'boolean', default: false },
    profile: { type: 'string' },
    keepalive: { type: 'boolean', default: true },
    'informers-inline': { type: 'boolean', default: false },
    // kubeclient: the operator's own JSON client (src/k8s/client.ts) over client-node's HTTP library and auth;
    // custom-objects: client-node's generated CustomObjectsApi (its ObjectSerializer costs the writer CPU).
    writer: { type: 'string', default: 'custom-objects' },
    // node: NodeHttpLibrary (src/k8s/http-library.ts), what the operator uses; node-fetch: client-node's
    // default library (node-fetch 2), about 150 µs more CPU per request.
    http: { type: 'string', default: 'node' },
  },
  allowNegative: true,
});
const count = Number(flags.count);
const concurrency = Number(flags.concurrency);
const informerCount = Number(flags.informers);
const informersInline = flags['informers-inline'] || informerCount === 0;

interface ServerMessage {
  type: 'ready' | 'usage';
  kubeconfig?: string;
  maxRssBytes?: number;
  rssBytes?: number;
  cpuMicros?: number;
}

function startServer(dataDir: string | undefined): Promise<{ child: ChildProcess; kubeconfig: string }> {
  const tlsArg = flags.tls ? 'tls' : flags.plain ? 'plain' : '';
  const child = spawn(
    process.execPath,
    [
      ...(flags.profile ? ['--cpu-prof', `--cpu-prof-dir=${flags.profile}`] : []),
      ...childArgs('server-process'),
      dataDir ?? '',
      tlsArg,
    ],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the server exited with ${code} before it was ready`)));
    child.once('message', (message: ServerMessage) => {
      if (message.type === 'ready' && message.kubeconfig) resolve({ child, kubeconfig: message.kubeconfig });
    });
  });
}

function usage(child: ChildProcess): Promise<{ maxRssBytes: number; rssBytes: number; cpuMicros: number }> {
  return new Promise((resolve) => {
    const onMessage = (message: ServerMessage) => {
      if (message.type !== 'usage') return;
      child.off('message', onMessage);
      resolve({
        maxRssBytes: message.maxRssBytes ?? 0,
        rssBytes: message.rssBytes ?? 0,
        cpuMicros: message.cpuMicros ?? 0,
      });
    };
    child.on('message', onMessage);
    child.send({ type: 'usage' });
  });
}

async function installCrds(kc: KubeConfig): Promise<void> {
  const api = kc.makeApiClient(ApiextensionsV1Api);
  const crds = readdirSync('crds')
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => parse(readFileSync(join('crds', f), 'utf8')) as V1CustomResourceDefinition);
  for (const body of crds) await api.createCustomResourceDefinition({ body });
  for (const crd of crds) {
    for (;;) {
      const current = await api.readCustomResourceDefinition({ name: crd.metadata?.name ?? '' });
      if (current.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
      await sleep(20);
    }
  }
}

/** The server URL without the credentials a plain-HTTP kubeconfig carries in it. */
function withoutCredentials(server: string): string {
  const url = new URL(server);
  url.username = '';
  url.password = '';
  return url.toString();
}

function device(i: number): Record<string, unknown> {
  const types = ['Phone', 'Display', 'Panel', 'TeamsRoomsAndroid'] as const;
  const type = types[i % types.length] ?? 'Phone';
  return {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: 'TeamsDevice',
    metadata: {
      name: `dev-${String(i).padStart(5, '0')}`,
      namespace: NS,
      labels: { site: `site-${i % 50}`, 'teamsdevices.io/type': type.toLowerCase() },
    },
    spec: {
      deviceId: `00:15:65:${(i >> 16).toString(16).padStart(2, '0')}:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`,
      type,
      manufacturer: 'Yealink',
      model: type === 'TeamsRoomsAndroid' ? 'A40' : 'MP56',
      license: type === 'TeamsRoomsAndroid' ? 'Pro' : 'Basic',
      firmwareAutoUpdate: { phase: (['Test', 'General', 'Final'] as const)[i % 3] },
      timeZone: (['Europe/Berlin', 'America/New_York', 'Asia/Tokyo'] as const)[i % 3],
    },
  };
}

/** The watching informers, in the writer process or in a child (bench/informer-process.ts). */
interface Watchers {
  /** Resolves once every informer has listed and watches. */
  started: Promise<void>;
  /** Resolves with the wall-clock time (wallNow) each informer held every object at. */
  synced: Promise<number[]>;
  /** CPU seconds of the informer process from `started` to `synced`; undefined when inline. */
  cpuSeconds?: Promise<number>;
  seen(): Promise<number[]>;
  stop(): Promise<void>;
}

function inlineWatchers(kc: KubeConfig, n: number, target: number): Watchers {
  const informers = Array.from({ length: n }, () => startCountingInformer(kc, target));
  return {
    started: Promise.all(informers.map((i) => i.informer.start())).then(() => {}),
    synced: Promise.all(informers.map((i) => i.synced)).then(() => informers.map((i) => i.syncedAt())),
    seen: async () => informers.map((i) => i.seen()),
    stop: async () => {
      for (const i of informers) await i.informer.stop();
    },
  };
}

interface InformerMessage {
  type: 'started' | 'synced' | 'seen';
  syncedAt?: number[];
  seen?: number[];
  cpuMicros?: number;
}

function processWatchers(kubeconfig: string, n: number, target: number): Watchers {
  const child = spawn(process.execPath, childArgs('informer-process'), {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = (type: InformerMessage['type']) =>
    new Promise<InformerMessage>((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`the informer process exited with ${code}`));
      const onMessage = (message: InformerMessage) => {
        if (message.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(message);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const startedMessage = next('started');
  const syncedMessage = next('synced');
  syncedMessage.catch(() => {});
  const started = startedMessage.then(() => {});
  const synced = syncedMessage.then((m) => m.syncedAt ?? []);
  const cpuSeconds = Promise.all([startedMessage, syncedMessage]).then(
    ([a, b]) => ((b.cpuMicros ?? 0) - (a.cpuMicros ?? 0)) / 1e6,
  );
  cpuSeconds.catch(() => {});
  child.send({ type: 'start', kubeconfig, informers: n, target });
  return {
    started,
    synced,
    cpuSeconds,
    seen: async () => {
      const reply = next('seen');
      child.send({ type: 'seen' });
      return (await reply).seen ?? [];
    },
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'stop' });
      await exited;
    },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits });

async function main(): Promise<void> {
  const dataDir = flags.memory ? undefined : mkdtempSync(join(tmpdir(), 'tdo-bench-'));
  const { child, kubeconfig } = await startServer(dataDir);
  try {
    // client-node 1.x builds a new http(s).Agent, so a new connection, per request; by default the writer's
    // clients share the operator's one keep-alive agent instead (src/operator/kube.ts).
    const loaded = new KubeConfig();
    loaded.loadFromString(kubeconfig);
    const kc = flags.keepalive ? withKeepAlive(loaded, concurrency) : loaded;
    const custom =
      flags.http === 'node-fetch' ? kc.makeApiClient(CustomObjectsApi) : makeApiClient(kc, CustomObjectsApi);
    const kube = new KubeClient(kc);
    const devicesPath = resourcePath(TEAMS_RESOURCES.TeamsDevice!, { namespace: NS });
    const create =
      flags.writer === 'custom-objects'
        ? (body: object) =>
            custom.createNamespacedCustomObject({
              group: GROUP,
              version: VERSION,
              namespace: NS,
              plural: PLURAL,
              body,
            })
        : (body: object) => kube.create(devicesPath, body);
    await installCrds(kc);
    await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: NS } } });
    console.log(
      `server ${withoutCredentials(kc.getCurrentCluster()?.server ?? '')} (${dataDir ? `data dir ${dataDir}` : 'in memory'}); ` +
        `${fmt(count)} TeamsDevices, concurrency ${concurrency}, ${informerCount} informers, ` +
        `writer: ${flags.writer === 'custom-objects' ? 'CustomObjectsApi' : 'KubeClient (src/k8s)'} on ${flags.http === 'node-fetch' ? "client-node's default HTTP library (node-fetch)" : 'NodeHttpLibrary (src/k8s/http-library.ts)'} with ${flags.keepalive ? 'one keep-alive agent (maxSockets = concurrency)' : "client-node's new connection per request (--no-keepalive)"}; ` +
        `informers: ${informerCount === 0 ? 'none' : informersInline ? 'in the writer process (--informers-inline)' : 'in a process of their own (bench/informer-process.ts)'}; ` +
        'server: in a process of its own (bench/server-process.ts)',
    );

    // Informers first, on the empty namespace: every create then reaches them through the watch.
    const watchers = informersInline
      ? inlineWatchers(kc, informerCount, count)
      : processWatchers(kubeconfig, informerCount, count);
    await watchers.started;

    const latencies: number[] = [];
    let next = 0;
    const serverCpuBefore = (await usage(child)).cpuMicros;
    const clientCpuBefore = process.cpuUsage();
    const writeStart = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let i = next++; i < count; i = next++) {
          const t = performance.now();
          await create(device(i));
          latencies.push(performance.now() - t);
        }
      }),
    );
    const writeEnd = performance.now();
    const writeEndWall = wallNow();
    const writeSeconds = (writeEnd - writeStart) / 1000;
    const clientCpu = process.cpuUsage(clientCpuBefore);
    const clientCpuSeconds = (clientCpu.user + clientCpu.system) / 1e6;
    const serverCpuSeconds = ((await usage(child)).cpuMicros - serverCpuBefore) / 1e6;
    latencies.sort((a, b) => a - b);

    const syncedAt = await Promise.race([
      watchers.synced,
      sleep(120_000).then(async () => {
        throw new Error(`informers did not sync: ${(await watchers.seen()).join(', ')} objects seen`);
      }),
    ]);
    const informerCpuSeconds = watchers.cpuSeconds ? await watchers.cpuSeconds : undefined;
    const watchLagMs = syncedAt.length ? Math.max(0, ...syncedAt.map((t) => t - writeEndWall)) : 0;
    await watchers.stop();

    const listTimes: number[] = [];
    for (let round = 0; round < 3; round++) {
      const t = performance.now();
      const list = (await custom.listNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: NS,
        plural: PLURAL,
      })) as KubernetesListObject<KubernetesObject>;
      listTimes.push(performance.now() - t);
      if (list.items.length !== count)
        throw new Error(`listed ${list.items.length} objects, expected ${count}`);
    }

    const cold = startCountingInformer(kc, count);
    const coldStart = wallNow();
    await cold.informer.start();
    await cold.synced;
    const coldSyncMs = cold.syncedAt() - coldStart;
    await cold.informer.stop();

    const { maxRssBytes, rssBytes } = await usage(child);
    const writesPerSecond = count / writeSeconds;
    const listMs = listTimes[0] ?? Number.NaN;
    const peakRssMb = maxRssBytes / 1024 / 1024;
    const check = (ok: boolean) => (ok ? 'ok  ' : 'MISS');

    console.log('');
    console.log(
      `${check(writesPerSecond >= GOALS.writesPerSecond)} writes        ${fmt(writesPerSecond)} creates/s ` +
        `(${fmt(writeSeconds, 2)} s; latency p50 ${fmt(percentile(latencies, 50), 1)} ms, ` +
        `p99 ${fmt(percentile(latencies, 99), 1)} ms)   goal >= ${fmt(GOALS.writesPerSecond)}/s`,
    );
    console.log(
      `     CPU           server ${fmt(serverCpuSeconds, 2)} s (${fmt((serverCpuSeconds / count) * 1e6)} µs/create), ` +
        `writer process ${fmt(clientCpuSeconds, 2)} s (${fmt((clientCpuSeconds / count) * 1e6)} µs/create${informersInline && informerCount > 0 ? ', informers included' : ''}), over ${fmt(writeSeconds, 2)} s of writes on ${cpus().length} cores`,
    );
    if (informerCpuSeconds !== undefined) {
      console.log(
        `                   informer process ${fmt(informerCpuSeconds, 2)} s (${fmt((informerCpuSeconds / count) * 1e6)} µs/create for ${informerCount} informers, until they held every object)`,
      );
    }
    console.log(
      `${check(listMs < GOALS.listMs)} list          ${fmt(listMs)} ms for ${fmt(count)} objects ` +
        `(then ${listTimes
          .slice(1)
          .map((t) => fmt(t))
          .join(' ms, ')} ms)   goal < ${fmt(GOALS.listMs)} ms`,
    );
    console.log(
      `     watch fan-out all ${informerCount} informers held ${fmt(count)} objects ${fmt(watchLagMs)} ms after the last create returned`,
    );
    console.log(`     cold informer list + sync of ${fmt(count)} objects in ${fmt(coldSyncMs)} ms`);
    console.log(
      `${check(peakRssMb < GOALS.peakRssMb)} server RSS    peak ${fmt(peakRssMb)} MB, now ${fmt(rssBytes / 1024 / 1024)} MB   goal < ${fmt(GOALS.peakRssMb)} MB`,
    );
  } finally {
    child.send({ type: 'stop' });
    await new Promise((resolve) => child.once('exit', resolve));
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
// client-node leaves sockets and timers behind (keep-alive agent, informers' watch): exit explicitly.
process.exit(0);
