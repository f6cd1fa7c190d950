// Claims: how an update starts so that two operators running at once (no leader election, or an old leader
// that has not noticed it lost) never send one update twice nor exceed maxConcurrentUpdates together.
//
// 1. The claim is the status write of status.update Sent with its command id, optimistically locked on the
//    resourceVersion the decision was made from (apply.ts writeStatus). It is written BEFORE the command goes
//    out. If anyone changed the device in between, the write fails with 409 and the reconcile decides again
//    from the live object: the other operator's claim is then in flight there, so nothing is sent.
// 2. The cap: the slots of slots.ts count what this process's cache has seen, which may lag another
//    operator's claims. So after a claim is written and before the command goes out, every update in flight
//    in the namespace is counted, this claim included, as of the claim's write or later: from the device
//    cache once it holds the claim's resourceVersion (a watch delivers changes in order, so it then holds
//    every claim written before), else from a fresh list (served from the store, never a cache). More than
//    the cap: someone else claimed at the same time. The claim is withdrawn (the device goes back to waiting
//    for a slot, again locked on the claim's resourceVersion) and nothing is sent; it is decided again after
//    a short random delay, so two operators that withdrew together do not collide again. Why this holds: of
//    any set of claims in flight at once, the one written last counted after all the others were written,
//    so it saw more than the cap and withdrew.
//
// A resend of a command in flight (same command id, nothing heard of it) claims nothing: the proxy answers a
// command id it knows with its latest event, so a second copy never runs the update twice.
import { type TeamsDevice, TeamsDeviceKind } from '../../api/v1alpha1/index.js';
import { isInFlight } from '../../core/device/progress.js';
import { isNotFound } from '../../k8s/errors.js';
import { resourceOfKind, resourcePath } from '../../k8s/resource.js';
import { retryOnConflict } from '../../k8s/retry.js';
import { patchStatus } from '../../k8s/status.js';
import type { OperatorContext } from '../types.js';
import type { StatusWrite } from './apply.js';

const DEVICES = resourceOfKind(TeamsDeviceKind);

/** A withdrawn claim is decided again after this long plus up to as much again at random. */
export const CLAIM_RETRY_MS = 2_000;

/** The random delay before a withdrawn claim is decided again. */
export function claimRetryAfterMs(random: () => number = Math.random): number {
  return CLAIM_RETRY_MS + Math.floor(random() * CLAIM_RETRY_MS);
}

/** Whether a written status starts an update: a new command (not a resend) whose claim was written. */
export function isNewClaim(write: StatusWrite): boolean {
  const send = write.decision.send;
  return !!send && !send.resend && write.patched;
}

/** How long the claim check waits for the device cache to catch up before it lists instead. */
const CACHE_WAIT_MS = 5_000;

function countInFlight(devices: readonly TeamsDevice[]): number {
  return devices.filter((device) => isInFlight(device.status?.update)).length;
}

export class ClaimCheck {
  constructor(private readonly ctx: Pick<OperatorContext, 'client' | 'informers'>) {}

  /**
   * The updates in flight in `namespace` (this claim included) as of the claim's write or later: from the
   * device cache once it has caught up with the claim's resourceVersion (watch events come in order, so it
   * then holds every claim written before), else from a fresh list.
   */
  async inFlight(namespace: string, claimed: TeamsDevice, signal: AbortSignal): Promise<number> {
    const devices = this.ctx.informers.devices;
    const rv = claimed.metadata.resourceVersion;
    if (await devices.waitForResourceVersion(rv, CACHE_WAIT_MS, signal))
      return countInFlight(devices.list(namespace));
    const list = await this.ctx.client.list<TeamsDevice>(resourcePath(DEVICES, { namespace }), {}, signal);
    return countInFlight(list.items);
  }

  /**
   * Writes `waiting` (the decision without a slot) over the claimed object, locked on its resourceVersion.
   * When the device changed since the claim (409), the live object is read: while it still holds this claim
   * unsent, the withdrawal is written over it; otherwise someone else moved it on and nothing is written.
   * Returns the object the API server holds after the withdrawal, undefined when nothing was written.
   */
  async withdraw(
    claimed: TeamsDevice,
    waiting: NonNullable<TeamsDevice['status']>,
    signal: AbortSignal,
  ): Promise<TeamsDevice | undefined> {
    const commandId = claimed.status?.update?.commandId;
    return retryOnConflict(async (attempt) => {
      const { namespace, name } = claimed.metadata;
      const device =
        attempt === 1 ? claimed : await readDevice(this.ctx.client, namespace, name ?? '', signal);
      const update = device?.status?.update;
      if (!device || update?.commandId !== commandId || update?.state !== 'Sent') return undefined;
      const { object } = await patchStatus(this.ctx.client, device, waiting, {
        optimisticLock: true,
        signal,
      });
      return object;
    });
  }
}

/** The device as the API server has it now; undefined when it is gone. */
export async function readDevice(
  client: OperatorContext['client'],
  namespace: string | undefined,
  name: string,
  signal: AbortSignal,
): Promise<TeamsDevice | undefined> {
  try {
    return await client.get<TeamsDevice>(resourcePath(DEVICES, { namespace, name }), signal);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}
