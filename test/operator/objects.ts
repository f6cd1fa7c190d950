// Small objects of the teamsdevices.io API for the operator tests, created through the KubeClient.
import { createHash } from 'node:crypto';
import type { KubeClient } from '../../src/k8s/client.js';
import type { KubeObject } from '../../src/k8s/object.js';
import { resourcePath, TEAMS_RESOURCES } from '../../src/k8s/resource.js';

const API_VERSION = 'teamsdevices.io/v1alpha1';
type Obj = KubeObject & Record<string, unknown>;

export const MANUFACTURER = 'Acme';
export const MODEL = 'P1';

export function release(
  version: string,
  options: { releaseDate?: string; verification?: 'Verified' | 'Unknown'; name?: string } = {},
): Obj {
  const verification = options.verification ?? 'Verified';
  return {
    apiVersion: API_VERSION,
    kind: 'FirmwareRelease',
    metadata: { name: options.name ?? `acme-p1-${version}` },
    spec: {
      component: 'Firmware',
      version,
      releaseDate: options.releaseDate ?? '2026-10-01T00:00:00Z',
      verification,
      appliesTo: { manufacturer: MANUFACTURER, models: [MODEL], deviceTypes: ['Phone'] },
      ...(verification === 'Verified'
        ? {
            artifact: {
              url: `https://firmware.example.com/acme/p1-${version}.bin`,
              sha256: createHash('sha256').update(version).digest('hex'),
              sizeBytes: 1_000_000,
            },
          }
        : {}),
    },
  };
}

export function device(
  namespace: string,
  name: string,
  options: {
    firmware?: string;
    phase?: string;
    timeZone?: string;
    policy?: string;
    labels?: Record<string, string>;
  } = {},
): Obj {
  return {
    apiVersion: API_VERSION,
    kind: 'TeamsDevice',
    metadata: {
      name,
      namespace,
      ...(options.labels ? { labels: options.labels } : {}),
      annotations: { 'sim.teamsdevices.io/firmware-version': options.firmware ?? '1.0' },
    },
    spec: {
      type: 'Phone',
      manufacturer: MANUFACTURER,
      model: MODEL,
      firmwareAutoUpdate: { phase: options.phase ?? 'Test' },
      ...(options.timeZone ? { timeZone: options.timeZone } : {}),
      ...(options.policy ? { policy: options.policy } : {}),
    },
  };
}

export function policy(namespace: string, spec: Record<string, unknown>, name = 'default'): Obj {
  return { apiVersion: API_VERSION, kind: 'UpdatePolicy', metadata: { name, namespace }, spec };
}

export function pool(namespace: string, simulator: Record<string, number>, name = 'default'): Obj {
  return {
    apiVersion: API_VERSION,
    kind: 'DeviceProxyPool',
    metadata: { name, namespace },
    spec: { replicas: 1, driver: 'simulator', simulator },
  };
}

export function plan(namespace: string, name: string, spec: Record<string, unknown>): Obj {
  return { apiVersion: API_VERSION, kind: 'UpdatePlan', metadata: { name, namespace }, spec };
}

/** Creates objects in order (a Namespace first if `namespace` is given). */
export async function createAll(client: KubeClient, objects: Obj[], namespace?: string): Promise<void> {
  if (namespace) {
    await client.create('/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: namespace },
    });
  }
  for (const obj of objects) {
    const ref = TEAMS_RESOURCES[obj.kind ?? ''];
    if (!ref) throw new Error(`no resource for ${obj.kind}`);
    await client.create(resourcePath(ref, { namespace: obj.metadata?.namespace }), obj);
  }
}
