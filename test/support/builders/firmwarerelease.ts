// The FirmwareRelease builder.
import type { FirmwareRelease } from '../../../src/api/v1alpha1/firmwarerelease.js';
import type { Component, DeviceType } from '../../../src/api/v1alpha1/teamsdevice.js';
import { API, defaulted } from './defaults.js';

export const SHA = 'a'.repeat(64);

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
  /** The artifact of a Verified release; default one at firmware.example.com with SHA. */
  artifact?: { url: string; sha256: string; sizeBytes: number };
}

/** A Verified Yealink MP56/MP58 firmware 122.15.0.40 released on 2026-11-02. */
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
  return defaulted<FirmwareRelease>({
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
        ? {
            artifact: o.artifact ?? {
              url: `https://firmware.example.com/${version}.rom`,
              sha256: SHA,
              sizeBytes: 1000,
            },
          }
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
  });
}
