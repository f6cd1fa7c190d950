// Benchmark of updates end to end over MQTT (not a test: it prints figures against a goal).
//   npm run bench:mqtt-operator, or node dist/bench/mqtt-operator.js [--devices=2000]
// Every part real: the embedded control plane in its own process, mosquitto, the operator (transport mqtt)
// in this process, and the pool's proxy as a `teams-device-operator proxy` process run from the pool's
// Deployment and ConfigMap (test/e2e/support/proxy-pods.ts plays the kubelet). N devices behind one proxy,
// download and install time zero, artifact fetched once and checked. An immediate UpdatePlan selects them
// all; the figure is updates/s from the plan's creation until every TeamsDevice's status shows the update
// Succeeded (goal >= 500/s), with the operator's API writes per update.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import pino from 'pino';
import type { TeamsDevice } from '../src/api/v1alpha1/index.js';
import { parseConfig } from '../src/config/config.js';
import { KubeClient } from '../src/k8s/client.js';
import type { KubeObject } from '../src/k8s/object.js';
import { startOperator, withKeepAlive } from '../src/operator/index.js';
import { MqttTransport } from '../src/transport/mqtt/transport.js';
import { ProxyPods } from '../test/e2e/support/proxy-pods.js';
import { BROKERS } from '../test/support/brokers.js';
import { ClientSpy } from '../test/support/client-spy.js';
import { create, installCrds, parallel, serverCpuMicros, startServer } from './cluster.js';

const GOAL_PER_SECOND = 500;
const NS = 'bench-mqtt';
const { values: flags } = parseArgs({ options: { devices: { type: 'string', default: '2000' } } });
const DEVICES = Number(flags.devices);
const ARTIFACT = Buffer.alloc(1024 * 1024, 2);

const obj = (o: Record<string, unknown>) => o as KubeObject;
const API = 'teamsdevices.io/v1alpha1';

async function main(): Promise<void> {
  const server = await startServer();
  const mosquitto = BROKERS.find((b) => b.name === 'mosquitto');
  if (!mosquitto) throw new Error('no mosquitto');
  const broker = await mosquitto.start();
  const artifacts = createServer((_req, res) =>
    res.writeHead(200, { 'content-length': ARTIFACT.length }).end(ARTIFACT),
  );
  await new Promise<void>((r) => artifacts.listen(0, '127.0.0.1', r));
  const artifactUrl = `http://127.0.0.1:${(artifacts.address() as AddressInfo).port}/fw.bin`;
  const kubeConfig = () => {
    const kc = new KubeConfig();
    kc.loadFromString(server.kubeconfig);
    return kc;
  };
  const admin = new KubeClient(withKeepAlive(kubeConfig()));
  let pods: ProxyPods | undefined;
  let stopOperator: (() => Promise<void>) | undefined;
  try {
    await installCrds(admin);
    await create(admin, obj({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }));
    const yesterday = new Date(Date.now() - 86_400_000).toISOString();
    await create(
      admin,
      obj({
        apiVersion: API,
        kind: 'FirmwareRelease',
        metadata: { name: 'acme-2.0' },
        spec: {
          component: 'Firmware',
          version: '2.0',
          releaseDate: yesterday,
          verification: 'Verified',
          appliesTo: { manufacturer: 'Acme', models: ['M1'] },
          artifact: {
            url: artifactUrl,
            sha256: createHash('sha256').update(ARTIFACT).digest('hex'),
            sizeBytes: ARTIFACT.length,
          },
        },
      }),
    );
    await create(
      admin,
      obj({
        apiVersion: API,
        kind: 'UpdatePolicy',
        metadata: { name: 'default', namespace: NS },
        spec: { maxConcurrentUpdates: DEVICES },
      }),
    );
    await create(
      admin,
      obj({
        apiVersion: API,
        kind: 'DeviceProxyPool',
        metadata: { name: 'default', namespace: NS },
        spec: {
          simulator: { downloadSeconds: 0, installSeconds: 0, failurePercent: 0, fetchArtifacts: true },
        },
      }),
    );
    const names = Array.from({ length: DEVICES }, (_, i) => `dev-${String(i).padStart(5, '0')}`);
    await parallel(names, 32, (name) =>
      create(
        admin,
        obj({
          apiVersion: API,
          kind: 'TeamsDevice',
          metadata: {
            name,
            namespace: NS,
            labels: { fleet: 'bench' },
            annotations: { 'sim.teamsdevices.io/firmware-version': '1.0' },
          },
          spec: { type: 'Phone', manufacturer: 'Acme', model: 'M1', firmwareAutoUpdate: { phase: 'Final' } },
        }),
      ),
    );

    const client = new ClientSpy(withKeepAlive(kubeConfig()));
    const config = parseConfig(
      [
        ...['--transport', 'mqtt', '--mqtt-url', broker.url, '--mqtt-client-id', 'bench-operator'],
        ...['--metrics-port', '0', '--health-port', '0', '--log-level', 'warn'],
      ],
      {},
    );
    const operator = await startOperator({
      config,
      client,
      host: '127.0.0.1',
      logger: pino({ level: 'warn' }),
    });
    stopOperator = () => operator.stop();
    pods = new ProxyPods({
      client: admin,
      namespace: NS,
      pool: 'default',
      brokerUrl: broker.url,
      extraArgs: ['--log-level', 'warn'],
    });
    await pods.open();
    await pods.start();

    // The operator's own informer cache: what the API server holds, read without loading the server (a list
    // of every device ten times a second would cost the 2 cores more than the updates do).
    const list = async () => operator.informers.devices.list(NS) as TeamsDevice[];
    const count = (items: TeamsDevice[], test: (d: TeamsDevice) => boolean) => items.filter(test).length;
    const online = (d: TeamsDevice) =>
      d.status?.reported?.firmwareVersion === '1.0' && d.status?.online === true;
    for (let i = 0; ; i++) {
      const n = count(await list(), online);
      if (n === DEVICES) break;
      if (i > 600) throw new Error(`only ${n} of ${DEVICES} devices came online`);
      await sleep(200);
    }
    console.log(
      `MQTT end to end: ${DEVICES} devices online behind one proxy on mosquitto; creating the plan`,
    );

    const writesBefore = client.writes().length;
    const serverCpuBefore = await serverCpuMicros(server);
    const operatorCpuBefore = process.cpuUsage();
    const start = performance.now();
    await create(
      admin,
      obj({
        apiVersion: API,
        kind: 'UpdatePlan',
        metadata: { name: 'all-now', namespace: NS },
        spec: {
          devices: { selector: { matchLabels: { fleet: 'bench' } } },
          updates: [{ component: 'Firmware' }],
        },
      }),
    );
    const succeeded = (d: TeamsDevice) =>
      d.status?.history?.some((h) => h.to === '2.0' && h.result === 'Succeeded') ?? false;
    let done = 0;
    while (done < DEVICES) {
      await sleep(100);
      const items = await list();
      done = count(items, succeeded);
      if (process.env.BENCH_TRACE) {
        const states = new Map<string, number>();
        for (const d of items) {
          const k = d.status?.update?.state ?? (succeeded(d) ? 'done' : 'none');
          states.set(k, (states.get(k) ?? 0) + 1);
        }
        const pacing =
          operator.transport instanceof MqttTransport
            ? ` commands in flight ${operator.transport.commandsInFlight}, waiting ${operator.transport.commandsWaiting}`
            : '';
        console.log(((performance.now() - start) / 1000).toFixed(1), JSON.stringify([...states]) + pacing);
      }
      if (performance.now() - start > 300_000) throw new Error(`only ${done} of ${DEVICES} updated in 300 s`);
    }
    const seconds = (performance.now() - start) / 1000;
    const operatorCpu = process.cpuUsage(operatorCpuBefore);
    const serverCpu = (await serverCpuMicros(server)) - serverCpuBefore;
    const perSecond = DEVICES / seconds;
    const writes = client.writes().length - writesBefore;
    console.log(
      `result: ${DEVICES} updates in ${seconds.toFixed(2)} s = ${Math.round(perSecond)} updates/s ` +
        `(goal >= ${GOAL_PER_SECOND}) ${perSecond >= GOAL_PER_SECOND ? 'MET' : 'NOT MET'}; ` +
        `${(writes / DEVICES).toFixed(2)} operator API writes per update`,
    );
    if (process.env.BENCH_TRACE) {
      const kinds = new Map<string, { count: number; bytes: number; failed: number }>();
      for (const r of client.writes().slice(writesBefore)) {
        const kind = `${r.method} ${r.path.replace(/\/namespaces\/[^/]+/, '').replace(/\/[^/]+(\/status)?$/, '/*$1')}`;
        const k = kinds.get(kind) ?? { count: 0, bytes: 0, failed: 0 };
        k.count++;
        k.bytes += JSON.stringify(r.body ?? null).length;
        if (!r.ok) k.failed++;
        kinds.set(kind, k);
      }
      for (const [kind, k] of kinds) {
        console.log(
          `  ${kind}: ${k.count} writes (${k.failed} failed), ${Math.round(k.bytes / k.count)} bytes each`,
        );
      }
    }
    // CPU per update is what the load of other jobs on the machine leaves alone (this process is the
    // operator, and the trace's list of the cache).
    console.log(
      `CPU per update: operator ${Math.round((operatorCpu.user + operatorCpu.system) / DEVICES)} µs, ` +
        `API server ${Math.round(serverCpu / DEVICES)} µs`,
    );
  } finally {
    await pods?.close();
    await stopOperator?.();
    artifacts.close();
    await broker.stop();
    server.send({ type: 'stop' });
  }
}

await main();
