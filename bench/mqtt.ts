// Benchmark of the MQTT path (not a test: it prints figures against goals).
//   npm run bench:mqtt, or node dist/bench/mqtt.js [--devices=2000] [--rounds=5]
// On one real mosquitto (the Debian package, started on a free port with its queue limits raised, as the
// example config does), in one run:
//   1. bare: mqtt.js QoS 1 request/response round trips between two clients, N outstanding at once: the
//      ceiling any command path over this broker can approach;
//   2. transport + proxy: N simulated devices behind one `teams-device-operator proxy` process (driver
//      simulator, download and install time zero, the artifact fetched once from a local server and checked);
//      the operator's MqttTransport sends one update command to each device; commands completed per second
//      (send → succeeded event) and p99 command-to-success latency. Goal: >= 50% of the bare round trips/s.
// The end-to-end figure through the operator and the API is bench/mqtt-operator.ts.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';
import { RealClock } from '../src/runtime/clock.js';
import { MqttTransport } from '../src/transport/mqtt/transport.js';
import { BROKERS, freePort } from '../test/support/brokers.js';

const GOAL_SHARE = 0.5;
const { values: flags } = parseArgs({
  options: {
    devices: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '5' },
  },
});
const DEVICES = Number(flags.devices);
const ROUNDS = Number(flags.rounds);
const ARTIFACT = Buffer.alloc(1024 * 1024, 1);
const SHA = createHash('sha256').update(ARTIFACT).digest('hex');

interface Figures {
  perSecond: number;
  p99Ms: number;
}

function figures(latencies: number[], elapsedMs: number): Figures {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    perSecond: (latencies.length / elapsedMs) * 1000,
    p99Ms: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0,
  };
}

const fmt = (f: Figures) => `${Math.round(f.perSecond).toLocaleString('en')}/s, p99 ${f.p99Ms.toFixed(0)} ms`;

/** N request/response round trips at QoS 1, all outstanding at once. */
async function bareRoundTrips(url: string, n: number, round: number): Promise<Figures> {
  const requester = await mqtt.connectAsync(url, { protocolVersion: 4, clientId: `bench-req-${round}` });
  const responder = await mqtt.connectAsync(url, { protocolVersion: 4, clientId: `bench-res-${round}` });
  try {
    await responder.subscribeAsync('bench/req/+', { qos: 1 });
    responder.on('message', (topic, payload) => {
      void responder.publishAsync(topic.replace('/req/', '/res/'), payload, { qos: 1 });
    });
    await requester.subscribeAsync('bench/res/+', { qos: 1 });
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    const done = new Promise<void>((resolve) => {
      requester.on('message', (topic) => {
        const id = topic.split('/')[2] ?? '';
        const at = sentAt.get(id);
        if (at === undefined) return;
        sentAt.delete(id);
        latencies.push(performance.now() - at);
        if (latencies.length === n) resolve();
      });
    });
    const start = performance.now();
    const payload = JSON.stringify({
      commandId: 'x'.repeat(36),
      type: 'update',
      version: '1.0.0',
      padding: 'y'.repeat(200),
    });
    for (let i = 0; i < n; i++) {
      sentAt.set(String(i), performance.now());
      void requester.publishAsync(`bench/req/${i}`, payload, { qos: 1 });
    }
    await done;
    return figures(latencies, performance.now() - start);
  } finally {
    await requester.endAsync();
    await responder.endAsync();
  }
}

function proxyCommand(): string[] {
  const compiled = import.meta.url.endsWith('.js');
  // BENCH_PROXY_PROFILE=DIR writes the proxy's CPU profile there when it stops.
  const profile = process.env.BENCH_PROXY_PROFILE;
  const prefix = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];
  return compiled
    ? [...prefix, fileURLToPath(new URL('../src/cli/bin.js', import.meta.url))]
    : [...prefix, '--import', 'tsx', fileURLToPath(new URL('../src/cli/bin.ts', import.meta.url))];
}

/** Events and states the transport has received so far. */
function received(transport: MqttTransport): number {
  return (transport.messages.get('events in') ?? 0) + (transport.messages.get('state in') ?? 0);
}

/** The proxy process's CPU seconds so far, from its /metrics. */
async function proxyCpuSeconds(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('process_cpu_seconds_total '));
  if (!line) throw new Error('the proxy reports no process_cpu_seconds_total');
  return Number(line.split(' ')[1]);
}

async function waitHealthy(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`the proxy exited with ${child.exitCode}`);
    const res = await fetch(`${url}/healthz`).catch(() => undefined);
    if (res?.status === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the proxy did not become healthy');
}

async function main(): Promise<void> {
  const mosquitto = BROKERS.find((b) => b.name === 'mosquitto');
  if (!mosquitto) throw new Error('no mosquitto');
  const broker = await mosquitto.start();
  const dir = mkdtempSync(join(tmpdir(), 'tdo-bench-mqtt-'));
  const artifacts = createServer((_req, res) => {
    res.writeHead(200, { 'content-length': ARTIFACT.length }).end(ARTIFACT);
  });
  await new Promise<void>((r) => artifacts.listen(0, '127.0.0.1', r));
  const artifactUrl = `http://127.0.0.1:${(artifacts.address() as AddressInfo).port}/fw.bin`;
  let proxy: ChildProcess | undefined;
  const transport = new MqttTransport({
    url: broker.url,
    clientId: 'bench-operator',
    clock: new RealClock(),
  });
  try {
    const ids = Array.from({ length: DEVICES }, (_, i) => `bench-${String(i).padStart(5, '0')}`);
    const devices = ids.map((deviceId) => ({
      name: deviceId,
      deviceId,
      type: 'Phone',
      manufacturer: 'Acme',
      model: 'M1',
      firmwareVersion: '1.0.0',
      teamsAppVersion: null,
      autoUpdateSupported: true,
      endpoint: null,
    }));
    mkdirConfig(dir, devices);
    const listen = `127.0.0.1:${await freePort()}`;
    proxy = spawn(
      process.execPath,
      [
        ...proxyCommand(),
        'proxy',
        ...['--pool', 'bench', '--namespace', 'bench', '--mqtt-url', broker.url, '--driver', 'simulator'],
        ...['--pod', 'bench-0', '--config-dir', join(dir, 'config'), '--state-dir', join(dir, 'state')],
        ...['--listen', listen, '--log-level', 'warn'],
      ],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    await waitHealthy(`http://${listen}`, proxy);

    const states = new Set<string>();
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    let finished: (() => void) | undefined;
    let failures = 0;
    transport.onState((deviceId) => states.add(deviceId));
    transport.onEvent((_deviceId, event) => {
      if (event.state !== 'succeeded' && event.state !== 'failed' && event.state !== 'rejected') return;
      const at = sentAt.get(event.commandId);
      if (at === undefined) return;
      sentAt.delete(event.commandId);
      if (event.state !== 'succeeded') failures++;
      latencies.push(performance.now() - at);
      if (sentAt.size === 0) finished?.();
    });
    await transport.start();
    for (let i = 0; i < 600 && states.size < DEVICES; i++) await new Promise((r) => setTimeout(r, 100));
    if (states.size < DEVICES) throw new Error(`only ${states.size} of ${DEVICES} device states arrived`);

    console.log(
      `MQTT benchmark: ${DEVICES} devices, one proxy, mosquitto ${broker.url}, ${ROUNDS} rounds after a warm-up`,
    );
    const rows: Array<{ bare: Figures; proxy: Figures; share: number }> = [];
    // Round 0 warms the JIT of both processes; its figures (bare runs far slower cold) are not counted.
    for (let round = 0; round <= ROUNDS; round++) {
      const bareCpuBefore = process.cpuUsage();
      const bare = await bareRoundTrips(broker.url, DEVICES, round);
      const bareCpu = process.cpuUsage(bareCpuBefore);
      const bareUs = bareCpu.user + bareCpu.system;
      latencies.length = 0;
      failures = 0;
      const done = new Promise<void>((resolve) => {
        finished = resolve;
      });
      const issuedAt = new Date();
      const notAfter = new Date(issuedAt.getTime() + 3600_000).toISOString();
      const inBefore = received(transport);
      const cpuBefore = await proxyCpuSeconds(`http://${listen}`);
      const benchCpuBefore = process.cpuUsage();
      const start = performance.now();
      for (const deviceId of ids) {
        const commandId = `bench-${round}-${deviceId}`;
        sentAt.set(commandId, performance.now());
        void transport.send(deviceId, {
          commandId,
          type: 'update',
          component: 'Firmware',
          version: `1.0.${round}`,
          artifact: { url: artifactUrl, sha256: SHA, sizeBytes: ARTIFACT.length },
          issuedAt: issuedAt.toISOString(),
          notAfter,
        });
      }
      await done;
      const through = figures(latencies, performance.now() - start);
      const benchCpu = process.cpuUsage(benchCpuBefore);
      // CPU per command is what the load of other jobs on the machine leaves alone.
      const proxyUs = ((await proxyCpuSeconds(`http://${listen}`)) - cpuBefore) * 1e6;
      const transportUs = benchCpu.user + benchCpu.system;
      const perCommand = (received(transport) - inBefore) / DEVICES;
      if (failures > 0) throw new Error(`${failures} commands did not succeed`);
      const share = through.perSecond / bare.perSecond;
      if (round > 0) rows.push({ bare, proxy: through, share });
      console.log(
        `  ${round === 0 ? 'warm-up' : `round ${round}`}: bare mqtt.js QoS 1 round trips ${fmt(bare)}; transport + proxy ${fmt(through)} ` +
          `(${Math.round(share * 100)}% of bare); CPU per command: proxy ` +
          `${Math.round(proxyUs / DEVICES)} µs, transport ${Math.round(transportUs / DEVICES)} µs ` +
          `(bare, both ends: ${Math.round(bareUs / DEVICES)} µs); ${perCommand.toFixed(2)} messages back per command`,
      );
    }
    // The median round, not the best: one lucky round on a shared machine says little.
    const median = [...rows].sort((a, b) => a.share - b.share)[Math.floor((rows.length - 1) / 2)];
    if (!median) throw new Error('no rounds');
    const { share } = median;
    console.log(
      `result (median round): transport + proxy ${fmt(median.proxy)} vs bare ${fmt(median.bare)}: ` +
        `${Math.round(share * 100)}% (goal >= ${GOAL_SHARE * 100}%) ${share >= GOAL_SHARE ? 'MET' : 'NOT MET'}`,
    );
  } finally {
    await transport.stop().catch(() => {});
    if (proxy && proxy.exitCode === null) {
      const exited = new Promise((r) => proxy?.once('exit', r));
      proxy.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    }
    artifacts.close();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function mkdirConfig(dir: string, devices: unknown[]): void {
  const config = join(dir, 'config');
  rmSync(config, { recursive: true, force: true });
  mkdirSync(config, { recursive: true });
  mkdirSync(join(dir, 'state'), { recursive: true });
  writeFileSync(join(config, 'devices.json'), JSON.stringify(devices));
  writeFileSync(
    join(config, 'simulator.json'),
    JSON.stringify({ downloadSeconds: 0, installSeconds: 0, failurePercent: 0, fetchArtifacts: true }),
  );
}

await main();
