// The TeamsDevice reconciler: gather (informer caches and the device state store) -> decide (src/core
// decideDevice) -> apply (status first, then the command, then Events and metrics).
import { type TeamsDevice, TeamsDeviceKind } from '../../api/v1alpha1/index.js';
import { type DeviceDecision, type DeviceDecisionOptions, decideDevice } from '../../core/device/decide.js';
import { buildCatalog, type Catalog } from '../../core/rules/catalog.js';
import { selectPlanDevices } from '../../core/rules/manual.js';
import { namespaceOf, policyFor } from '../../core/rules/policies.js';
import { isNotFound } from '../../k8s/errors.js';
import { resourceOfKind, resourcePath } from '../../k8s/resource.js';
import { retryOnConflict } from '../../k8s/retry.js';
import { patchStatus } from '../../k8s/status.js';
import type { ReconcileContext, ReconcileOutcome, Reconciler } from '../../runtime/controller.js';
import { splitKey } from '../../runtime/informer.js';
import { deviceIdOf } from '../execution/device-ids.js';
import type { UpdateExecutor } from '../execution/executor.js';
import type { OperatorContext } from '../types.js';
import type { DeviceMetrics } from './metrics.js';
import type { WrittenObjects } from './written.js';

/** decideDevice's options (resend and progress intervals), and the reconciler's own. */
export interface DeviceReconcilerOptions extends DeviceDecisionOptions {
  /** Tries of a status write that loses a 409 race (each retry re-reads the device); default 5. */
  conflictAttempts?: number;
}

const DEVICES = resourceOfKind(TeamsDeviceKind);

interface Applied {
  device: TeamsDevice;
  object: TeamsDevice;
  patched: boolean;
  decision: DeviceDecision;
  now: Date;
}

export class DeviceReconciler implements Reconciler {
  private catalog: Catalog | undefined;

  constructor(
    private readonly ctx: OperatorContext,
    private readonly executor: UpdateExecutor,
    private readonly written: WrittenObjects,
    private readonly metrics: DeviceMetrics | undefined,
    private readonly options: DeviceReconcilerOptions = {},
  ) {}

  /** Releases changed: the next reconcile builds a new catalog. */
  invalidateCatalog(): void {
    this.catalog = undefined;
  }

  /** The newest known version of a device (what this controller wrote, until the cache has it). */
  device(key: string): TeamsDevice | undefined {
    return this.written.freshest(key, this.ctx.informers.devices.getByKey(key));
  }

  async reconcile(key: string, rc: ReconcileContext): Promise<ReconcileOutcome> {
    const cached = this.device(key);
    const namespace = splitKey(key).namespace ?? 'default';
    const { ledger } = this.executor;
    if (!cached) {
      ledger.forget(namespace, key);
      this.written.forget(key);
      return undefined;
    }
    const heldBefore = ledger.holds(namespace, key);
    let applied: Applied | undefined;
    try {
      applied = await retryOnConflict(
        async (attempt) => {
          const device = attempt === 1 ? cached : await this.readLive(key, rc.signal);
          if (!device) return undefined;
          return this.decideAndWrite(key, device, rc);
        },
        { attempts: this.options.conflictAttempts ?? 5 },
      );
    } catch (err) {
      // Nothing was written: a slot taken for this reconcile goes back.
      if (!heldBefore) ledger.release(namespace, key);
      throw err;
    }
    if (!applied) {
      ledger.forget(namespace, key);
      this.written.forget(key);
      return undefined;
    }
    return this.afterWrite(key, namespace, applied, rc);
  }

  /** One try: decide from `device` and write the status (optimistic lock on its resourceVersion). */
  private async decideAndWrite(key: string, device: TeamsDevice, rc: ReconcileContext): Promise<Applied> {
    const now = this.ctx.clock.now();
    const decision = this.decide(key, device, now);
    // Synchronously after the check in decide(): no other reconcile can take the slot in between.
    if (decision.inFlight) this.executor.ledger.reserve(namespaceOf(device.metadata), key);
    this.written.expect(key, device, decision.status);
    let result: Awaited<ReturnType<typeof patchStatus<TeamsDevice>>>;
    try {
      result = await patchStatus(this.ctx.client, device, decision.status, {
        optimisticLock: true,
        signal: rc.signal,
      });
    } catch (err) {
      this.written.unexpect(key);
      throw err;
    }
    const { patched, object } = result;
    // Nothing sent (the status was already so): no watch event will echo it.
    if (!patched) this.written.unexpect(key);
    return { device, object, patched, decision, now };
  }

  private decide(key: string, device: TeamsDevice, now: Date): DeviceDecision {
    const { informers } = this.ctx;
    const namespace = namespaceOf(device.metadata);
    const policy = policyFor(device, informers.policies.list(namespace));
    const plans = informers.plans
      .list(namespace)
      .filter((plan) => selectPlanDevices(plan, [device]).selected.length > 0);
    const deviceId = deviceIdOf(device);
    const { store, ledger } = this.executor;
    const commandId = device.status?.update?.commandId;
    this.catalog ??= buildCatalog(informers.releases.list());
    return decideDevice({
      device,
      observed: store.state(deviceId),
      catalog: this.catalog,
      policy,
      plans,
      event: commandId ? store.event(deviceId, commandId) : undefined,
      slotAvailable: ledger.available(namespace, key, policy.maxConcurrentUpdates),
      delivery: commandId ? store.delivery(commandId) : undefined,
      now,
      options: this.options,
    });
  }

  private async afterWrite(
    key: string,
    namespace: string,
    applied: Applied,
    rc: ReconcileContext,
  ): Promise<ReconcileOutcome> {
    const { device, object, patched, decision, now } = applied;
    const { ledger, store } = this.executor;
    const deviceId = deviceIdOf(device);
    const phase = device.spec.firmwareAutoUpdate.phase;
    if (patched) {
      this.written.remember(key, device, object, this.ctx.informers.devices.getByKey(key));
      this.metrics?.statusWritten();
      rc.log.debug({ update: decision.status.update?.state ?? null }, 'device status written');
    }
    if (!decision.inFlight) ledger.release(namespace, key);
    if (decision.waitingForSlot) ledger.wait(namespace, key);
    this.metrics?.slotsInUse(namespace, ledger.inUse(namespace));

    let sendError: unknown;
    const send = decision.send;
    if (send) {
      const fields = {
        deviceId,
        commandId: send.commandId,
        component: send.component,
        version: send.version,
        attempt: send.attempt,
        source: send.source,
      };
      try {
        await this.executor.send(deviceId, send, now);
        if (send.resend) {
          this.metrics?.resent(send.component);
          rc.log.info(fields, 'update command sent again');
        } else {
          this.metrics?.sent(send.component, phase, send.source);
          rc.log.info(fields, 'update command sent');
        }
      } catch (err) {
        sendError = err;
        rc.log.warn({ ...fields, err }, 'update command could not be sent; retrying');
      }
    }
    const finished = decision.finished;
    if (finished) {
      const previous = device.status?.update?.commandId;
      if (previous) store.forgetDelivery(previous);
      this.metrics?.finished(finished.result, finished.component, phase, finished.source);
      rc.log.info(
        {
          component: finished.component,
          version: finished.version,
          source: finished.source,
          result: finished.result,
          message: finished.message,
        },
        'update finished',
      );
    }
    for (const event of decision.events) {
      await this.ctx.recorder.record(object, event.type, event.reason, event.message);
    }
    if (sendError !== undefined) throw sendError;
    return decision.requeueAfterMs === undefined ? undefined : { requeueAfterMs: decision.requeueAfterMs };
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
