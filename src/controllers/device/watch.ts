// What wakes a TeamsDevice: its own changes; a release change (every device: releases are few, and their
// spec or halted namespaces change what every device may get); a policy or plan spec change (the devices of
// that namespace, the plan's before and after selection); a state message or command event from the device
// (subscribed by the executor).
import {
  type FirmwareRelease,
  objectKey,
  type TeamsDevice,
  type UpdatePlan,
  type UpdatePolicy,
} from '../../api/v1alpha1/index.js';
import { selectPlanDevices } from '../../core/rules/manual.js';
import { namespaceOf } from '../../core/rules/policies.js';
import { jsonEqual } from '../../k8s/json.js';
import type { Enqueue, OperatorInformers } from '../types.js';
import type { UpdateExecutor } from './executor.js';

/** Whether the spec (or, for releases, what the rules read of the status) changed. */
function specChanged<T extends { metadata: { generation?: number }; spec: unknown }>(a: T, b: T): boolean {
  const { generation: ga } = a.metadata;
  const { generation: gb } = b.metadata;
  if (ga !== undefined && gb !== undefined) return ga !== gb;
  return !jsonEqual(a.spec, b.spec);
}

function releaseChanged(a: FirmwareRelease, b: FirmwareRelease): boolean {
  return specChanged(a, b) || !jsonEqual(a.status?.halted ?? [], b.status?.halted ?? []);
}

export function watchDevices(
  informers: OperatorInformers,
  executor: UpdateExecutor,
  enqueue: Enqueue,
  /** Whether an update is only the echo of this controller's own status write (nothing to decide again). */
  ownWrite: (key: string, old: TeamsDevice, device: TeamsDevice) => boolean = () => false,
): void {
  const keyOf = (device: TeamsDevice) => objectKey(device);
  informers.devices.addEventHandler({
    add: (device) => enqueue(keyOf(device)),
    update: (old, device) => {
      const key = keyOf(device);
      if (!ownWrite(key, old, device)) enqueue(key);
    },
    delete: (device) => enqueue(keyOf(device)),
  });

  const everyDevice = () => {
    for (const key of informers.devices.keys()) enqueue(key);
  };
  informers.releases.addEventHandler({
    add: everyDevice,
    update: (old, release) => {
      if (releaseChanged(old, release)) everyDevice();
    },
    delete: everyDevice,
  });

  const namespaceDevices = (namespace: string) => {
    for (const device of informers.devices.list(namespace)) enqueue(keyOf(device));
  };
  informers.policies.addEventHandler({
    add: (policy: UpdatePolicy) => namespaceDevices(namespaceOf(policy.metadata)),
    update: (old, policy) => {
      if (specChanged(old, policy)) namespaceDevices(namespaceOf(policy.metadata));
    },
    delete: (policy) => namespaceDevices(namespaceOf(policy.metadata)),
  });

  const selectedBy = (...plans: UpdatePlan[]) => {
    const keys = new Set<string>();
    for (const plan of plans) {
      const devices = informers.devices.list(namespaceOf(plan.metadata));
      for (const device of selectPlanDevices(plan, devices).selected) keys.add(keyOf(device));
    }
    for (const key of keys) enqueue(key);
  };
  informers.plans.addEventHandler({
    add: (plan) => selectedBy(plan),
    update: (old, plan) => {
      if (specChanged(old, plan)) selectedBy(old, plan);
    },
    delete: (plan) => selectedBy(plan),
  });

  executor.attach((key) => enqueue(key));
}
