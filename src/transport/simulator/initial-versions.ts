import { SIM_ANNOTATIONS } from '../../api/v1alpha1/annotations.js';
import type { FirmwareRelease } from '../../api/v1alpha1/firmwarerelease.js';
import type { Component, TeamsDevice } from '../../api/v1alpha1/teamsdevice.js';
import { buildCatalog, Catalog } from '../../core/rules/catalog.js';
import { nonEmpty } from '../../core/shared/text.js';
import type { SimulatedDeviceInit } from './device.js';

function annotatedSupport(value: string | undefined): boolean | null {
  const v = value?.trim().toLowerCase();
  return v === 'true' ? true : v === 'false' ? false : null;
}

/**
 * What a simulated device starts from, field by field: the simulator annotations of its
 * TeamsDevice when present; else what the device last reported (status.reported), so a simulator restarted
 * against the same cluster carries on where its devices were; else the oldest Verified release of that
 * component that applies to the device; else null (the device reports no version). autoUpdateSupported:
 * annotation "true"/"false", else reported, else true. Manufacturer and model come from the spec.
 */
export function initialVersionsFor(
  device: Pick<TeamsDevice, 'metadata' | 'spec' | 'status'>,
  releases: readonly FirmwareRelease[] | Catalog,
): SimulatedDeviceInit {
  const catalog = releases instanceof Catalog ? releases : buildCatalog(releases);
  const annotations = device.metadata.annotations ?? {};
  const reported = device.status?.reported;
  const oldestVerified = (component: Component): string | null =>
    catalog.verified(device.spec, component).at(-1)?.spec.version ?? null;
  return {
    manufacturer: device.spec.manufacturer,
    model: device.spec.model,
    firmwareVersion:
      nonEmpty(annotations[SIM_ANNOTATIONS.firmwareVersion]) ??
      nonEmpty(reported?.firmwareVersion) ??
      oldestVerified('Firmware'),
    teamsAppVersion:
      nonEmpty(annotations[SIM_ANNOTATIONS.teamsAppVersion]) ??
      nonEmpty(reported?.teamsAppVersion) ??
      oldestVerified('TeamsApp'),
    autoUpdateSupported:
      annotatedSupport(annotations[SIM_ANNOTATIONS.autoUpdateSupported]) ??
      reported?.autoUpdateSupported ??
      true,
    online: true,
  };
}
