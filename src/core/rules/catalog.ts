import type { FirmwareRelease } from '../../api/v1alpha1/firmwarerelease.js';
import type { Component } from '../../api/v1alpha1/teamsdevice.js';
import { type DeviceIdentity, identityKey, releaseAppliesTo } from './applicability.js';
import { compareVersions, isNewer } from './versions.js';

type PerComponent = Record<Component, readonly FirmwareRelease[]>;
interface Lists {
  applicable: PerComponent;
  verified: PerComponent;
}

/**
 * The FirmwareReleases of the cluster, indexed for the rules: per component, newest first, and the releases
 * that apply to a (type, manufacturer, model) memoized, so a fleet of thousands of devices of a few models
 * costs a few lookups. Build one per snapshot of releases; it never changes afterwards.
 */
export class Catalog {
  readonly releases: readonly FirmwareRelease[];
  private readonly byComponent: Record<Component, FirmwareRelease[]>;
  private readonly cache = new Map<string, Lists>();

  constructor(releases: readonly FirmwareRelease[]) {
    this.releases = releases;
    const newestFirst = [...releases].sort(
      (a, b) =>
        compareVersions(b.spec.version, a.spec.version) || a.metadata.name.localeCompare(b.metadata.name),
    );
    this.byComponent = {
      Firmware: newestFirst.filter((r) => r.spec.component === 'Firmware'),
      TeamsApp: newestFirst.filter((r) => r.spec.component === 'TeamsApp'),
    };
  }

  private lists(device: DeviceIdentity): Lists {
    const key = identityKey(device);
    let hit = this.cache.get(key);
    if (!hit) {
      const applicable = (component: Component) =>
        this.byComponent[component].filter((r) => releaseAppliesTo(r, device));
      const all = { Firmware: applicable('Firmware'), TeamsApp: applicable('TeamsApp') };
      const verified = (component: Component) =>
        all[component].filter((r) => r.spec.verification === 'Verified');
      hit = { applicable: all, verified: { Firmware: verified('Firmware'), TeamsApp: verified('TeamsApp') } };
      this.cache.set(key, hit);
    }
    return hit;
  }

  /** Releases of a component that apply to the device, Verified or not, newest first. */
  applicable(device: DeviceIdentity, component: Component): readonly FirmwareRelease[] {
    return this.lists(device).applicable[component];
  }

  /** Verified releases of a component that apply to the device, newest first (the only ones ever installed). */
  verified(device: DeviceIdentity, component: Component): readonly FirmwareRelease[] {
    return this.lists(device).verified[component];
  }

  /**
   * Verified applicable releases newer than `running`, newest first; every Verified applicable release when
   * the running version is unknown (null).
   */
  newerVerified(device: DeviceIdentity, component: Component, running: string | null): FirmwareRelease[] {
    const all = this.verified(device, component);
    if (running === null) return [...all];
    const out: FirmwareRelease[] = [];
    for (const r of all) {
      if (!isNewer(r.spec.version, running)) break;
      out.push(r);
    }
    return out;
  }
}

export function buildCatalog(releases: readonly FirmwareRelease[]): Catalog {
  return new Catalog(releases);
}
