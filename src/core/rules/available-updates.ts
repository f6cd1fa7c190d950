import { type AvailableUpdate, COMPONENTS } from '../../api/v1alpha1/teamsdevice.js';
import { toIsoSeconds } from '../shared/instant.js';
import { automaticTime } from './automatic.js';
import type { Catalog } from './catalog.js';
import type { DeviceView } from './device-view.js';
import { deviceAutoBlock, releaseAutoBlock } from './eligibility.js';

/**
 * TeamsDevice status.availableUpdates: for each component (Firmware first), the newest Verified release that
 * applies to the device and is newer than what it runs ("New version"; any Verified applicable release when
 * the device has not reported a version). Every field of a row describes that newest release: autoUpdateAt
 * is when it will be installed automatically (rule 5: "the next one and when it will come"), or null with
 * blockedReason saying why it will not be. A component with nothing newer has no row.
 */
export function availableUpdates(device: DeviceView, catalog: Catalog, now: Date): AvailableUpdate[] {
  const rows: AvailableUpdate[] = [];
  for (const component of COMPONENTS) {
    const currentVersion = device.running[component];
    const newest = catalog.newerVerified(device, component, currentVersion)[0];
    if (!newest) continue;
    const blockedReason =
      deviceAutoBlock(device, component, catalog) ?? releaseAutoBlock(newest, device.namespace);
    const at = blockedReason ? null : automaticTime(device, newest, catalog, now);
    rows.push({
      component,
      currentVersion,
      newVersion: newest.spec.version,
      release: newest.metadata.name,
      autoUpdateAt: at ? toIsoSeconds(at) : null,
      blockedReason,
    });
  }
  return rows;
}
