// The TeamsDevice controller against the embedded control plane, with simulated devices (MemoryTransport) and a
// FakeClock: time moves only when a test says so, timer by timer, and every step waits until the controller,
// the API server and the informers are quiet again.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as pause } from 'node:timers/promises';
import { KubeConfig } from '@kubernetes/client-node';
import { type LocalCluster, startLocalCluster } from '@teams-device-operator/localcluster';
import { expect } from 'chai';
import pino from 'pino';
import { parse } from 'yaml';
import type {
  FirmwareRelease,
  TeamsDevice,
  UpdatePlanSpec,
  UpdatePolicySpec,
} from '../../../src/api/v1alpha1/index.js';
import { deviceIdOf } from '../../../src/api/v1alpha1/keys.js';
import { parseConfig } from '../../../src/config/config.js';
import {
  createDeviceController,
  type DeviceControllerOptions,
} from '../../../src/controllers/device/index.js';
import type { Enqueue, OperatorContext, OperatorInformers } from '../../../src/controllers/types.js';
import { commandId } from '../../../src/core/device/command-id.js';
import { KubeClient, MERGE_PATCH, type RequestOptions } from '../../../src/k8s/client.js';
import { isConflict } from '../../../src/k8s/errors.js';
import { EventRecorder } from '../../../src/k8s/events.js';
import type { KubeObject } from '../../../src/k8s/object.js';
import { type ResourceRef, resourcePath, TEAMS_RESOURCES } from '../../../src/k8s/resource.js';
import { createInformers } from '../../../src/operator/informers.js';
import { FakeClock, RealClock } from '../../../src/runtime/clock.js';
import { Controller } from '../../../src/runtime/controller.js';
import { Manager } from '../../../src/runtime/manager.js';
import { OperatorMetrics } from '../../../src/runtime/metrics.js';
import { MemoryTransport } from '../../../src/transport/memory.js';
import type { SimulatorBehaviour } from '../../../src/transport/simulator/device.js';
import { initialVersionsFor } from '../../../src/transport/simulator/initial-versions.js';
import type { UpdateCommand } from '../../../src/transport/types.js';
import { device, release } from '../../support/builders/index.js';
import { ClientSpy } from '../../support/client-spy.js';

const API = 'teamsdevices.io/v1alpha1';
const SHA = 'b'.repeat(64);
const silent = pino({ level: process.env.TDO_TEST_LOG_LEVEL || 'silent' });

function resource(kind: string): ResourceRef {
  const ref = TEAMS_RESOURCES[kind];
  if (!ref) throw new Error(`no resource ${kind}`);
  return ref;
}

/** The TeamsDevice status merge patches a ClientSpy saw answered, and a hook run just before each is sent. */
class StatusWriteLog {
  readonly writes: Array<{ path: string; at: string; update: string | null }> = [];
  conflicts = 0;
  /** resourceVersion of the last status write, per object path. */
  readonly written = new Map<string, number>();
  beforeStatusPatch: ((path: string) => Promise<void>) | undefined;

  constructor(spy: ClientSpy, clock: FakeClock) {
    const isStatusPatch = (method: string, path: string, options: RequestOptions) =>
      method === 'PATCH' &&
      options.contentType === MERGE_PATCH &&
      path.includes('/teamsdevices/') &&
      path.endsWith('/status');
    spy.injectFault((method, path, options) =>
      isStatusPatch(method, path, options) ? this.beforeStatusPatch?.(path) : undefined,
    );
    spy.onAnswer(({ record, options, result, error }) => {
      const { method, path } = record;
      if (!isStatusPatch(method, path, options)) return;
      if (error !== undefined) {
        if (isConflict(error)) this.conflicts++;
        return;
      }
      const written = (result as TeamsDevice).status?.update;
      // The state, and the percentage when there is one: 'Downloading 50%'.
      const update = written
        ? `${written.state}${written.progress === undefined ? '' : ` ${written.progress}%`}`
        : null;
      this.writes.push({ path, at: clock.now().toISOString(), update });
      this.written.set(
        path.replace(/\/status$/, ''),
        Number((result as KubeObject).metadata?.resourceVersion),
      );
    });
  }
}

function clientOf(cluster: LocalCluster): ClientSpy {
  const kc = new KubeConfig();
  kc.loadFromString(cluster.kubeconfig());
  return new ClientSpy(kc);
}

async function installCrds(client: KubeClient): Promise<void> {
  const dir = 'crds';
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    const crd = parse(readFileSync(join(dir, file), 'utf8')) as KubeObject;
    await client.create('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
    const path = `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata?.name}`;
    for (let i = 0; ; i++) {
      const live = await client.get<
        KubeObject & { status?: { conditions?: { type: string; status: string }[] } }
      >(path);
      if (live.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (i > 500) throw new Error(`${crd.metadata?.name} is not established`);
      await pause(10);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Fixtures

interface DeviceFixture {
  name: string;
  firmware?: string;
  phase?: 'Test' | 'General' | 'Final';
  timeZone?: string;
  labels?: Record<string, string>;
  deviceId?: string;
}

/** A Test-phase MP56 in Berlin whose simulated device runs `firmware` (default 122.15.0.36). */
function teamsDevice(namespace: string, d: DeviceFixture): TeamsDevice {
  return device({
    namespace,
    name: d.name,
    phase: d.phase ?? 'Test',
    timeZone: d.timeZone ?? 'Europe/Berlin',
    viaAnnotations: true,
    firmware: d.firmware ?? '122.15.0.36',
    ...(d.labels ? { labels: d.labels } : {}),
    ...(d.deviceId ? { deviceId: d.deviceId } : {}),
  });
}

function firmwareRelease(
  version: string,
  releaseDate: string,
  verification: 'Verified' | 'Unknown' = 'Verified',
): FirmwareRelease {
  return release({
    version,
    releaseDate,
    verification,
    models: ['MP56'],
    artifact: { url: `https://firmware.example.com/${version}.rom`, sha256: SHA, sizeBytes: 1000 },
  });
}

/** Monday 2026-11-02 11:00 in Berlin: inside business hours; Test devices take it at 18:00 (17:00Z). */
const RELEASES = [
  firmwareRelease('122.15.0.36', '2026-09-01T10:00:00Z'),
  firmwareRelease('122.15.0.40', '2026-11-02T10:00:00Z'),
];
const FAST: SimulatorBehaviour = { downloadSeconds: 60, installSeconds: 120, failurePercent: 0 };

interface HarnessOptions {
  namespace: string;
  start: string;
  devices: DeviceFixture[];
  policy?: Partial<UpdatePolicySpec>;
  releases?: FirmwareRelease[];
  behaviour?: SimulatorBehaviour;
  controller?: DeviceControllerOptions;
  /** Reuse a transport (and its simulated devices) from an earlier harness, as a restarted operator does. */
  transport?: MemoryTransport;
  clock?: FakeClock;
}

interface Sent {
  deviceId: string;
  command: UpdateCommand;
  at: string;
  /** Simulated devices running an update when this command was sent. */
  runningBefore: number;
}

class Harness {
  readonly sent: Sent[] = [];
  dropCommands = false;
  metrics: OperatorMetrics | undefined;
  /** status.update.state of each device, in the order the informer saw them (repeats collapsed). */
  readonly walks = new Map<string, Array<string | null>>();
  private activity = 0;

  constructor(
    readonly o: HarnessOptions,
    readonly client: ClientSpy,
    readonly statusLog: StatusWriteLog,
    readonly clock: FakeClock,
    readonly transport: MemoryTransport,
    readonly informers: OperatorInformers,
    readonly controller: Controller,
    private readonly manager: Manager,
  ) {}

  /** Creates the namespace, policy, releases and devices, then runs the controller. */
  static async start(cluster: LocalCluster, o: HarnessOptions): Promise<Harness> {
    const client = clientOf(cluster);
    await client.create('/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: o.namespace },
    } as KubeObject);
    const create = (kind: string, obj: object, namespace?: string) =>
      client.create(resourcePath(resource(kind), { namespace }), obj as KubeObject);
    if (o.policy) {
      await create(
        'UpdatePolicy',
        {
          apiVersion: API,
          kind: 'UpdatePolicy',
          metadata: { name: 'default', namespace: o.namespace },
          spec: o.policy,
        },
        o.namespace,
      );
    }
    for (const release of o.releases ?? RELEASES) await create('FirmwareRelease', release);
    for (const device of o.devices)
      await create('TeamsDevice', teamsDevice(o.namespace, device), o.namespace);
    return Harness.run(cluster, o);
  }

  /** Runs a fresh controller (informers, executor, queue) over what the cluster holds, as an operator start. */
  static async run(cluster: LocalCluster, o: HarnessOptions): Promise<Harness> {
    const client = clientOf(cluster);
    const clock = o.clock ?? new FakeClock(o.start);
    const statusLog = new StatusWriteLog(client, clock);
    // The informers the operator reads (createInformers: its transform and indexes) on a Manager watching the
    // test's namespace; the manager only syncs them here, the controller below is started by the test.
    const config = parseConfig(['--namespace', o.namespace, '--metrics-port', '0', '--health-port', '0'], {});
    const metrics = new OperatorMetrics();
    const manager = new Manager({ config, client, clock, logger: silent, metrics, host: '127.0.0.1' });
    const informers = createInformers(manager);
    await manager.start();

    const releases = informers.releases.list();
    const transport = o.transport ?? new MemoryTransport({ clock, logger: silent });
    for (const device of informers.devices.list(o.namespace)) {
      transport.upsertDevice(deviceIdOf(device), initialVersionsFor(device, releases), o.behaviour ?? FAST);
    }
    const ctx: OperatorContext = {
      client,
      clock,
      log: silent,
      recorder: new EventRecorder({ client, component: 'device-test', clock, logger: silent }),
      metrics,
      informers,
      transport,
      image: 'test',
    };
    const registration = createDeviceController(ctx, o.controller);
    const controller = new Controller({
      name: registration.name,
      reconciler: registration.reconciler,
      clock,
      wallClock: new RealClock(),
      logger: silent,
      concurrency: registration.concurrency ?? 1,
    });
    const harness = new Harness(o, client, statusLog, clock, transport, informers, controller, manager);
    harness.metrics = ctx.metrics;
    // The spy sits in front of the transport: it sees what the controller sends, in order.
    const send = transport.send.bind(transport);
    transport.send = async (deviceId, command) => {
      const runningBefore = transport.deviceIds().filter((id) => transport.device(id)?.update).length;
      harness.sent.push({ deviceId, command, at: clock.now().toISOString(), runningBefore });
      // A dropped command is lost on its way, as a crash between the status write and the send loses it.
      if (!harness.dropCommands) await send(deviceId, command);
    };
    informers.devices.addEventHandler({
      add: (d) => harness.observe(d),
      update: (_old, d) => harness.observe(d),
    });
    transport.onState(() => harness.activity++);
    transport.onEvent(() => harness.activity++);
    const enqueue: Enqueue = Object.assign((key: string) => controller.enqueue(key), {
      after: (key: string, ms: number) => controller.queue.addAfter(key, ms),
    });
    registration.watch(enqueue);
    await transport.start();
    controller.start();
    await harness.settle();
    return harness;
  }

  private observe(device: TeamsDevice): void {
    this.activity++;
    const walk = this.walks.get(device.metadata.name) ?? [];
    const state = device.status?.update?.state ?? null;
    if (walk.length === 0 || walk.at(-1) !== state) walk.push(state);
    this.walks.set(device.metadata.name, walk);
  }

  /** Waits until nothing moves: the queue is idle, the cache has every status write, no message arrives. */
  async settle(): Promise<void> {
    for (let quiet = 0, round = 0; quiet < 2; round++) {
      if (round > 1000) throw new Error('the controller did not settle');
      await this.controller.queue.idle();
      const before = this.activity;
      await pause(15);
      const caughtUp = [...this.statusLog.written].every(([path, rv]) => {
        const name = path.split('/').at(-1) ?? '';
        const cached = this.informers.devices.get(name, this.o.namespace);
        return Number(cached?.metadata.resourceVersion ?? 0) >= rv;
      });
      const idle = this.controller.queue.len() === 0 && this.controller.queue.inProcess() === 0;
      quiet = idle && caughtUp && this.activity === before ? quiet + 1 : 0;
    }
  }

  /** Moves the clock to `iso`, firing each timer at its own instant and settling after each. */
  async runUntil(iso: string): Promise<void> {
    const end = Date.parse(iso);
    await this.settle();
    for (
      let next = this.clock.nextTimerAt();
      next && next.getTime() <= end;
      next = this.clock.nextTimerAt()
    ) {
      await this.clock.advanceTo(next);
      await this.settle();
    }
    await this.clock.advanceTo(new Date(end));
    await this.settle();
  }

  device(name: string): TeamsDevice {
    const device = this.informers.devices.get(name, this.o.namespace);
    if (!device) throw new Error(`no device ${name}`);
    return device;
  }

  condition(name: string, type: string) {
    return this.device(name).status?.conditions?.find((c) => c.type === type);
  }

  async createPlan(
    name: string,
    spec: Partial<UpdatePlanSpec> & Pick<UpdatePlanSpec, 'devices'>,
  ): Promise<void> {
    const plan = {
      apiVersion: API,
      kind: 'UpdatePlan',
      metadata: { name, namespace: this.o.namespace },
      spec: { updates: [{ component: 'Firmware' }], ...spec },
    };
    await this.client.create(
      resourcePath(resource('UpdatePlan'), { namespace: this.o.namespace }),
      plan as never,
    );
  }

  async events(): Promise<Array<{ reason: string; message: string; name: string }>> {
    const list = await this.client.list<KubeObject & { reason: string; message: string }>(
      `/api/v1/namespaces/${this.o.namespace}/events`,
    );
    return (list.items ?? []).map((e) => ({
      reason: e.reason,
      message: e.message,
      name: (e as unknown as { involvedObject: { name: string } }).involvedObject.name,
    }));
  }

  async stop(options: { keepTransport?: boolean } = {}): Promise<void> {
    await this.controller.stop();
    if (!options.keepTransport) await this.transport.stop();
    await this.manager.stop();
    // A reused transport keeps calling the handlers of a stopped harness: they only enqueue, and are ignored.
    this.transport.send = MemoryTransport.prototype.send.bind(this.transport);
  }
}

// ---------------------------------------------------------------------------------------------------------

describe('TeamsDevice controller', function () {
  this.timeout(60_000);
  let cluster: LocalCluster;
  let admin: KubeClient;
  let harness: Harness | undefined;
  let n = 0;
  const ns = () => `devices-${++n}`;

  before(async () => {
    cluster = await startLocalCluster({ tls: false, logger: silent, bookmarkIntervalMs: 3_600_000 });
    const kc = new KubeConfig();
    kc.loadFromString(cluster.kubeconfig());
    admin = new KubeClient(kc);
    await installCrds(admin);
  });

  after(async () => {
    await cluster?.stop();
  });

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
    // Releases are cluster-scoped: every test brings its own.
    const releases = await admin.list<KubeObject>(resourcePath(resource('FirmwareRelease')));
    for (const r of releases.items ?? []) {
      await admin.delete(resourcePath(resource('FirmwareRelease'), { name: r.metadata?.name ?? '' }));
    }
  });

  it('should send one automatic command at 18:00 in Berlin and walk Sent, Downloading, Installing, Succeeded', async () => {
    // 60 s download, 120 s install; progress is written at most every 30 s (the default --progress-interval).
    const h = await Harness.start(cluster, {
      namespace: ns(),
      start: '2026-11-02T09:00:00Z',
      policy: { rolloutSpreadDays: 0 },
      devices: [{ name: 'phone-1' }],
    });
    harness = h;
    const before = h.device('phone-1').status;
    expect(before?.reported?.firmwareVersion).to.equal('122.15.0.36');
    expect(before?.online).to.equal(true);
    expect(before?.firmwareVerification).to.equal('Verified');
    expect(before?.availableUpdates?.[0]).to.include({
      newVersion: '122.15.0.40',
      autoUpdateAt: '2026-11-02T17:00:00Z',
    });
    expect(h.condition('phone-1', 'Ready')?.status).to.equal('True');

    await h.runUntil('2026-11-02T16:59:59Z');
    expect(h.sent).to.deep.equal([]);

    const writesBefore = h.statusLog.writes.length;
    await h.runUntil('2026-11-02T17:10:00Z');
    expect(h.sent.map((s) => `${s.command.version} @ ${s.at}`)).to.deep.equal([
      '122.15.0.40 @ 2026-11-02T17:00:00.000Z',
    ]);
    expect(h.sent[0]?.command.commandId).to.equal(commandId('phone-1', 'Firmware', '122.15.0.40', 1));
    expect(h.walks.get('phone-1')).to.deep.equal([null, 'Sent', 'Downloading', 'Installing', null]);
    const writes = h.statusLog.writes.slice(writesBefore);
    // The simulated device reports 0% and 50% of each step (60 s download, 120 s install). Downloading 0%
    // comes at 17:00:00 but waits for the interval after the Sent write; by 17:00:30 it says 50%; Installing
    // 0% at 17:01:00, 30 s after that; its 50% at 17:02:00; the result at once.
    expect(writes.map((w) => `${w.update} @ ${w.at}`)).to.deep.equal([
      'Sent @ 2026-11-02T17:00:00.000Z',
      'Downloading 50% @ 2026-11-02T17:00:30.000Z',
      'Installing 0% @ 2026-11-02T17:01:00.000Z',
      'Installing 50% @ 2026-11-02T17:02:00.000Z',
      'null @ 2026-11-02T17:03:00.000Z',
    ]);

    const after = h.device('phone-1').status;
    expect(after?.reported?.firmwareVersion).to.equal('122.15.0.40');
    expect(after?.update ?? null).to.equal(null);
    expect(after?.history).to.deep.equal([
      {
        component: 'Firmware',
        from: '122.15.0.36',
        to: '122.15.0.40',
        source: 'Auto',
        result: 'Succeeded',
        finishedAt: '2026-11-02T17:03:00Z',
      },
    ]);
    expect(h.condition('phone-1', 'UpdateAvailable')?.status).to.equal('False');
    expect(h.transport.device('phone-1')?.firmwareVersion).to.equal('122.15.0.40');
    // One Event for the whole update, none at its start.
    expect((await h.events()).map((e) => `${e.reason}: ${e.message}`)).to.deep.equal([
      'UpdateSucceeded: Firmware 122.15.0.36 -> 122.15.0.40 (Auto, attempt 1) succeeded in 3m0s (started 2026-11-02T17:00:00Z): installed Firmware 122.15.0.40',
    ]);
    const metrics = (await h.metrics?.text()) ?? '';
    expect(metrics).to.include('tdo_updates_sent_total{component="Firmware",phase="Test",source="Auto"} 1');
    expect(metrics).to.include(
      'tdo_updates_succeeded_total{component="Firmware",phase="Test",source="Auto"} 1',
    );

    // Nothing more to do: no command, no write, however long we wait.
    const writesDone = h.statusLog.writes.length;
    await h.runUntil('2026-11-09T00:00:00Z');
    expect(h.sent).to.have.length(1);
    expect(h.statusLog.writes.length).to.equal(writesDone);
  });

  it('should start an immediate plan in the reconcile that sees it, inside business hours', async () => {
    const h = await Harness.start(cluster, {
      namespace: ns(),
      start: '2026-11-03T10:00:00Z', // Tuesday 11:00 in Berlin
      devices: [{ name: 'phone-1', phase: 'Final' }],
    });
    harness = h;
    expect(h.sent).to.deep.equal([]);
    await h.createPlan('now', { devices: { names: ['phone-1'] } });
    await h.settle();
    expect(h.sent.map((s) => `${s.command.version} @ ${s.at}`)).to.deep.equal([
      '122.15.0.40 @ 2026-11-03T10:00:00.000Z',
    ]);
    expect(h.device('phone-1').status?.update).to.include({ source: 'UpdatePlan/now', attempt: 1 });
    await h.runUntil('2026-11-03T10:05:00Z');
    expect(h.device('phone-1').status?.history?.[0]).to.include({
      source: 'UpdatePlan/now',
      result: 'Succeeded',
      to: '122.15.0.40',
    });
  });

  it('should block automatic updates of a device running unknown firmware, with UnknownFirmware', async () => {
    const h = await Harness.start(cluster, {
      namespace: ns(),
      start: '2026-11-02T09:00:00Z',
      policy: { rolloutSpreadDays: 0 },
      releases: [...RELEASES, firmwareRelease('122.15.0.37', '2026-10-01T00:00:00Z', 'Unknown')],
      devices: [{ name: 'phone-1', firmware: '122.15.0.37' }],
    });
    harness = h;
    expect(h.device('phone-1').status?.firmwareVerification).to.equal('Unknown');
    expect(h.condition('phone-1', 'AutoUpdateBlocked')).to.include({
      status: 'True',
      reason: 'UnknownFirmware',
    });
    await h.runUntil('2026-11-03T09:00:00Z');
    expect(h.sent).to.deep.equal([]);
    expect((await h.events()).map((e) => e.reason)).to.include('AutoUpdateBlocked');
  });

  it('should retry a failing install after the backoff and give up after maxAttempts', async () => {
    const h = await Harness.start(cluster, {
      namespace: ns(),
      start: '2026-11-02T16:00:00Z',
      policy: { rolloutSpreadDays: 0, retry: { maxAttempts: 2, backoffMinutes: 30 } },
      behaviour: { ...FAST, failurePercent: 100 },
      devices: [{ name: 'phone-1' }],
    });
    harness = h;
    await h.runUntil('2026-11-02T17:20:00Z');
    expect(h.device('phone-1').status?.update).to.include({ state: 'Scheduled', attempt: 2 });
    expect(h.condition('phone-1', 'Updating')?.reason).to.equal('RetryScheduled');
    await h.runUntil('2026-11-04T00:00:00Z');
    expect(h.sent.map((s) => `${s.command.commandId} @ ${s.at}`)).to.deep.equal([
      `${commandId('phone-1', 'Firmware', '122.15.0.40', 1)} @ 2026-11-02T17:00:00.000Z`,
      // Failed at 17:03; 30 minutes of backoff.
      `${commandId('phone-1', 'Firmware', '122.15.0.40', 2)} @ 2026-11-02T17:33:00.000Z`,
    ]);
    const status = h.device('phone-1').status;
    expect(status?.update ?? null).to.equal(null);
    expect(status?.history?.map((e) => `${e.result} ${e.finishedAt}`)).to.deep.equal([
      'Failed 2026-11-02T17:36:00Z',
      'Failed 2026-11-02T17:03:00Z',
    ]);
    expect(h.condition('phone-1', 'AutoUpdateBlocked')).to.include({
      status: 'True',
      reason: 'RetriesExhausted',
    });
    // One Warning per failed attempt, saying what follows; nothing else about the update.
    const events = await h.events();
    expect(events.filter((e) => e.reason.startsWith('Update')).map((e) => e.reason)).to.deep.equal([
      'UpdateFailed',
      'UpdateFailed',
    ]);
    const failures = events
      .filter((e) => e.reason === 'UpdateFailed')
      .map((e) => e.message)
      .sort();
    expect(failures[0]).to.match(
      /\(Auto, attempt 1\) failed after 3m0s \(started 2026-11-02T17:00:00Z\): .*; attempt 2 of 2: retry at 2026-11-02T17:33:00Z$/,
    );
    expect(failures[1]).to.match(
      /\(Auto, attempt 2\) failed after 3m0s \(started 2026-11-02T17:33:00Z\): .*; failed 2 times in a row: giving up \(retry.maxAttempts 2\)$/,
    );
  });

  it('should send nothing in GCC-High, not even for a plan, and say so', async () => {
    const h = await Harness.start(cluster, {
      namespace: ns(),
      start: '2026-11-02T16:00:00Z',
      policy: { rolloutSpreadDays: 0, cloud: 'GCCHigh' },
      devices: [{ name: 'phone-1' }],
    });
    harness = h;
    await h.createPlan('now', { devices: { names: ['phone-1'] } });
    await h.runUntil('2026-11-03T00:00:00Z');
    expect(h.sent).to.deep.equal([]);
    expect(h.condition('phone-1', 'RemoteUpdateAvailable')).to.include({
      status: 'False',
      reason: 'RemoteUpdateUnavailable',
    });
    expect(h.condition('phone-1', 'AutoUpdateBlocked')?.reason).to.equal('RemoteUpdateUnavailable');
  });

  it('should keep maxConcurrentUpdates with 5 devices due at once and a limit of 2', async () => {
    const names = ['p1', 'p2', 'p3', 'p4', 'p5'];
    const h = await Harness.start(cluster, {
      namespace: ns(),
      start: '2026-11-02T16:00:00Z',
      policy: { rolloutSpreadDays: 0, maxConcurrentUpdates: 2 },
      devices: names.map((name) => ({ name })),
      controller: { concurrency: 4 },
    });
    harness = h;
    await h.runUntil('2026-11-02T17:00:00Z');
    expect(names.map((name) => h.condition(name, 'Updating')?.reason).sort()).to.deep.equal([
      'Sent',
      'Sent',
      'WaitingForSlot',
      'WaitingForSlot',
      'WaitingForSlot',
    ]);
    await h.runUntil('2026-11-02T18:00:00Z');
    expect(h.sent).to.have.length(5);
    expect(Math.max(...h.sent.map((s) => s.runningBefore))).to.equal(1);
    expect(h.sent.map((s) => s.at).sort()).to.deep.equal([
      '2026-11-02T17:00:00.000Z',
      '2026-11-02T17:00:00.000Z',
      '2026-11-02T17:03:00.000Z',
      '2026-11-02T17:03:00.000Z',
      '2026-11-02T17:06:00.000Z',
    ]);
    for (const name of names)
      expect(h.device(name).status?.reported?.firmwareVersion).to.equal('122.15.0.40');
    // Waiting for a slot is routine: no Event; one UpdateSucceeded per device.
    expect((await h.events()).map((e) => `${e.name} ${e.reason}`).sort()).to.deep.equal(
      names.map((name) => `${name} UpdateSucceeded`),
    );
  });

  /** One device whose update takes 20 s (10 s download, 10 s install); returns its status writes. */
  async function runTwentySecondUpdate(progressIntervalMs?: number) {
    const h = await Harness.start(cluster, {
      namespace: ns(),
      start: '2026-11-02T16:00:00Z',
      policy: { rolloutSpreadDays: 0 },
      behaviour: { downloadSeconds: 10, installSeconds: 10, failurePercent: 0 },
      devices: [{ name: 'phone-1' }],
      ...(progressIntervalMs === undefined ? {} : { controller: { progressIntervalMs } }),
    });
    harness = h;
    const writesBefore = h.statusLog.writes.length;
    await h.runUntil('2026-11-02T17:10:00Z');
    return { h, writes: h.statusLog.writes.slice(writesBefore).map((w) => `${w.update} @ ${w.at}`) };
  }

  it('should write only Sent and the result of an update faster than the progress interval, and one Event', async () => {
    const { h, writes } = await runTwentySecondUpdate();
    expect(h.walks.get('phone-1')).to.deep.equal([null, 'Sent', null]);
    expect(writes).to.deep.equal(['Sent @ 2026-11-02T17:00:00.000Z', 'null @ 2026-11-02T17:00:20.000Z']);
    expect(h.device('phone-1').status?.history?.[0]).to.include({ result: 'Succeeded' });
    expect((await h.events()).map((e) => `${e.reason}: ${e.message}`)).to.deep.equal([
      'UpdateSucceeded: Firmware 122.15.0.36 -> 122.15.0.40 (Auto, attempt 1) succeeded in 20s (started 2026-11-02T17:00:00Z): installed Firmware 122.15.0.40',
    ]);
  });

  it('should write every progress change with a progress interval of 0', async () => {
    const { h, writes } = await runTwentySecondUpdate(0);
    expect(h.walks.get('phone-1')).to.deep.equal([null, 'Sent', 'Downloading', 'Installing', null]);
    expect(writes).to.deep.equal([
      'Sent @ 2026-11-02T17:00:00.000Z',
      'Downloading 0% @ 2026-11-02T17:00:00.000Z',
      'Downloading 50% @ 2026-11-02T17:00:05.000Z',
      'Installing 0% @ 2026-11-02T17:00:10.000Z',
      'Installing 50% @ 2026-11-02T17:00:15.000Z',
      'null @ 2026-11-02T17:00:20.000Z',
    ]);
  });

  it('should retry a status write that lost a 409 conflict', async () => {
    const namespace = ns();
    const h = await Harness.start(cluster, {
      namespace,
      start: '2026-11-02T16:00:00Z',
      policy: { rolloutSpreadDays: 0 },
      devices: [{ name: 'phone-1' }],
    });
    harness = h;
    // Someone labels the device between our read of the cache and our write: the write carries the old
    // resourceVersion and the API server answers 409 Conflict.
    let labelled = false;
    h.statusLog.beforeStatusPatch = async () => {
      if (labelled) return;
      labelled = true;
      const path = resourcePath(resource('TeamsDevice'), { namespace, name: 'phone-1' });
      await admin.mergePatch(path, { metadata: { labels: { site: 'berlin' } } });
    };
    await h.runUntil('2026-11-02T17:10:00Z');
    expect(h.statusLog.conflicts).to.equal(1);
    expect(h.sent).to.have.length(1);
    expect(h.device('phone-1').metadata.labels).to.deep.equal({ site: 'berlin' });
    expect(h.device('phone-1').status?.history?.[0]?.result).to.equal('Succeeded');
  });

  it('should send a lost command again under the same id after a restart', async () => {
    const namespace = ns();
    const o: HarnessOptions = {
      namespace,
      start: '2026-11-02T16:00:00Z',
      policy: { rolloutSpreadDays: 0 },
      devices: [{ name: 'phone-1' }],
    };
    const first = await Harness.start(cluster, o);
    harness = first;
    first.dropCommands = true;
    await first.runUntil('2026-11-02T17:01:00Z');
    const update = first.device('phone-1').status?.update;
    expect(update).to.include({ state: 'Sent', startedAt: '2026-11-02T17:00:00Z' });
    // The operator stops (the devices and their proxies go on) and starts again, with nothing in memory.
    await first.stop({ keepTransport: true });
    harness = undefined;
    const second = await Harness.run(cluster, { ...o, clock: first.clock, transport: first.transport });
    harness = second;
    await second.runUntil('2026-11-02T17:04:59Z');
    expect(second.sent).to.deep.equal([]);
    await second.runUntil('2026-11-02T17:10:00Z');
    expect(second.sent.map((s) => `${s.command.commandId} @ ${s.at}`)).to.deep.equal([
      `${update?.commandId} @ 2026-11-02T17:05:00.000Z`,
    ]);
    expect(second.device('phone-1').status?.history?.[0]).to.include({
      result: 'Succeeded',
      to: '122.15.0.40',
    });
    expect(second.device('phone-1').status?.reported?.firmwareVersion).to.equal('122.15.0.40');
  });
});
