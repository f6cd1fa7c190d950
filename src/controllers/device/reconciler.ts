// The TeamsDevice reconciler: gather (gather.ts) -> decide (src/core decideDevice) -> apply (apply.ts), with
// the retry of a status write that loses a 409 race and the slot bookkeeping around it (slots.ts).
import { type TeamsDevice, TeamsDeviceKind } from '../../api/v1alpha1/index.js';
import { type DeviceDecisionOptions, decideDevice } from '../../core/device/decide.js';
import { namespaceOf } from '../../core/rules/policies.js';
import { isNotFound } from '../../k8s/errors.js';
import { resourceOfKind, resourcePath } from '../../k8s/resource.js';
import { retryOnConflict } from '../../k8s/retry.js';
import type { ReconcileContext, ReconcileOutcome, Reconciler } from '../../runtime/controller.js';
import { splitKey } from '../../runtime/informer.js';
import type { OperatorContext } from '../types.js';
import type { DeviceApplier, StatusWrite } from './apply.js';
import type { DeviceGatherer } from './gather.js';
import type { UpdateSlots } from './slots.js';
import type { WrittenObjects } from './written.js';

/** decideDevice's options (resend and progress intervals), and the reconciler's own. */
export interface DeviceReconcilerOptions extends DeviceDecisionOptions {
  /** Tries of a status write that loses a 409 race (each retry re-reads the device); default 5. */
  conflictAttempts?: number;
}

const DEVICES = resourceOfKind(TeamsDeviceKind);

export interface DeviceReconcilerParts {
  gatherer: DeviceGatherer;
  applier: DeviceApplier;
  slots: UpdateSlots;
  written: WrittenObjects;
}

export class DeviceReconciler implements Reconciler {
  private readonly gatherer: DeviceGatherer;
  private readonly applier: DeviceApplier;
  private readonly slots: UpdateSlots;
  private readonly written: WrittenObjects;

  constructor(
    private readonly ctx: Pick<OperatorContext, 'client' | 'clock' | 'informers'>,
    parts: DeviceReconcilerParts,
    private readonly options: DeviceReconcilerOptions = {},
  ) {
    ({ gatherer: this.gatherer, applier: this.applier, slots: this.slots, written: this.written } = parts);
  }

  /** Releases changed: the next reconcile builds a new catalog. */
  invalidateCatalog(): void {
    this.gatherer.invalidateCatalog();
  }

  /** The newest known version of a device (what this controller wrote, until the cache has it). */
  device(key: string): TeamsDevice | undefined {
    return this.written.freshest(key, this.ctx.informers.devices.getByKey(key));
  }

  async reconcile(key: string, rc: ReconcileContext): Promise<ReconcileOutcome> {
    const cached = this.device(key);
    const namespace = splitKey(key).namespace ?? 'default';
    if (!cached) return this.gone(namespace, key);
    let reserved = false;
    let write: StatusWrite | undefined;
    try {
      write = await retryOnConflict(
        async (attempt) => {
          const device = attempt === 1 ? cached : await this.readLive(key, rc.signal);
          if (!device) return undefined;
          // From the slot check in gather to the reservation: no await, so the slot is still free (slots.ts).
          const now = this.ctx.clock.now();
          const decision = decideDevice(this.gatherer.input(key, device, now));
          if (decision.inFlight && this.slots.reserve(namespaceOf(device.metadata), key)) reserved = true;
          return this.applier.writeStatus(key, device, decision, now, rc.signal);
        },
        { attempts: this.options.conflictAttempts ?? 5 },
      );
    } catch (err) {
      // Nothing was written: a slot taken for this reconcile goes back.
      if (reserved) this.slots.settle(namespace, key, 'free');
      throw err;
    }
    if (!write) return this.gone(namespace, key);
    return this.applier.afterWrite(key, namespace, write, rc.log);
  }

  /** The device is deleted: its slot and what was written of it are forgotten. */
  private gone(namespace: string, key: string): undefined {
    this.slots.settle(namespace, key, 'gone');
    this.written.forget(key);
    return undefined;
  }

  /** The device as the API server has it now (only after a write lost a 409 race); undefined when gone. */
  private async readLive(key: string, signal: AbortSignal): Promise<TeamsDevice | undefined> {
    const { namespace, name } = splitKey(key);
    try {
      return await this.ctx.client.get<TeamsDevice>(resourcePath(DEVICES, { namespace, name }), signal);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }
}
