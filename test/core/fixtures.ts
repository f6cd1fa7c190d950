// Builders of defaulted API objects (as the API server returns them) for the tests of src/core.
import type { FirmwareRelease } from '../../src/api/v1alpha1/firmwarerelease.js';
import type {
  Component,
  DeviceType,
  License,
  Phase,
  TeamsDevice,
  TeamsDeviceStatus,
} from '../../src/api/v1alpha1/teamsdevice.js';
import type { UpdatePlan, UpdatePlanSpec } from '../../src/api/v1alpha1/updateplan.js';
import type { UpdatePolicy, UpdatePolicySpec } from '../../src/api/v1alpha1/updatepolicy.js';
import { buildCatalog, type Catalog } from '../../src/core/rules/catalog.js';
import { type DeviceView, deviceView } from '../../src/core/rules/device-view.js';
import { DEFAULT_UPDATE_POLICY_SPEC } from '../../src/core/rules/policies.js';

export const API = 'teamsdevices.io/v1alpha1' as const;
export const SHA = 'a'.repeat(64);

export interface DeviceOptions {
  name?: string;
  namespace?: string;
  deviceId?: string;
  type?: DeviceType;
  manufacturer?: string;
  model?: string;
  license?: License;
  phase?: Phase;
  timeZone?: string;
  policy?: string;
  labels?: Record<string, string>;
  firmware?: string | null;
  teamsApp?: string | null;
  autoUpdateSupported?: boolean;
  /** Put running versions in simulator annotations instead of status.reported. */
  viaAnnotations?: boolean;
}

export function device(o: DeviceOptions = {}): TeamsDevice {
  const firmware = o.firmware === undefined ? '122.15.0.36' : o.firmware;
  const teamsApp = o.teamsApp === undefined ? '1449/1.0.94.2023071702' : o.teamsApp;
  const annotations: Record<string, string> = {};
  let status: TeamsDeviceStatus | undefined;
  if (o.viaAnnotations) {
    if (firmware !== null) annotations['sim.teamsdevices.io/firmware-version'] = firmware;
    if (teamsApp !== null) annotations['sim.teamsdevices.io/teams-app-version'] = teamsApp;
    if (o.autoUpdateSupported !== undefined) {
      annotations['sim.teamsdevices.io/auto-update-supported'] = String(o.autoUpdateSupported);
    }
  } else {
    status = {
      reported: {
        manufacturer: o.manufacturer ?? 'Yealink',
        model: o.model ?? 'MP56',
        ...(firmware !== null ? { firmwareVersion: firmware } : {}),
        ...(teamsApp !== null ? { teamsAppVersion: teamsApp } : {}),
        autoUpdateSupported: o.autoUpdateSupported ?? true,
      },
    };
  }
  return {
    apiVersion: API,
    kind: 'TeamsDevice',
    metadata: {
      name: o.name ?? 'phone-1',
      namespace: o.namespace ?? 'berlin',
      ...(o.labels ? { labels: o.labels } : {}),
      ...(Object.keys(annotations).length ? { annotations } : {}),
    },
    spec: {
      ...(o.deviceId ? { deviceId: o.deviceId } : {}),
      type: o.type ?? 'Phone',
      manufacturer: o.manufacturer ?? 'Yealink',
      model: o.model ?? 'MP56',
      license: o.license ?? 'Basic',
      firmwareAutoUpdate: { phase: o.phase ?? 'General' },
      ...(o.timeZone ? { timeZone: o.timeZone } : {}),
      proxyPool: 'default',
      policy: o.policy ?? 'default',
    },
    ...(status ? { status } : {}),
  };
}

export interface ReleaseOptions {
  name?: string;
  component?: Component;
  version?: string;
  releaseDate?: string;
  verification?: 'Verified' | 'Unknown';
  manufacturer?: string;
  models?: string[];
  deviceTypes?: DeviceType[];
  paused?: boolean;
  haltedIn?: string[];
}

export function release(o: ReleaseOptions = {}): FirmwareRelease {
  const component = o.component ?? 'Firmware';
  const version = o.version ?? '122.15.0.40';
  const verification = o.verification ?? 'Verified';
  const appliesTo =
    component === 'Firmware'
      ? {
          manufacturer: o.manufacturer ?? 'Yealink',
          models: o.models ?? ['MP56', 'MP58'],
          ...(o.deviceTypes ? { deviceTypes: o.deviceTypes } : {}),
        }
      : {
          ...(o.manufacturer ? { manufacturer: o.manufacturer } : {}),
          ...(o.models ? { models: o.models } : {}),
          ...(o.deviceTypes ? { deviceTypes: o.deviceTypes } : {}),
        };
  return {
    apiVersion: API,
    kind: 'FirmwareRelease',
    metadata: {
      name:
        o.name ??
        `${component === 'Firmware' ? 'yealink-mp56' : 'teams-app'}-${version.replace(/[^a-z0-9.-]/gi, '-')}`,
    },
    spec: {
      component,
      version,
      releaseDate: o.releaseDate ?? '2026-11-02T00:00:00Z',
      verification,
      appliesTo,
      ...(verification === 'Verified'
        ? { artifact: { url: `https://firmware.example.com/${version}.rom`, sha256: SHA, sizeBytes: 1000 } }
        : {}),
      paused: o.paused ?? false,
    },
    ...(o.haltedIn
      ? {
          status: {
            halted: o.haltedIn.map((namespace) => ({ namespace, reason: 'FailureThresholdExceeded' })),
          },
        }
      : {}),
  };
}

export function policySpec(overrides: Partial<UpdatePolicySpec> = {}): UpdatePolicySpec {
  return { ...structuredClone(DEFAULT_UPDATE_POLICY_SPEC), ...overrides };
}

export function policy(
  overrides: Partial<UpdatePolicySpec> = {},
  meta: { name?: string; namespace?: string } = {},
): UpdatePolicy {
  return {
    apiVersion: API,
    kind: 'UpdatePolicy',
    metadata: { name: meta.name ?? 'default', namespace: meta.namespace ?? 'berlin' },
    spec: policySpec(overrides),
  };
}

export function plan(
  name: string,
  spec: Partial<UpdatePlanSpec> & Pick<UpdatePlanSpec, 'devices'>,
  namespace = 'berlin',
): UpdatePlan {
  return {
    apiVersion: API,
    kind: 'UpdatePlan',
    metadata: { name, namespace },
    spec: { updates: [{ component: 'Firmware' }], suspend: false, ...spec },
  };
}

/** A device view under one policy (default: the DEFAULT policy with the overrides). */
export function view(o: DeviceOptions = {}, overrides: Partial<UpdatePolicySpec> = {}): DeviceView {
  const d = device(o);
  return deviceView(d, [policy(overrides, { name: d.spec.policy, namespace: d.metadata.namespace })]);
}

export function catalog(...releases: FirmwareRelease[]): Catalog {
  return buildCatalog(releases);
}

export const at = (iso: string) => new Date(iso);
export const DAY = 86_400_000;
export const plusDays = (iso: string, days: number) => new Date(Date.parse(iso) + days * DAY);
