// `teams-device-operator run` as a process (node --import tsx src/cli/bin.ts run): help, a clear refusal of
// unreadable MQTT files, the MQTT transport connected without its password in the logs, a clean stop on
// SIGTERM, and exit 1 when leadership is lost.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { usage } from '../../src/cli/main.js';
import { exitCodeFor, operatorClock } from '../../src/cli/run.js';
import { configHelp } from '../../src/config/config.js';
import { LEASES, resourcePath } from '../../src/k8s/resource.js';
import { AcceleratedClock, FakeClock } from '../../src/runtime/clock.js';
import type { Lease } from '../../src/runtime/leader-election.js';
import { startAedes } from '../support/brokers.js';
import { ClientSpy } from '../support/client-spy.js';
import { useLocalCluster } from '../support/cluster.js';

const ENTRY = ['--import', 'tsx', 'src/cli/bin.ts', 'run'];

function runSync(argv: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [...ENTRY, ...argv], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
  });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface Running {
  child: ChildProcess;
  output(): string;
  waitFor(pattern: RegExp, limitMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

function runBackground(argv: string[], env: Record<string, string>): Running {
  const child = spawn(process.execPath, [...ENTRY, ...argv], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const l of listeners) l();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    waitFor: (pattern, limitMs = 30_000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`gave up waiting for ${pattern}; output:\n${output}`));
        }, limitMs);
        const check = () => {
          if (!pattern.test(output)) return;
          clearTimeout(timer);
          listeners.delete(check);
          resolve();
        };
        listeners.add(check);
        check();
      }),
  };
}

describe('teams-device-operator run', () => {
  it('should be listed among the commands', () => {
    expect(usage()).to.match(/\n {2}run +run the operator against a cluster \(KUBECONFIG or in-cluster\)\n/);
  });

  it('should print every flag with --help and exit 0', () => {
    const run = runSync(['--help']);
    expect(run.code).to.equal(0);
    expect(run.stdout).to.contain(configHelp());
    for (const flag of [
      '--kubeconfig',
      '--namespace',
      '--transport',
      '--leader-elect',
      '--clock-speed',
      '--progress-interval',
    ]) {
      expect(run.stdout).to.contain(flag);
    }
  });

  it('should exit 2 naming the flag for invalid flags', () => {
    const run = runSync(['--clock-speed', 'fast']);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.contain('--clock-speed: "fast" is not a positive number');
  });

  it('should exit 2 naming the file when an MQTT TLS file cannot be read, before it reaches for a cluster', () => {
    const run = runSync(['--mqtt-url', 'mqtts://127.0.0.1:8883', '--mqtt-ca-file', '/nonexistent/ca.crt']);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.contain('--mqtt-ca-file: cannot read "/nonexistent/ca.crt" (ENOENT)');
  });

  it('should run on real time, or on an accelerated clock when --clock-start or --clock-speed is given', async () => {
    const base = new FakeClock('2026-06-01T00:00:00Z');
    expect(operatorClock({ clockStart: undefined, clockSpeed: 1 }, base)).to.equal(base);
    const fast = operatorClock({ clockStart: '2026-12-01T00:00:00.000Z', clockSpeed: 86_400 }, base);
    expect(fast).to.be.instanceOf(AcceleratedClock);
    expect(fast.now().toISOString()).to.equal('2026-12-01T00:00:00.000Z');
    await base.advance(1000);
    expect(fast.now().toISOString()).to.equal('2026-12-02T00:00:00.000Z');
    expect(exitCodeFor('signal')).to.equal(0);
    expect(exitCodeFor('leadership-lost')).to.equal(1);
  });

  describe('against the embedded control plane', function () {
    this.timeout(90_000);
    const fx = useLocalCluster({ crds: true });
    let dir: string;
    let env: Record<string, string>;
    const running: Running[] = [];

    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'tdo-run-'));
      writeFileSync(join(dir, 'kubeconfig'), fx.cluster.kubeconfig(), { mode: 0o600 });
      env = { KUBECONFIG: join(dir, 'kubeconfig'), POD_NAME: 'operator-0' };
    });

    after(() => {
      for (const r of running) r.child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    });

    it('should start, serve /readyz and /metrics, and stop cleanly with exit 0 on SIGTERM', async () => {
      const run = runBackground(['--metrics-port', '0', '--health-port', '0'], env);
      running.push(run);
      await run.waitFor(/"msg":"controllers started"/);
      const ports = /"health":(\d+),"metrics":(\d+)[^\n]*probe and metrics servers listening/.exec(
        run.output(),
      );
      expect(ports, run.output()).to.not.equal(null);
      const ready = await fetch(`http://127.0.0.1:${ports?.[1]}/readyz`);
      expect(ready.status).to.equal(200);
      const metrics = await (await fetch(`http://127.0.0.1:${ports?.[2]}/metrics`)).text();
      expect(metrics).to.contain('controller_runtime_reconcile_total');
      expect(metrics).to.contain('process_resident_memory_bytes');
      run.child.kill('SIGTERM');
      expect(await run.exited).to.equal(0);
      expect(run.output()).to.match(/"reason":"signal".*"msg":"stopped"/);
    });

    it('should connect to the broker with --mqtt-url and never print the broker password', async () => {
      const broker = await startAedes();
      try {
        const run = runBackground(['--mqtt-url', broker.url, '--metrics-port', '0', '--health-port', '0'], {
          ...env,
          TDO_MQTT_USERNAME: 'tdo',
          TDO_MQTT_PASSWORD: 'hunter2-in-env',
        });
        running.push(run);
        await run.waitFor(/"transport":"mqtt"[^\n]*"msg":"device transport started"/);
        const ports = /"metrics":(\d+)[^\n]*probe and metrics servers listening/.exec(run.output());
        const metrics = await (await fetch(`http://127.0.0.1:${ports?.[1]}/metrics`)).text();
        expect(metrics).to.match(/^tdo_transport_connected 1$/m);
        run.child.kill('SIGTERM');
        expect(await run.exited).to.equal(0);
        expect(run.output()).to.contain('"password":"REDACTED"');
        expect(run.output()).to.not.contain('hunter2');
      } finally {
        await broker.stop();
      }
    });

    it('should exit 1 when another replica takes the lease', async () => {
      const run = runBackground(
        ['--metrics-port', '0', '--health-port', '0', '--leader-elect', '--lease-namespace', 'default'],
        env,
      );
      running.push(run);
      await run.waitFor(/"msg":"controllers started"/);
      const client = new ClientSpy(fx.kubeConfig());
      const path = resourcePath(LEASES, { namespace: 'default', name: 'teams-device-operator' });
      const lease = await client.get<Lease>(path);
      await client.replace<Lease>(path, {
        ...lease,
        spec: { ...lease.spec, holderIdentity: 'someone-else', leaseDurationSeconds: 3600 },
      });
      expect(await run.exited).to.equal(1);
      expect(run.output()).to.contain('leadership lost');
    });
  });
});
