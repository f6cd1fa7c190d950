// The apply step of the aggregate controllers (UpdatePlan, FirmwareRelease, UpdatePolicy, DeviceProxyPool):
// a decision from src/core ({status, events, requeueAfterMs?}) is applied the same way for each kind.
// /status is patched only when it changed; the Events are recorded after that write and only when it
// happened, so a transition is announced once, and never for a status the API server did not take. The
// decision's requeueAfterMs goes back to the work queue whether or not anything was written.
import type { Decision } from '../core/decision.js';
import { patchStatus, type WithStatus } from '../k8s/status.js';
import type { ReconcileContext, ReconcileOutcome } from '../runtime/controller.js';
import type { OperatorContext } from './types.js';

/** What to log once the status is written: a constant message and fields read from the new status. */
export interface StatusLog<S> {
  message: string;
  fields(status: S): Record<string, unknown>;
}

export async function applyStatus<T extends WithStatus<object>>(
  ctx: Pick<OperatorContext, 'client' | 'recorder'>,
  object: T,
  decision: Decision<NonNullable<T['status']>>,
  rc: Pick<ReconcileContext, 'log' | 'signal'>,
  log?: StatusLog<NonNullable<T['status']>>,
): Promise<ReconcileOutcome> {
  const { patched } = await patchStatus(ctx.client, object, decision.status, { signal: rc.signal });
  if (patched) {
    if (log) rc.log.info(log.fields(decision.status), log.message);
    for (const e of decision.events) await ctx.recorder.record(object, e.type, e.reason, e.message);
  }
  return decision.requeueAfterMs === undefined ? undefined : { requeueAfterMs: decision.requeueAfterMs };
}
