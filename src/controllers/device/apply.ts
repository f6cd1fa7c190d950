// Apply: what a DeviceDecision says, in the order the contract needs (src/controllers/types.ts): the status
// first (Sent, with the command id, before the command goes out), then the slot, then the command, then the
// Events of the transitions, with metrics and structured logs along the way.
import type { Logger } from 'pino';
import type { TeamsDevice } from '../../api/v1alpha1/index.js';
import { deviceIdOf } from '../../api/v1alpha1/index.js';
import type { DeviceDecision } from '../../core/device/decide.js';
import { patchStatus } from '../../k8s/status.js';
import type { ReconcileOutcome } from '../../runtime/controller.js';
import type { OperatorContext } from '../types.js';
import type { UpdateExecutor } from './executor.js';
import type { DeviceMetrics } from './metrics.js';
import { slotOutcome, type UpdateSlots } from './slots.js';
import type { WrittenObjects } from './written.js';

/** A status write done (or found unneeded): what it was decided from and what the API server returned. */
export interface StatusWrite {
  device: TeamsDevice;
  object: TeamsDevice;
  patched: boolean;
  decision: DeviceDecision;
  now: Date;
}

export class DeviceApplier {
  constructor(
    private readonly ctx: Pick<OperatorContext, 'client' | 'informers' | 'recorder'>,
    private readonly executor: UpdateExecutor,
    private readonly written: WrittenObjects,
    private readonly slots: UpdateSlots,
    private readonly metrics: DeviceMetrics | undefined,
  ) {}

  /** Writes the decided status over `device`, optimistically locked on its resourceVersion (409 if stale). */
  async writeStatus(
    key: string,
    device: TeamsDevice,
    decision: DeviceDecision,
    now: Date,
    signal: AbortSignal,
  ): Promise<StatusWrite> {
    this.written.expect(key, device, decision.status);
    let result: Awaited<ReturnType<typeof patchStatus<TeamsDevice>>>;
    try {
      result = await patchStatus(this.ctx.client, device, decision.status, { optimisticLock: true, signal });
    } catch (err) {
      this.written.unexpect(key);
      throw err;
    }
    const { patched, object } = result;
    // Nothing sent (the status was already so): no watch event will echo it.
    if (!patched) this.written.unexpect(key);
    return { device, object, patched, decision, now };
  }

  /** The rest, once the status is written: the slot, the command, the finished attempt, the Events. */
  async afterWrite(
    key: string,
    namespace: string,
    write: StatusWrite,
    log: Logger,
  ): Promise<ReconcileOutcome> {
    const { device, object, patched, decision, now } = write;
    if (patched) {
      this.written.remember(key, device, object, this.ctx.informers.devices.getByKey(key));
      this.metrics?.statusWritten();
      log.debug({ update: decision.status.update?.state ?? null }, 'device status written');
    }
    this.metrics?.slotsInUse(namespace, this.slots.settle(namespace, key, slotOutcome(decision)));

    const sendError = await this.send(device, decision, now, log);
    this.finished(device, decision, log);
    for (const event of decision.events) {
      await this.ctx.recorder.record(object, event.type, event.reason, event.message);
    }
    // Thrown after the Events: the retry sends again under the same command id.
    if (sendError !== undefined) throw sendError;
    return decision.requeueAfterMs === undefined ? undefined : { requeueAfterMs: decision.requeueAfterMs };
  }

  /** Hands the decided command to the transport; returns what failed, if anything. */
  private async send(
    device: TeamsDevice,
    decision: DeviceDecision,
    now: Date,
    log: Logger,
  ): Promise<unknown> {
    const send = decision.send;
    if (!send) return undefined;
    const deviceId = deviceIdOf(device);
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
        log.info(fields, 'update command sent again');
      } else {
        this.metrics?.sent(send.component, device.spec.firmwareAutoUpdate.phase, send.source);
        log.info(fields, 'update command sent');
      }
      return undefined;
    } catch (err) {
      log.warn({ ...fields, err }, 'update command could not be sent; retrying');
      return err;
    }
  }

  /** An attempt that finished: its delivery is forgotten, counted and logged. */
  private finished(device: TeamsDevice, decision: DeviceDecision, log: Logger): void {
    const finished = decision.finished;
    if (!finished) return;
    const previous = device.status?.update?.commandId;
    if (previous) this.executor.store.forgetDelivery(previous);
    const phase = device.spec.firmwareAutoUpdate.phase;
    this.metrics?.finished(finished.result, finished.component, phase, finished.source);
    log.info(
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
}
