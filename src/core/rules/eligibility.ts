import type { FirmwareRelease } from '../../api/v1alpha1/firmwarerelease.js';
import { BlockedReason } from '../../api/v1alpha1/reasons.js';
import type { Component } from '../../api/v1alpha1/teamsdevice.js';
import type { UpdatePolicySpec } from '../../api/v1alpha1/updatepolicy.js';
import type { Catalog } from './catalog.js';
import type { DeviceView } from './device-view.js';
import { remoteUpdatesAvailable, windowRules } from './policies.js';
import { firmwareVerification } from './verification.js';
import { isAllowed, isValidZone } from './windows.js';

/** Reasons the core gives beyond BlockedReason. */

/** Why an update will not happen. */
export type Reason = BlockedReason;

/**
 * Why no automatic update of a component can happen on this device, whatever the release; null when the
 * device itself allows automatic updates of it. The first that applies wins:
 *  - RemoteUpdateUnavailable: the policy's cloud is GCCHigh (rule 10);
 *  - VersionUnknown: the device has not reported a version of the component;
 *  - ManualOnly: the Teams app is only updated by UpdatePlans (rule 12);
 *  - NotSupported: the device reports autoUpdateSupported false (rule 3);
 *  - UnknownFirmware: the running firmware is not a Verified release for it (rule 2);
 *  - InvalidTimeZone / InvalidPolicy: the windows cannot be evaluated in its zone (windowsProblem).
 */
export function deviceAutoBlock(device: DeviceView, component: Component, catalog: Catalog): Reason | null {
  if (!remoteUpdatesAvailable(device.policy)) return BlockedReason.RemoteUpdateUnavailable;
  if (device.running[component] === null) return BlockedReason.VersionUnknown;
  if (component === 'TeamsApp') return BlockedReason.ManualOnly;
  if (!device.autoUpdateSupported) return BlockedReason.NotSupported;
  if (firmwareVerification(device, catalog) !== 'Verified') return BlockedReason.UnknownFirmware;
  return windowsProblem(device.policy, device.zone);
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

/** Why a release is not rolled out automatically in a namespace: paused, or halted there; else null. */
export function releaseAutoBlock(
  release: Pick<FirmwareRelease, 'spec' | 'status'>,
  namespace: string,
): typeof BlockedReason.ReleasePaused | typeof BlockedReason.ReleaseHalted | null {
  if (release.spec.paused) return BlockedReason.ReleasePaused;
  if (isHaltedIn(release, namespace)) return BlockedReason.ReleaseHalted;
  return null;
}
