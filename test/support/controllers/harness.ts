// The harness of the UpdatePlan, FirmwareRelease, UpdatePolicy and DeviceProxyPool controller tests (no tests
// of its own): one controller wired by the operator's own code (a Manager, createInformers with its
// transform and indexes, registerControllers) on the embedded control plane, so a controller reads the same
// caches and indexes it reads in production. A FakeClock is the operator's clock (requeues, debounce, status
// timestamps); real time drives informers, retry backoff and Event times, as in startOperator.
import type { KubeConfig } from '@kubernetes/client-node';
import type { TeamsDeviceStatus } from '../../../src/api/v1alpha1/index.js';
import { parseConfig } from '../../../src/config/config.js';
import {
  AGGREGATE_DEBOUNCE_MS,
  type ControllerFactory,
  type OperatorContext,
  type OperatorInformers,
} from '../../../src/controllers/types.js';
import { KubeClient } from '../../../src/k8s/client.js';
import { isNotFound } from '../../../src/k8s/errors.js';
import { EventRecorder } from '../../../src/k8s/events.js';
import type { KubeObject } from '../../../src/k8s/object.js';
import { EVENTS, type ResourceRef, resourcePath, TEAMS_RESOURCES } from '../../../src/k8s/resource.js';
import { createInformers, registerControllers } from '../../../src/operator/index.js';
import { COMPONENT } from '../../../src/operator/operator.js';
import { type FakeClock, RealClock } from '../../../src/runtime/clock.js';
import type { Controller } from '../../../src/runtime/controller.js';
import type { Informer } from '../../../src/runtime/informer.js';
import { Manager } from '../../../src/runtime/manager.js';
import { OperatorMetrics } from '../../../src/runtime/metrics.js';
import { MalformedCounts } from '../../../src/transport/protocol.js';
import type { DeviceTransport } from '../../../src/transport/types.js';
import { eventually, silentLogger } from '../async.js';

export const PROXY_IMAGE = 'ghcr.io/example/teams-device-operator:test';

const ref = (kind: string): ResourceRef => {
  const found = TEAMS_RESOURCES[kind];
  if (!found) throw new Error(`no resource ${kind}`);
  return found;
};
export const DEVICES = ref('TeamsDevice');
export const RELEASES = ref('FirmwareRelease');
export const PLANS = ref('UpdatePlan');
export const POLICIES = ref('UpdatePolicy');
export const POOLS = ref('DeviceProxyPool');

/** A transport that must never be used: these controllers send nothing to devices. */
const noTransport: DeviceTransport = {
  start: async () => {},
  stop: async () => {},
  send: async () => {
    throw new Error('these controllers never send commands');
  },
  onState: () => {},
  onEvent: () => {},
  onPresence: () => {},
  requestResync: async () => {},
  stats: { malformed: 0, sent: 0, received: 0 },
  malformedByReason: new MalformedCounts(),
};

export interface CoreEvent {
  involvedObject: { kind?: string; name?: string; namespace?: string };
  reason: string;
  message: string;
  type: string;
  count?: number;
}

export interface Harness {
  client: KubeClient;
  clock: FakeClock;
  informers: OperatorInformers;
  controller: Controller;
  create<T>(resource: ResourceRef, obj: T): Promise<T>;
  get<T>(resource: ResourceRef, name: string, namespace?: string): Promise<T>;
  /** Merge-patches an object (or its status with subresource 'status'). */
  patch<T>(
    resource: ResourceRef,
    name: string,
    namespace: string | undefined,
    patch: unknown,
    subresource?: string,
  ): Promise<T>;
  remove(resource: ResourceRef, name: string, namespace?: string): Promise<void>;
  /** Writes a device's status as the TeamsDevice controller would, and waits until the caches have it. */
  setDeviceStatus(namespace: string, name: string, status: TeamsDeviceStatus): Promise<void>;
  /** Waits until the informer of `resource` holds `obj` at its resourceVersion. */
  seen(
    resource: ResourceRef,
    obj: { metadata?: { name?: string; namespace?: string; resourceVersion?: string } },
  ): Promise<void>;
  /** Lets the debounce of aggregate controllers pass on the fake clock. */
  debounce(): Promise<void>;
  /** Re-reads the object until it exists and `check` holds on it; returns it. */
  until<T>(
    resource: ResourceRef,
    name: string,
    namespace: string | undefined,
    check: (obj: T) => boolean,
    what: string,
  ): Promise<T>;
  /** The Events about `name` once there is one of each of `reasons` (Events are written after the status). */
  events(namespace: string, name: string, ...reasons: string[]): Promise<CoreEvent[]>;
  createNamespace(name: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Wires `factory`'s controller as startOperator does: a Manager, the informers of createInformers (with their
 * transform and the device-model index), registerControllers; then starts the manager, which syncs the
 * informers before it starts the controller.
 */
export async function startController(
  factory: ControllerFactory,
  kubeConfig: KubeConfig,
  clock: FakeClock,
  /** The devices' transport, for the TeamsDevice controller; the others never send. Started here. */
  transport: DeviceTransport = noTransport,
): Promise<Harness> {
  const client = new KubeClient(kubeConfig);
  const wall = new RealClock();
  const logger = silentLogger();
  const metrics = new OperatorMetrics();
  const config = parseConfig(['--metrics-port', '0', '--health-port', '0'], {});
  const manager = new Manager({ config, client, clock, wallClock: wall, logger, metrics, host: '127.0.0.1' });
  const informers = createInformers(manager);
  const ctx: OperatorContext = {
    client,
    clock,
    log: logger,
    // Event times on real time, as startOperator has them (kubectl reads their ages against real time).
    recorder: new EventRecorder({ client, component: COMPONENT, clock: wall, logger }),
    metrics,
    informers,
    transport,
    image: PROXY_IMAGE,
  };
  const [controller] = registerControllers(manager, ctx, [factory]).values();
  if (!controller) throw new Error('registerControllers made no controller');
  await manager.start();
  await transport.start();

  const informerOf = (resource: ResourceRef): Informer<KubeObject> => {
    const byKind: Record<string, unknown> = {
      TeamsDevice: informers.devices,
      FirmwareRelease: informers.releases,
      UpdatePlan: informers.plans,
      UpdatePolicy: informers.policies,
      DeviceProxyPool: informers.pools,
      Deployment: informers.deployments,
      ConfigMap: informers.configMaps,
    };
    const found = byKind[resource.kind];
    if (!found) throw new Error(`no informer for ${resource.kind}`);
    return found as Informer<KubeObject>;
  };

  const h: Harness = {
    client,
    clock,
    informers,
    controller,
    create: (resource, obj) =>
      client.create(
        resourcePath(resource, { namespace: (obj as KubeObject).metadata?.namespace }),
        obj as KubeObject,
      ) as Promise<never>,
    get: (resource, name, namespace) =>
      client.get(resourcePath(resource, { namespace, name })) as Promise<never>,
    patch: (resource, name, namespace, patch, subresource) =>
      client.mergePatch(
        resourcePath(resource, { namespace, name, ...(subresource ? { subresource } : {}) }),
        patch,
      ) as Promise<never>,
    async remove(resource, name, namespace) {
      await client.delete(resourcePath(resource, { namespace, name }));
    },
    async setDeviceStatus(namespace, name, status) {
      const written = await h.patch<KubeObject>(DEVICES, name, namespace, { status }, 'status');
      await h.seen(DEVICES, written);
    },
    async seen(resource, obj) {
      const inf = informerOf(resource);
      const { name = '', namespace } = obj.metadata ?? {};
      const rv = obj.metadata?.resourceVersion;
      await eventually(
        () => inf.get(name, namespace)?.metadata?.resourceVersion === rv,
        `the ${resource.kind} informer has ${name}@${rv}`,
      );
    },
    debounce: () => clock.advance(AGGREGATE_DEBOUNCE_MS),
    async until(resource, name, namespace, check, what) {
      let last: unknown;
      try {
        await eventually(async () => {
          try {
            last = await h.get(resource, name, namespace);
          } catch (err) {
            if (isNotFound(err)) return false;
            throw err;
          }
          return check(last as never);
        }, what);
      } catch (err) {
        throw new Error(
          `${(err as Error).message}; last seen: ${JSON.stringify((last as { status?: unknown })?.status ?? last)}`,
        );
      }
      return last as never;
    },
    async events(namespace, name, ...reasons) {
      let found: CoreEvent[] = [];
      await eventually(
        async () => {
          const list = await client.list<KubeObject>(resourcePath(EVENTS, { namespace }));
          found = (list.items as unknown as CoreEvent[]).filter((e) => e.involvedObject.name === name);
          return reasons.every((reason) => found.some((e) => e.reason === reason));
        },
        `Events ${reasons.join(', ')} about ${name}`,
      );
      return found;
    },
    async createNamespace(name) {
      await client.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    },
    async stop() {
      await manager.stop();
      await transport.stop();
    },
  };
  return h;
}
