import type { Verification } from '../../api/v1alpha1/teamsdevice.js';
import type { DeviceIdentity } from './applicability.js';
import type { Catalog } from './catalog.js';
import type { DeviceFacts } from './device-view.js';
import { sameVersion } from './versions.js';

/**
 * status.firmwareVerification: Verified when the running firmware is the version of a Verified Firmware
 * release that applies to the device; Unknown otherwise: a version the catalog only lists as Unknown, a
 * version absent from the catalog, a Verified version of another model, or no reported version at all.
 */
export function firmwareVerification(
  device: DeviceIdentity & Pick<DeviceFacts, 'running'>,
  catalog: Catalog,
): Verification {
  const running = device.running.Firmware;
  if (running === null) return 'Unknown';
  return catalog.verified(device, 'Firmware').some((r) => sameVersion(r.spec.version, running))
    ? 'Verified'
    : 'Unknown';
}
