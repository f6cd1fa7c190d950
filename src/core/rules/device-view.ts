import { SIM_ANNOTATIONS } from '../../api/v1alpha1/annotations.js';
import { deviceIdOf } from '../../api/v1alpha1/keys.js';
import type { Component, DeviceType, Phase, TeamsDevice } from '../../api/v1alpha1/teamsdevice.js';
import type { UpdatePolicy, UpdatePolicySpec } from '../../api/v1alpha1/updatepolicy.js';
import { nonEmpty } from '../shared/text.js';
import { identityKey } from './applicability.js';
import { effectiveZone, namespaceOf, type PolicyIndex, policyFor, windowRules } from './policies.js';
import type { WindowRules } from './windows.js';

export type RunningVersions = Record<Component, string | null>;

/** What the rules need to know about a device: its identity, what it runs, and what it can do. */
export interface DeviceFacts {
  namespace: string;
  name: string;
  /** Identity on MQTT and input of the spread hash: spec.deviceId, else metadata.name. */
  deviceId: string;
  type: DeviceType;
  manufacturer: string;
  model: string;
  /** (type, manufacturer, model) as one key, for catalog lookups. */
  identityKey: string;
  phase: Phase;
  /** Running versions; null when the device has not reported one. */
  running: RunningVersions;
  autoUpdateSupported: boolean;
}

/** DeviceFacts plus the policy that governs the device and its zone. */
export interface DeviceView extends DeviceFacts {
  policy: UpdatePolicySpec;
  zone: string;
  rules: WindowRules;
}

/**
 * Running versions and capability: each field from status.reported when the device has reported it, else
 * from the simulator annotations (sim.teamsdevices.io/*). auto-update-supported is "true"/"false"; absent
 * (or anything but "false") means supported.
 */
export function runningState(device: Pick<TeamsDevice, 'metadata' | 'status'>): {
  running: RunningVersions;
  autoUpdateSupported: boolean;
} {
  const reported = device.status?.reported;
  const annotations = device.metadata.annotations ?? {};
  const annotatedSupport = annotations[SIM_ANNOTATIONS.autoUpdateSupported];
  return {
    running: {
      Firmware: nonEmpty(reported?.firmwareVersion) ?? nonEmpty(annotations[SIM_ANNOTATIONS.firmwareVersion]),
      TeamsApp: nonEmpty(reported?.teamsAppVersion) ?? nonEmpty(annotations[SIM_ANNOTATIONS.teamsAppVersion]),
    },
    autoUpdateSupported: reported?.autoUpdateSupported ?? annotatedSupport?.trim().toLowerCase() !== 'false',
  };
}

export function deviceFacts(device: TeamsDevice): DeviceFacts {
  return {
    namespace: namespaceOf(device.metadata),
    name: device.metadata.name,
    deviceId: deviceIdOf(device),
    type: device.spec.type,
    manufacturer: device.spec.manufacturer,
    model: device.spec.model,
    identityKey: identityKey(device.spec),
    phase: device.spec.firmwareAutoUpdate.phase,
    ...runningState(device),
  };
}

/** The device with the policy that governs it (policyFor) and its effective zone. */
export function deviceView(device: TeamsDevice, policies: readonly UpdatePolicy[] | PolicyIndex): DeviceView {
  const policy = policyFor(device, policies);
  const zone = effectiveZone(device.spec, policy);
  return { ...deviceFacts(device), policy, zone, rules: windowRules(policy, zone) };
}
