import type { FirmwareRelease } from '../../api/v1alpha1/firmwarerelease.js';
import { BlockedReason } from '../../api/v1alpha1/reasons.js';
import type { Component } from '../../api/v1alpha1/teamsdevice.js';
import type { UpdatePolicySpec } from '../../api/v1alpha1/updatepolicy.js';
import type { Catalog } from './catalog.js';
import type { DeviceView } from './device-view.js';
import { remoteUpdatesAvailable, windowRules } from './policies.js';
import { firmwareVerification } from './verification.js';
import { isAllowed, isValidZone } from './windows.js';

/** Why an update will not happen. */
export type Reason = BlockedReason;

/**
 * One named check of the automatic-update chain: the reason it blocks with, or null when it lets the update
 * through. `rule` is the rule of src/core/rules/README.md it enforces, when it enforces one.
 */
export interface Check<Input> {
  name: string;
  rule?: number;
  blocks(input: Input): Reason | null;
}

/** What the device checks read: the device, the component to update, the releases. */
export interface DeviceCheckInput {
  device: DeviceView;
  component: Component;
  catalog: Catalog;
}

/**
 * Whether the device itself allows automatic updates of a component, whatever the release, in order: the
 * first check that blocks gives the reason. A new rule is one entry here and one row in the README's table.
 */
export const DEVICE_AUTO_CHECKS: readonly Check<DeviceCheckInput>[] = [
  {
    name: 'remote updates available',
    rule: 10,
    blocks: ({ device }) =>
      remoteUpdatesAvailable(device.policy) ? null : BlockedReason.RemoteUpdateUnavailable,
  },
  {
    name: 'version reported',
    blocks: ({ device, component }) =>
      device.running[component] === null ? BlockedReason.VersionUnknown : null,
  },
  {
    name: 'firmware only',
    rule: 12,
    blocks: ({ component }) => (component === 'TeamsApp' ? BlockedReason.ManualOnly : null),
  },
  {
    name: 'auto-update supported',
    rule: 3,
    blocks: ({ device }) => (device.autoUpdateSupported ? null : BlockedReason.NotSupported),
  },
  {
    name: 'firmware known',
    rule: 2,
    blocks: ({ device, catalog }) =>
      firmwareVerification(device, catalog) === 'Verified' ? null : BlockedReason.UnknownFirmware,
  },
  {
    name: 'windows readable',
    rule: 7,
    blocks: ({ device }) => windowsProblem(device.policy, device.zone),
  },
];

/** The reason of the first check of `checks` that blocks `input`; null when none does. */
export function firstBlock<Input>(checks: readonly Check<Input>[], input: Input): Reason | null {
  for (const check of checks) {
    const reason = check.blocks(input);
    if (reason !== null) return reason;
  }
  return null;
}

/**
 * Why no automatic update of a component can happen on this device, whatever the release; null when the
 * device itself allows automatic updates of it (DEVICE_AUTO_CHECKS, first that blocks wins).
 */
export function deviceAutoBlock(device: DeviceView, component: Component, catalog: Catalog): Reason | null {
  return firstBlock(DEVICE_AUTO_CHECKS, { device, component, catalog });
}

const windowChecks = new WeakMap<UpdatePolicySpec, Map<string, Reason | null>>();

/**
 * Why the windows of a policy cannot be evaluated in a zone: InvalidTimeZone for a zone the IANA database
 * does not know, InvalidPolicy for business hours or blackouts that do not parse (the CRD schema prevents
 * those; YAML read by `preview` may not). Null when they can. Remembered per (policy object, zone).
 */
export function windowsProblem(policy: UpdatePolicySpec, zone: string): Reason | null {
  if (!isValidZone(zone)) return BlockedReason.InvalidTimeZone;
  let byZone = windowChecks.get(policy);
  if (!byZone) {
    byZone = new Map();
    windowChecks.set(policy, byZone);
  }
  let problem = byZone.get(zone);
  if (problem === undefined) {
    try {
      isAllowed(new Date(0), windowRules(policy, zone));
      problem = null;
    } catch {
      problem = BlockedReason.InvalidPolicy;
    }
    byZone.set(zone, problem);
  }
  return problem;
}

export function isHaltedIn(release: Pick<FirmwareRelease, 'status'>, namespace: string): boolean {
  return release.status?.halted?.some((h) => h.namespace === namespace) ?? false;
}

/** What the release checks read: the release and the namespace of the device. */
export interface ReleaseCheckInput {
  release: Pick<FirmwareRelease, 'spec' | 'status'>;
  namespace: string;
}

/** Whether a release is rolled out automatically in a namespace, in order (first that blocks wins). */
export const RELEASE_AUTO_CHECKS: readonly Check<ReleaseCheckInput>[] = [
  {
    name: 'release not paused',
    blocks: ({ release }) => (release.spec.paused ? BlockedReason.ReleasePaused : null),
  },
  {
    name: 'rollout not halted',
    blocks: ({ release, namespace }) => (isHaltedIn(release, namespace) ? BlockedReason.ReleaseHalted : null),
  },
];

/** Why a release is not rolled out automatically in a namespace: paused, or halted there; else null. */
export function releaseAutoBlock(
  release: Pick<FirmwareRelease, 'spec' | 'status'>,
  namespace: string,
): typeof BlockedReason.ReleasePaused | typeof BlockedReason.ReleaseHalted | null {
  return firstBlock(RELEASE_AUTO_CHECKS, { release, namespace }) as
    | typeof BlockedReason.ReleasePaused
    | typeof BlockedReason.ReleaseHalted
    | null;
}
