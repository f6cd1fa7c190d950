// Benchmark of the operator on a large simulated fleet (not a test: it prints figures against goals).
//   npm run bench:operator, or node dist/bench/operator.js [--devices=10000] [--namespaces=10] [--idle-seconds=10]
// The embedded control plane runs in its own process (bench/server-process.ts), so the CPU and memory
// printed are the operator's (this process: operator, MemoryTransport with every simulated device, and the
// client that created the fleet). Real time throughout (RealClock): the operator sleeps on timers for the
// instants that matter, as in production.
//   1. fleet: 3 models, 4 FirmwareReleases, N TeamsDevices over the namespaces (phases Test/General/Final);
//   2. start: time from startOperator() until every device's status is computed (goal <= 20 s);
//   3. idle: CPU of this process over --idle-seconds with nothing due (goal: none);
//   4. updates: a 5th release comes due; the Test-phase devices of its model update (1 s download, 1 s
//      install); every API write by the operator in that window, per completed update (goal <= 4). With the
//      default --progress-interval (30 s) such a fast update shows no progress: Sent and the result only;
//   5. peak RSS of this process (goal <= 400 MB).
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { writeHeapSnapshot } from 'node:v8';
import { KubeConfig } from '@kubernetes/client-node';
import pino from 'pino';
import type { TeamsDevice } from '../src/api/v1alpha1/index.js';
import { parseConfig } from '../src/config/config.js';
import { KubeClient } from '../src/k8s/client.js';
import type { KubeObject } from '../src/k8s/object.js';
import { type Operator, startOperator, withKeepAlive } from '../src/operator/index.js';
import { RealClock } from '../src/runtime/clock.js';
import { MemoryTransport } from '../src/transport/memory.js';
import { ClientSpy as TrackingClient } from '../test/support/client-spy.js';
import { childArgs } from './child.js';
import { create, installCrds, parallel, type ServerMessage, startServer } from './cluster.js';

const GOALS = { startSeconds: 20, idleCpuMs: 0, peakRssMb: 400, writesPerUpdate: 4 };
const DAY_MS = 86_400_000;
const MANUFACTURER = 'Acme';
const MODELS = ['M1', 'M2', 'M3'] as const;
const PHASES = ['Test', 'General', 'Final'] as const;

const { values: flags } = parseArgs({
  options: {
    devices: { type: 'string', default: '10000' },
    namespaces: { type: 'string', default: '10' },
    'idle-seconds': { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '32' },
    /** Write a V8 CPU profile of the idle window to this file. */
    'profile-idle': { type: 'string' },
    /** Write a V8 heap snapshot at the end to this file. */
    'heap-snapshot': { type: 'string' },
    /** Write a V8 CPU profile of the start (until every status is computed) to this file. */
    'profile-start': { type: 'string' },
    /** Internal: create the fleet on the server of this kubeconfig file, then exit (run as a child). */
    'create-fleet': { type: 'string' },
  },
});
const DEVICES = Number(flags.devices);
const NAMESPACES = Number(flags.namespaces);
const IDLE_SECONDS = Number(flags['idle-seconds']);
const CONCURRENCY = Number(flags.concurrency);

/** CPU and memory of the API server process (bench/server-process.ts answers over IPC). */
function serverUsage(child: ChildProcess): Promise<{ cpuMicros: number; maxRssBytes: number }> {
  return new Promise((resolve) => {
    const onMessage = (message: ServerMessage & { cpuMicros?: number; maxRssBytes?: number }) => {
      if (message.type !== 'usage') return;
      child.off('message', onMessage);
      resolve({ cpuMicros: message.cpuMicros ?? 0, maxRssBytes: message.maxRssBytes ?? 0 });
    };
    child.on('message', onMessage);
    child.send({ type: 'usage' });
  });
}

const obj = (o: Record<string, unknown>) => o as KubeObject;

function release(version: string, models: readonly string[], releaseDate: Date): KubeObject {
  return obj({
    apiVersion: 'teamsdevices.io/v1alpha1',
    kind: 'FirmwareRelease',
    metadata: { name: `acme-${version}` },
    spec: {
      component: 'Firmware',
      version,
      releaseDate: releaseDate.toISOString(),
      verification: 'Verified',
      appliesTo: { manufacturer: MANUFACTURER, models: [...models], deviceTypes: ['Phone'] },
      artifact: {
        url: `https://firmware.example.com/acme/${version}.bin`,
        sha256: createHash('sha256').update(version).digest('hex'),
        sizeBytes: 50_000_000,
      },
    },
  });
}

/** What each model runs at the start: its newest release already out, so nothing is due. */
const RUNNING: Record<(typeof MODELS)[number], string> = { M1: '1.1', M2: '1.1', M3: '1.2' };

function device(i: number): KubeObject {
  const model = MODELS[i % MODELS.length] ?? 'M1';
  return obj({
    apiVersion: 'teamsdevices.io/v1alpha1',
    kind: 'TeamsDevice',
    metadata: {
      name: `dev-${String(i).padStart(5, '0')}`,
      namespace: `bench-${i % NAMESPACES}`,
      annotations: { 'sim.teamsdevices.io/firmware-version': RUNNING[model] },
    },
    spec: {
      type: 'Phone',
      manufacturer: MANUFACTURER,
      model,
      firmwareAutoUpdate: { phase: PHASES[Math.floor(i / MODELS.length) % PHASES.length] },
      timeZone: (['Europe/Berlin', 'America/New_York', 'Asia/Tokyo'] as const)[i % 3],
    },
  });
}

/** Whether the operator has computed this device's status for its current spec. */
function computed(d: TeamsDevice): boolean {
  return (
    d.status?.observedGeneration === d.metadata.generation &&
    d.status?.availableUpdates !== undefined &&
    d.status?.reported?.firmwareVersion !== undefined
  );
}

/** Until the operator's queues are empty and no request has been in flight for `quietMs`. */
async function quiesce(operator: Operator, client: TrackingClient, quietMs = 500): Promise<void> {
  let last = client.requests.length;
  let quietSince = performance.now();
  for (;;) {
    await sleep(20);
    const busy =
      client.pending > 0 ||
      [...operator.controllers.values()].some((c) => c.queue.len() > 0 || c.queue.inProcess() > 0);
    if (busy || client.requests.length !== last) {
      last = client.requests.length;
      quietSince = performance.now();
    } else if (performance.now() - quietSince >= quietMs) {
      return;
    }
  }
}

/** A V8 CPU profile of this process, written as a .cpuprofile file (Chrome DevTools) on stop. */
async function startProfiler(): Promise<{ stop(path: string): Promise<void> }> {
  const session = new Session();
  session.connect();
  const post = (method: string) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, (err, result) => (err ? reject(err) : resolve(result))),
    );
  await post('Profiler.enable');
  await post('Profiler.start');
  return {
    async stop(path) {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      writeFileSync(path, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

/** Reconciles so far, all controllers and results (controller_runtime_reconcile_total). */
async function reconciles(operator: Operator): Promise<number> {
  const metric = operator.manager.metrics.registry.getSingleMetric('controller_runtime_reconcile_total');
  const values = (await metric?.get())?.values ?? [];
  return values.reduce((sum, v) => sum + v.value, 0);
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');

/** The child's job: CRDs, namespaces, policies, pools, releases and the devices. */
async function createFleet(kubeconfigPath: string): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const admin = new KubeClient(withKeepAlive(kc));
  const now = new RealClock().now();
  await installCrds(admin);
  for (let n = 0; n < NAMESPACES; n++) {
    const ns = `bench-${n}`;
    await create(admin, obj({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }));
    await create(
      admin,
      obj({
        apiVersion: 'teamsdevices.io/v1alpha1',
        kind: 'UpdatePolicy',
        metadata: { name: 'default', namespace: ns },
        // No business hours: the update window below comes whenever the benchmark runs.
        spec: { businessHours: { days: [], start: '08:00', end: '18:00' }, rolloutSpreadDays: 0 },
      }),
    );
    await create(
      admin,
      obj({
        apiVersion: 'teamsdevices.io/v1alpha1',
        kind: 'DeviceProxyPool',
        metadata: { name: 'default', namespace: ns },
        spec: { simulator: { downloadSeconds: 1, installSeconds: 1, failurePercent: 0 } },
      }),
    );
  }
  for (const r of [
    release('1.0', MODELS, new Date(now.getTime() - 300 * DAY_MS)),
    release('1.1', ['M1', 'M2'], new Date(now.getTime() - 200 * DAY_MS)),
    release('1.2', ['M3'], new Date(now.getTime() - 200 * DAY_MS)),
    release('2.0', MODELS, new Date(now.getTime() + 40 * DAY_MS)),
  ]) {
    await create(admin, r);
  }
  await parallel(
    Array.from({ length: DEVICES }, (_, i) => i),
    CONCURRENCY,
    (i) => create(admin, device(i)),
  );
}

async function createFleetInChild(kubeconfig: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'tdo-bench-'));
  const path = join(dir, 'kubeconfig');
  writeFileSync(path, kubeconfig, { mode: 0o600 });
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [...childArgs('operator'), `--create-fleet=${path}`, ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  rmSync(dir, { recursive: true, force: true });
  if (code !== 0) throw new Error(`creating the fleet failed (exit ${code})`);
  return (performance.now() - started) / 1000;
}

async function main(): Promise<void> {
  const server = await startServer();
  const kubeConfig = () => {
    const kc = new KubeConfig();
    kc.loadFromString(server.kubeconfig);
    return kc;
  };
  const admin = new KubeClient(withKeepAlive(kubeConfig()));
  try {
    // 1. The fleet, created by a child process so that this process's CPU and memory are the operator's.
    const createdIn = await createFleetInChild(server.kubeconfig);
    console.log(
      `fleet:   ${DEVICES} TeamsDevices in ${NAMESPACES} namespaces, 3 models, 4 releases (created in ${createdIn.toFixed(1)} s)`,
    );

    // 2. Start until every status is computed.
    const client = new TrackingClient(withKeepAlive(kubeConfig()));
    const clock = new RealClock();
    const transport = new MemoryTransport({ clock });
    const serverCpuBefore = (await serverUsage(server)).cpuMicros;
    const rssBeforeStart = process.memoryUsage().rss;
    const startProfile = flags['profile-start'] ? await startProfiler() : undefined;
    const cpuAtStart = process.cpuUsage();
    const startedAt = performance.now();
    const operator = await startOperator({
      config: parseConfig(
        ['--transport', 'memory', '--metrics-port', '0', '--health-port', '0', '--log-level', 'warn'],
        {},
      ),
      client,
      clock,
      transport,
      logger: pino({ level: 'warn' }),
      host: '127.0.0.1',
    });
    const syncedSeconds = (performance.now() - startedAt) / 1000;
    // Only the devices not computed yet are looked at again (the measurement should cost the operator little).
    let pending = operator.informers.devices.keys();
    const countComputed = () => {
      pending = pending.filter((key) => {
        const d = operator.informers.devices.getByKey(key);
        return !d || !computed(d);
      });
      return operator.informers.devices.keys().length - pending.length;
    };
    while (countComputed() < DEVICES && performance.now() - startedAt < 300_000) await sleep(100);
    const done = countComputed();
    const startSeconds = (performance.now() - startedAt) / 1000;
    const startCpu = process.cpuUsage(cpuAtStart);
    if (startProfile && flags['profile-start']) await startProfile.stop(flags['profile-start']);
    const serverCpu = ((await serverUsage(server)).cpuMicros - serverCpuBefore) / 1e6;
    console.log(
      `start:   every device's status computed ${startSeconds.toFixed(1)} s after start ` +
        `(caches synced at ${syncedSeconds.toFixed(1)} s; ${done}/${DEVICES} devices; ` +
        `${client.writes().length} writes; CPU: operator ${((startCpu.user + startCpu.system) / 1e6).toFixed(1)} s, ` +
        `API server ${serverCpu.toFixed(1)} s; RSS ${mb(rssBeforeStart)} MB before start, peak so far ${mb(process.resourceUsage().maxRSS * 1024)} MB)   goal <= ${GOALS.startSeconds} s  ${verdict(done === DEVICES && startSeconds <= GOALS.startSeconds)}`,
    );

    // 3. Idle (after the aggregate controllers' debounced writes, AGGREGATE_DEBOUNCE_MS, are done).
    await quiesce(operator, client, 3_000);
    // Two windows: right after the work stops V8 still collects and shrinks the heap (its memory reducer);
    // the second shows what the operator itself does while nothing is due.
    const windows: Array<{ ms: number; requests: number; reconciles: number }> = [];
    for (let w = 0; w < 2; w++) {
      const reconcilesBefore = await reconciles(operator);
      const profiler = w === 1 && flags['profile-idle'] ? await startProfiler() : undefined;
      const cpuBefore = process.cpuUsage();
      const requestsBefore = client.requests.length;
      await sleep(IDLE_SECONDS * 1000);
      const cpu = process.cpuUsage(cpuBefore);
      if (profiler && flags['profile-idle']) await profiler.stop(flags['profile-idle']);
      windows.push({
        ms: (cpu.user + cpu.system) / 1000,
        requests: client.requests.length - requestsBefore,
        reconciles: (await reconciles(operator)) - reconcilesBefore,
      });
    }
    const [first, second] = windows as [(typeof windows)[0], (typeof windows)[0]];
    const pct = (ms: number) => ((ms / (IDLE_SECONDS * 1000)) * 100).toFixed(2);
    console.log(
      `idle:    ${second.ms.toFixed(0)} ms CPU over ${IDLE_SECONDS} s (${pct(second.ms)}% of a core), ` +
        `${second.requests} API requests, ${second.reconciles} reconciles; the ${IDLE_SECONDS} s before it: ` +
        `${first.ms.toFixed(0)} ms (${pct(first.ms)}%), ${first.requests} requests, ${first.reconciles} reconciles ` +
        `  goal: none  ${verdict(second.ms < 50 && second.requests === 0 && second.reconciles === 0)}`,
    );

    // 4. An update window: release 1.3 of M1 comes due; its Test-phase devices update.
    const dueIn = 30_000;
    const due = new Date(clock.now().getTime() + dueIn);
    await create(admin, release('1.3', ['M1'], due));
    await quiesce(operator, client);
    const waitMs = due.getTime() - clock.now().getTime();
    if (waitMs < 0)
      console.log(`note: the new release's availableUpdates took longer than ${dueIn / 1000} s to write`);
    const expected = operator.informers.devices
      .list()
      .filter((d) => d.spec.model === 'M1' && d.spec.firmwareAutoUpdate?.phase === 'Test').length;
    client.reset();
    const sentBefore = transport.stats.sent;
    const windowStart = performance.now();
    if (waitMs > 0) await sleep(waitMs);
    const updated = () =>
      operator.informers.devices
        .list()
        .filter((d) => d.spec.model === 'M1' && d.status?.reported?.firmwareVersion === '1.3').length;
    while (updated() < expected && performance.now() - windowStart < 300_000) await sleep(100);
    await quiesce(operator, client, 3_000);
    const completed = updated();
    const writes = client.writes();
    const byKind = new Map<string, number>();
    for (const w of writes) {
      const kind =
        /\/(teamsdevices|firmwarereleases|updateplans|deviceproxypools|events|configmaps|deployments|leases)(\/|$|\?)/.exec(
          w.path,
        )?.[1] ?? w.path;
      const key = `${w.method} ${kind}${w.path.endsWith('/status') ? '/status' : ''}`;
      byKind.set(key, (byKind.get(key) ?? 0) + 1);
    }
    const perUpdate = writes.length / Math.max(1, completed);
    const per = (n: number) => (n / Math.max(1, completed)).toFixed(2);
    const deviceStatusWrites = writes.filter((w) => /\/teamsdevices\/[^/]+\/status$/.test(w.path)).length;
    const eventWrites = writes.filter((w) => /\/events(\/|$|\?)/.test(w.path)).length;
    const otherWrites = writes.length - deviceStatusWrites - eventWrites;
    console.log(
      `updates: ${completed}/${expected} updates completed (${transport.stats.sent - sentBefore} commands) in ` +
        `${((performance.now() - windowStart) / 1000).toFixed(1)} s; ${writes.length} API writes = ` +
        `${perUpdate.toFixed(2)} per update   goal <= ${GOALS.writesPerUpdate}  ${verdict(completed === expected && perUpdate <= GOALS.writesPerUpdate)}`,
    );
    console.log(
      `         per update: ${per(deviceStatusWrites)} TeamsDevice status writes (contract: Sent, progress at ` +
        `most once per --progress-interval, final; plus WaitingForSlot while a slot is full) + ` +
        `${per(eventWrites)} Event writes (contract: one per finished attempt) + ${per(otherWrites)} other ` +
        `writes (releases, plans, pools) = ${perUpdate.toFixed(2)}`,
    );
    console.log(`         writes: ${[...byKind].map(([k, n]) => `${k} ${n}`).join(', ')}`);

    // 5. Memory.
    if (flags['heap-snapshot']) writeHeapSnapshot(flags['heap-snapshot']);
    const peakRss = process.resourceUsage().maxRSS * 1024;
    const informers: Array<{ list(): unknown[] }> = Object.values(operator.informers);
    const cached = informers.reduce(
      (sum, informer) => sum + informer.list().reduce((n: number, o) => n + JSON.stringify(o).length, 0),
      0,
    );
    const managed = operator.informers.devices
      .list()
      .reduce(
        (n, d) => n + JSON.stringify((d.metadata as { managedFields?: unknown }).managedFields ?? []).length,
        0,
      );
    const memory = process.memoryUsage();
    console.log(
      `memory:  peak RSS ${mb(peakRss)} MB (now ${mb(memory.rss)} MB: heap used ${mb(memory.heapUsed)} of ${mb(memory.heapTotal)} MB, ` +
        `external ${mb(memory.external)} MB of which array buffers ${mb(memory.arrayBuffers)} MB; ` +
        `informer caches hold ${mb(cached)} MB of JSON, ${mb(managed)} MB of it TeamsDevice managedFields)   ` +
        `goal <= ${GOALS.peakRssMb} MB  ${verdict(peakRss <= GOALS.peakRssMb * 1024 * 1024)}`,
    );
    await operator.stop();
  } finally {
    server.send({ type: 'stop' });
    await new Promise((resolve) => server.once('exit', resolve));
  }
}

if (flags['create-fleet']) await createFleet(flags['create-fleet']);
else await main();
