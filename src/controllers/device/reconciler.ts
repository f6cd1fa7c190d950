// The TeamsDevice reconciler: gather (gather.ts) -> decide (src/core decideDevice) -> apply (apply.ts), with
// the retry of a status write that loses a 409 race, the slot bookkeeping around it (slots.ts), and the check
// of a new claim against the cap before its command goes out (claim.ts).
import type { TeamsDevice } from '../../api/v1alpha1/index.js';
import {
  type DeviceDecisionInput,
  type DeviceDecisionOptions,
  decideDevice,
} from '../../core/device/decide.js';
import { namespaceOf } from '../../core/rules/policies.js';
import { retryOnConflict } from '../../k8s/retry.js';
import type { ReconcileContext, ReconcileOutcome, Reconciler } from '../../runtime/controller.js';
import { splitKey } from '../../runtime/informer.js';
import type { OperatorContext } from '../types.js';
import type { DeviceApplier, StatusWrite } from './apply.js';
import { type ClaimCheck, claimRetryAfterMs, isNewClaim, readDevice } from './claim.js';
import type { DeviceGatherer } from './gather.js';
import type { UpdateSlots } from './slots.js';
import type { WrittenObjects } from './written.js';

/** decideDevice's options (resend and progress intervals), and the reconciler's own. */
export interface DeviceReconcilerOptions extends DeviceDecisionOptions {
  /** Tries of a status write that loses a 409 race (each retry re-reads the device); default 5. */
  conflictAttempts?: number;
}

export interface DeviceReconcilerParts {
  gatherer: DeviceGatherer;
  applier: DeviceApplier;
  slots: UpdateSlots;
  written: WrittenObjects;
  claims: ClaimCheck;
}

export class DeviceReconciler implements Reconciler {
  private readonly gatherer: DeviceGatherer;
  private readonly applier: DeviceApplier;
  private readonly slots: UpdateSlots;
  private readonly written: WrittenObjects;
  private readonly claims: ClaimCheck;

  constructor(
    private readonly ctx: Pick<OperatorContext, 'client' | 'clock' | 'informers'>,
    parts: DeviceReconcilerParts,
    private readonly options: DeviceReconcilerOptions = {},
  ) {
    ({
      gatherer: this.gatherer,
      applier: this.applier,
      slots: this.slots,
      written: this.written,
      claims: this.claims,
    } = parts);
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
    let input: DeviceDecisionInput | undefined;
    try {
      write = await retryOnConflict(
        async (attempt) => {
          const { name } = splitKey(key);
          const device =
            attempt === 1 ? cached : await readDevice(this.ctx.client, namespace, name, rc.signal);
          if (!device) return undefined;
          // From the slot check in gather to the reservation: no await, so the slot is still free (slots.ts).
          const now = this.ctx.clock.now();
          input = this.gatherer.input(key, device, now);
          const decision = decideDevice(input);
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
    if (input && isNewClaim(write)) {
      const withdrawn = await this.withdrawOverCap(key, namespace, write, input, rc);
      if (withdrawn !== 'keep') return withdrawn;
    }
    return this.applier.afterWrite(key, namespace, write, rc.log);
  }

  /** The device is deleted: its slot and what was written of it are forgotten. */
  private gone(namespace: string, key: string): undefined {
    this.slots.settle(namespace, key, 'gone');
    this.written.forget(key);
    return undefined;
  }

  /**
   * A new claim is checked against the cap as the API server counts it (claim.ts); over it, the claim is
   * withdrawn, nothing is sent, and the device is decided again after a random delay.
   */
  private async withdrawOverCap(
    key: string,
    namespace: string,
    write: StatusWrite,
    input: DeviceDecisionInput,
    rc: ReconcileContext,
  ): Promise<ReconcileOutcome | 'keep'> {
    const limit = input.policy.maxConcurrentUpdates;
    const inFlight = await this.claims.inFlight(namespace, write.object, rc.signal);
    if (inFlight <= limit) return 'keep';
    const waiting = decideDevice({ ...input, slotAvailable: false });
    this.written.remember(key, write.device, write.object, this.ctx.informers.devices.getByKey(key));
    const withdrawn = await this.claims.withdraw(write.object, waiting.status, rc.signal);
    if (withdrawn) this.written.remember(key, write.object, withdrawn);
    this.slots.settle(namespace, key, 'wait');
    rc.log.info(
      { commandId: write.decision.send?.commandId, inFlight, maxConcurrentUpdates: limit },
      'update claim withdrawn: another operator took the last slot',
    );
    return { requeueAfterMs: claimRetryAfterMs() };
  }
}
