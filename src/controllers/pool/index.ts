// The DeviceProxyPool controller: runs each pool as a Deployment of device proxies (tdo-proxy-<pool>) and a
// ConfigMap listing its devices (tdo-proxy-<pool>-devices: devices.json and simulator.json), both with a
// controller ownerReference to the pool, so deleting the pool deletes them (the API server's garbage
// collector does it; there is no finalizer). They are written with server-side apply, only when the cached
// object lacks something the pool wants. An object of that name controlled by something else is left alone
// and reported in the Ready condition. Status: readyReplicas from the Deployment, the number of devices.
import {
  type DeviceProxyPool,
  namespacedKey,
  PoolReason,
  type TeamsDevice,
} from '../../api/v1alpha1/index.js';
import { decidePoolStatus, poolDevice, poolDevices, poolOf } from '../../core/pool/decide.js';
import { namespaceOf } from '../../core/rules/policies.js';
import { controllerOf } from '../../k8s/owner.js';
import type { ResourceRef } from '../../k8s/resource.js';
import type { ReconcileContext, Reconciler } from '../../runtime/controller.js';
import { enqueueHandlers, type Informer } from '../../runtime/informer.js';
import { applyStatus } from '../apply-status.js';
import {
  AGGREGATE_DEBOUNCE_MS,
  type ControllerFactory,
  type Enqueue,
  type OperatorContext,
  type PlainObject,
} from '../types.js';
import { containsAll, serverSideApply } from './apply.js';
import {
  CONFIG_MAPS,
  DEPLOYMENTS,
  desiredConfigMap,
  desiredDeployment,
  LABELS,
  PROXY_COMPONENT,
  poolOfObjectName,
} from './objects.js';

export const POOL_CONTROLLER = 'deviceproxypool';

const keyOf = (pool: DeviceProxyPool) => namespacedKey(namespaceOf(pool.metadata), pool.metadata.name);

interface Owned {
  resource: ResourceRef;
  informer: Informer<PlainObject>;
  desired: PlainObject;
}

type Outcome = { object: PlainObject | undefined; wrote: PoolReason | null; problem?: string };

/** Applies one owned object when it differs; leaves alone (with a problem) one controlled by someone else. */
async function ensure(
  ctx: OperatorContext,
  pool: DeviceProxyPool,
  owned: Owned,
  rc: ReconcileContext,
): Promise<Outcome> {
  const { name, namespace } = owned.desired.metadata ?? {};
  const live = owned.informer.get(name ?? '', namespace);
  if (live) {
    const controller = controllerOf(live);
    if (controller?.uid !== pool.metadata.uid) {
      // A pool deleted and created again finds its predecessor's objects until the garbage collector is done;
      // their deletion enqueues this pool again.
      const earlier = controller?.kind === 'DeviceProxyPool' && controller.name === pool.metadata.name;
      const problem = earlier
        ? `${owned.resource.kind} ${name} still belongs to an earlier DeviceProxyPool ${controller.name}: waiting for the garbage collector to delete it`
        : `${owned.resource.kind} ${name} exists and is not controlled by this DeviceProxyPool (${
            controller ? `${controller.kind} ${controller.name}` : 'no controller'
          }): delete it or rename the pool`;
      return { object: live, wrote: null, problem };
    }
    if (containsAll(live, owned.desired)) return { object: live, wrote: null };
  }
  const object = await serverSideApply(ctx.client, owned.resource, owned.desired, rc.signal);
  rc.log.info({ kind: owned.resource.kind, name }, live ? 'proxy object updated' : 'proxy object created');
  return { object, wrote: live ? PoolReason.Updated : PoolReason.Created };
}

function poolReconciler(ctx: OperatorContext): Reconciler {
  const { informers, recorder } = ctx;
  return {
    async reconcile(key, rc) {
      const pool = informers.pools.getByKey(key);
      if (!pool || pool.metadata.deletionTimestamp) return;
      const namespace = namespaceOf(pool.metadata);
      const devices = poolDevices(pool, informers.devices.list(namespace));
      const configMap = await ensure(
        ctx,
        pool,
        { resource: CONFIG_MAPS, informer: informers.configMaps, desired: desiredConfigMap(pool, devices) },
        rc,
      );
      const deployment = await ensure(
        ctx,
        pool,
        {
          resource: DEPLOYMENTS,
          informer: informers.deployments,
          desired: desiredDeployment(pool, ctx.image),
        },
        rc,
      );
      for (const [kind, outcome] of [
        ['ConfigMap', configMap],
        ['Deployment', deployment],
      ] as const) {
        if (!outcome.wrote) continue;
        const name = outcome.object?.metadata?.name;
        await recorder.record(
          pool,
          'Normal',
          outcome.wrote,
          `${outcome.wrote.toLowerCase()} ${kind} ${name}`,
        );
      }
      const problem = [configMap.problem, deployment.problem].filter(Boolean).join('; ') || undefined;
      const status = deployment.problem
        ? undefined
        : (deployment.object?.status as { readyReplicas?: number } | undefined);
      const decision = decidePoolStatus({
        pool,
        devices: devices.length,
        readyReplicas: status?.readyReplicas,
        problem,
        now: ctx.clock.now(),
      });
      return applyStatus(ctx, pool, decision, rc);
    },
  };
}

/** The pool key of a Deployment or ConfigMap of ours: its controller, else its pool label or name. */
function poolKeyOf(obj: PlainObject): string | undefined {
  const namespace = obj.metadata?.namespace;
  if (!namespace) return undefined;
  const controller = controllerOf(obj);
  if (controller?.kind === 'DeviceProxyPool') return namespacedKey(namespace, controller.name);
  const labels = (obj.metadata?.labels ?? {}) as Record<string, string>;
  const labelled = labels[LABELS.pool];
  if (labels[LABELS.component] === PROXY_COMPONENT && labelled) {
    return namespacedKey(namespace, labelled);
  }
  const kind = obj.kind === 'ConfigMap' ? 'ConfigMap' : 'Deployment';
  const pool = poolOfObjectName(kind, obj.metadata?.name ?? '');
  return pool ? namespacedKey(namespace, pool) : undefined;
}

function watchPools(ctx: OperatorContext, enqueue: Enqueue): void {
  const { informers } = ctx;
  informers.pools.addEventHandler({
    add: (pool) => enqueue(keyOf(pool)),
    update: (_old, pool) => enqueue(keyOf(pool)),
  });
  informers.deployments.addEventHandler(enqueueHandlers(enqueue, poolKeyOf));
  informers.configMaps.addEventHandler(enqueueHandlers(enqueue, poolKeyOf));
  const later = (device: TeamsDevice) =>
    enqueue.after(namespacedKey(namespaceOf(device.metadata), poolOf(device)), AGGREGATE_DEBOUNCE_MS);
  // Only what devices.json holds matters: status writes (most device changes) do not.
  const listed = (device: TeamsDevice) =>
    JSON.stringify([namespaceOf(device.metadata), poolOf(device), poolDevice(device)]);
  informers.devices.addEventHandler({
    add: later,
    update: (old, device) => {
      if (listed(old) === listed(device)) return;
      later(old);
      later(device);
    },
    delete: later,
  });
}

export const poolController: ControllerFactory = (ctx) => ({
  name: POOL_CONTROLLER,
  reconciler: poolReconciler(ctx),
  watch: (enqueue) => watchPools(ctx, enqueue),
});
