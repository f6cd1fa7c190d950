// The seven informers every controller reads from (OperatorInformers of src/controllers/types.ts), one per
// resource, registered with the manager so they start, sync and stop with it. Deployments and ConfigMaps
// are the proxy objects of DeviceProxyPools (ResourceRefs and label selector from the pool controller).
// Every object of the five kinds is decoded on its way into the cache (src/api/v1alpha1/decode.ts): one
// that does not decode is kept out, so no reconcile, indexer or lister ever reads it as typed.

import { decodeObject } from '../api/v1alpha1/decode.js';
import type {
  DeviceProxyPool,
  FirmwareRelease,
  TeamsDevice,
  UpdatePlan,
  UpdatePolicy,
} from '../api/v1alpha1/index.js';
import { modelKey } from '../api/v1alpha1/keys.js';
import { CONFIG_MAPS, DEPLOYMENTS, PROXY_LABEL_SELECTOR } from '../controllers/pool/objects.js';
import { DEVICE_MODEL_INDEX, type OperatorInformers, type PlainObject } from '../controllers/types.js';
import type { KubeObject } from '../k8s/object.js';
import type { ResourceRef } from '../k8s/resource.js';
import { TEAMS_RESOURCES } from '../k8s/resource.js';
import { dropManagedFields, type InformerOptions, StringInterner } from '../runtime/informer.js';
import type { Manager } from '../runtime/manager.js';

function teamsResource(kind: string): ResourceRef {
  const ref = TEAMS_RESOURCES[kind];
  if (!ref) throw new Error(`no resource for kind ${kind}`);
  return ref;
}

/** The informer of one of the five kinds, decoding what it caches. */
function teamsInformer<T extends KubeObject & { spec?: unknown; status?: unknown }>(
  manager: Manager,
  kind: string,
  options: Omit<InformerOptions<T>, 'client' | 'resource' | 'decode'> = {},
) {
  return manager.informer<T>(teamsResource(kind), {
    ...options,
    decode: (obj) => decodeObject(kind, obj),
  });
}

export function createInformers(manager: Manager): OperatorInformers {
  const interner = new StringInterner();
  return {
    devices: teamsInformer<TeamsDevice>(manager, 'TeamsDevice', {
      // Thousands of devices: their many equal strings (conditions, versions, zones) shared, not repeated.
      transform: (device) => {
        const cached = dropManagedFields(device);
        interner.intern(cached.spec);
        interner.intern(cached.status);
        return cached;
      },
      indexers: {
        [DEVICE_MODEL_INDEX]: (device) => [modelKey(device.spec.manufacturer, device.spec.model)],
      },
    }),
    releases: teamsInformer<FirmwareRelease>(manager, 'FirmwareRelease'),
    plans: teamsInformer<UpdatePlan>(manager, 'UpdatePlan'),
    policies: teamsInformer<UpdatePolicy>(manager, 'UpdatePolicy'),
    pools: teamsInformer<DeviceProxyPool>(manager, 'DeviceProxyPool'),
    // Only the proxy objects the pool controller writes, not every Deployment and ConfigMap of the cluster.
    deployments: manager.informer<PlainObject>(DEPLOYMENTS, { labelSelector: PROXY_LABEL_SELECTOR }),
    configMaps: manager.informer<PlainObject>(CONFIG_MAPS, { labelSelector: PROXY_LABEL_SELECTOR }),
  };
}
