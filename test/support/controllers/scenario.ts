// The steps the UpdatePlan, FirmwareRelease, UpdatePolicy and DeviceProxyPool controller tests share (no tests
// of its own), on top of harness.ts: one controller on its own embedded control plane, and the few things a
// scenario does to the cluster before the controller has something to show.
import type { HistoryEntry, UpdatePolicy } from '../../../src/api/v1alpha1/index.js';
import type { ControllerFactory } from '../../../src/controllers/types.js';
import { FakeClock } from '../../../src/runtime/clock.js';
import type { DeviceTransport } from '../../../src/transport/types.js';
import { type DeviceOptions, device, policy, reported } from '../builders/index.js';
import { type ClusterFixture, useLocalCluster } from '../cluster.js';
import { DEVICES, type Harness, POLICIES, startController } from './harness.js';

export interface ControllerUnderTest {
  /** The embedded control plane, with kubectl for what a user would look at. */
  fx: ClusterFixture;
  /** The harness of the running controller (throws outside the suite's hooks). */
  h: Harness;
  /** The operator's clock, starting at the suite's start. */
  clock: FakeClock;
}

/**
 * Registers hooks that start the controller of `factory` on a cluster with the CRDs, for the enclosing describe
 * block, and stop it after. `h` can be taken apart at describe time: it forwards to the harness the before hook
 * starts, so the tests read `h.create(...)` as they would with a local variable.
 */
export function useController(
  factory: ControllerFactory,
  start: string,
  /** The devices' transport (made with the operator's clock), for the TeamsDevice controller. */
  transport?: (clock: FakeClock) => DeviceTransport,
): ControllerUnderTest {
  const fx = useLocalCluster({ crds: true });
  const clock = new FakeClock(start);
  let started: Harness | undefined;
  const h = new Proxy({} as Harness, {
    get(_target, key) {
      if (!started) throw new Error('the controller is not running (use it inside it/before hooks)');
      return Reflect.get(started, key);
    },
  });

  before(async () => {
    started = await startController(factory, fx.kubeConfig(), clock, transport?.(clock));
  });

  after(async () => {
    await started?.stop();
    started = undefined;
  });

  return { fx, h, clock };
}

/**
 * Creates a TeamsDevice as a user applies it (in Europe/Berlin unless `options` say otherwise, no status) and
 * writes the status the device controller would once it reports `firmware`.
 */
export async function addDeviceRunning(
  h: Harness,
  options: DeviceOptions & { name: string; namespace: string },
  firmware: string,
): Promise<void> {
  await h.create(DEVICES, device({ timeZone: 'Europe/Berlin', ...options, withStatus: false }));
  await h.setDeviceStatus(options.namespace, options.name, reported(firmware));
}

/** Creates the namespace's default UpdatePolicy and waits until the controller's cache has it. */
export async function applyPolicy(
  h: Harness,
  namespace: string,
  spec: Partial<UpdatePolicy['spec']>,
): Promise<void> {
  await h.seen(POLICIES, await h.create(POLICIES, policy(spec, { namespace })));
}

/** The history entry the device controller adds when a Firmware update ends, finished at the clock's now. */
export function firmwareOutcome(
  clock: FakeClock,
  o: { from: string; to: string; source: string; result: 'Succeeded' | 'Failed' },
): HistoryEntry {
  return { component: 'Firmware', ...o, finishedAt: clock.now().toISOString() };
}

/** The condition of `type` in an object's status. */
export function condition<C extends { type: string }>(
  obj: { status?: { conditions?: C[] } },
  type: string,
): C | undefined {
  return obj.status?.conditions?.find((c) => c.type === type);
}
