// The TeamsDevice controller: the single executor of updates, automatic or from an UpdatePlan (see the
// contract in src/controllers/types.ts). Key: "namespace/name" of the TeamsDevice.
//
// - gather (gather.ts): the device, its policy, the plans of its namespace that select it and the releases,
//   from the informer caches; what the device last said, from the transport (DeviceStateStore); the slots;
// - decide: src/core/device/decide.ts decideDevice, the same rules as planTimeline;
// - apply (apply.ts): status first (Sent before the command goes out: the claim), then the slot,
//   transport.send, then Events and metrics. A new claim is first checked against maxConcurrentUpdates as the
//   API server counts it, so operators running side by side hold the cap together (claim.ts).

import { objectKey, type TeamsDevice } from '../../api/v1alpha1/index.js';
import { isInFlight } from '../../core/device/progress.js';
import { namespaceOf } from '../../core/rules/policies.js';
import type { ControllerFactory, ControllerRegistration, Enqueue, OperatorContext } from '../types.js';
import { DeviceApplier } from './apply.js';
import { ClaimCheck } from './claim.js';
import { UpdateExecutor } from './executor.js';
import { DeviceGatherer } from './gather.js';
import { deviceMetrics } from './metrics.js';
import { DeviceReconciler, type DeviceReconcilerOptions } from './reconciler.js';
import { UpdateSlots } from './slots.js';
import { watchDevices } from './watch.js';
import { WrittenObjects } from './written.js';

export const DEVICE_CONTROLLER = 'teamsdevice';

export interface DeviceControllerOptions extends DeviceReconcilerOptions {
  /** Devices reconciled in parallel; default 4 (the concurrency slots hold across them). */
  concurrency?: number;
}

export interface DeviceController extends ControllerRegistration {
  reconciler: DeviceReconciler;
  executor: UpdateExecutor;
}

export function createDeviceController(
  ctx: OperatorContext,
  options: DeviceControllerOptions = {},
): DeviceController {
  const { informers } = ctx;
  const log = ctx.log.child({ controller: DEVICE_CONTROLLER });
  const reconcilerOptions: DeviceReconcilerOptions = {
    ...(ctx.progressIntervalMs === undefined ? {} : { progressIntervalMs: ctx.progressIntervalMs }),
    ...options,
  };
  const written = new WrittenObjects();
  const executor = new UpdateExecutor({ transport: ctx.transport, clock: ctx.clock, log });
  // Woken devices go to the queue that watch() is given; none wait for a slot before that.
  let enqueue: Enqueue | undefined;
  const slots = new UpdateSlots({
    inFlight: (namespace) =>
      informers.devices
        .list(namespace)
        .filter((device) => isInFlight(written.freshest(objectKey(device), device)?.status?.update))
        .map(objectKey),
    wake: (key) => enqueue?.(key),
  });
  const gatherer = new DeviceGatherer(informers, executor.store, slots, executor.presence, reconcilerOptions);
  const applier = new DeviceApplier(ctx, executor, written, slots, deviceMetrics(ctx.metrics?.registry));
  const claims = new ClaimCheck(ctx);
  const reconciler = new DeviceReconciler(
    ctx,
    { gatherer, applier, slots, written, claims },
    reconcilerOptions,
  );
  // Kept up to date from the start, whatever watch() subscribes: the deviceId index and the catalog.
  const observe = (device: TeamsDevice) => {
    if (isInFlight(device.status?.update))
      slots.observeInFlight(namespaceOf(device.metadata), objectKey(device));
  };
  informers.devices.addEventHandler({
    add: (device) => {
      executor.ids.set(device);
      observe(device);
    },
    update: (_old, device) => {
      executor.ids.set(device);
      observe(device);
    },
    delete: (device) => executor.ids.delete(device),
  });
  const invalidate = () => gatherer.invalidateCatalog();
  informers.releases.addEventHandler({ add: invalidate, update: invalidate, delete: invalidate });

  return {
    name: DEVICE_CONTROLLER,
    reconciler,
    executor,
    concurrency: options.concurrency ?? 4,
    watch: (queue) => {
      enqueue = queue;
      watchDevices(informers, executor, queue, (key, old, device) => written.isOwnWrite(key, old, device));
    },
  };
}

/** The TeamsDevice controller with its defaults. */
export const deviceController: ControllerFactory = (ctx) => createDeviceController(ctx);
