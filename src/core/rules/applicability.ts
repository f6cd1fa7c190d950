import type { FirmwareRelease } from '../../api/v1alpha1/firmwarerelease.js';
import { modelKey } from '../../api/v1alpha1/keys.js';
import type { DeviceType } from '../../api/v1alpha1/teamsdevice.js';

/** The fields of a device that decide which releases apply to it (DeviceFacts has them, and TeamsDevice spec). */
export type DeviceIdentity = {
  type: DeviceType;
  manufacturer: string;
  model: string;
  /** identityKey of these fields, when already computed (DeviceFacts carries it). */
  identityKey?: string;
};

/** One string for (type, manufacturer, model), case-insensitive where applicability is. */
export function identityKey(device: DeviceIdentity): string {
  return device.identityKey ?? `${device.type}\u0000${modelKey(device.manufacturer, device.model)}`;
}

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * Whether a release applies to a device. Every filter the release names must match, and a filter it does not
 * name (or names empty) matches every device: manufacturer and models compare case-insensitively, deviceTypes
 * exactly. Firmware releases always name manufacturer and models (the CRD requires it); a Teams app release
 * usually names deviceTypes alone, or nothing to apply to every device. The component is not checked here.
 */
export function releaseAppliesTo(release: Pick<FirmwareRelease, 'spec'>, device: DeviceIdentity): boolean {
  const { manufacturer, deviceTypes } = release.spec.appliesTo ?? {};
  // stringSet is typed unknown[] by the schema kit; the CRD makes it a list of strings.
  const models = release.spec.appliesTo?.models as readonly string[] | undefined;
  if (manufacturer !== undefined && !same(manufacturer, device.manufacturer)) return false;
  if (models && models.length > 0 && !models.some((m) => same(m, device.model))) return false;
  if (deviceTypes && deviceTypes.length > 0 && !deviceTypes.includes(device.type)) return false;
  return true;
}
