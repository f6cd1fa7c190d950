// The Acme P1 fleet of the operator tests, from the builders of test/support/builders, created through the
// KubeClient.
import { createHash } from 'node:crypto';
import type { DeviceProxyPoolSpec } from '../../src/api/v1alpha1/deviceproxypool.js';
import type { Phase } from '../../src/api/v1alpha1/teamsdevice.js';
import type { UpdatePolicySpec } from '../../src/api/v1alpha1/updatepolicy.js';
import type { KubeClient } from '../../src/k8s/client.js';
import type { KubeObject } from '../../src/k8s/object.js';
import { resourcePath, TEAMS_RESOURCES } from '../../src/k8s/resource.js';
import * as build from '../support/builders/index.js';

type Obj = KubeObject & Record<string, unknown>;

export const MANUFACTURER = 'Acme';
export const MODEL = 'P1';

/** A release of the Acme P1 phone's firmware (Verified, with an artifact whose sha256 is the version's). */
export function release(
  version: string,
  options: { releaseDate?: string; verification?: 'Verified' | 'Unknown'; name?: string } = {},
): Obj {
  return build.release({
    version,
    name: options.name ?? `acme-p1-${version}`,
    releaseDate: options.releaseDate ?? '2026-10-01T00:00:00Z',
    verification: options.verification ?? 'Verified',
    manufacturer: MANUFACTURER,
    models: [MODEL],
    deviceTypes: ['Phone'],
    artifact: {
      url: `https://firmware.example.com/acme/p1-${version}.bin`,
      sha256: createHash('sha256').update(version).digest('hex'),
      sizeBytes: 1_000_000,
    },
  }) as unknown as Obj;
}

/** An Acme P1 phone (Test phase) whose simulated device runs `firmware` (default 1.0). */
export function device(
  namespace: string,
  name: string,
  options: {
    firmware?: string;
    phase?: Phase;
    timeZone?: string;
    policy?: string;
    labels?: Record<string, string>;
  } = {},
): Obj {
  return build.device({
    namespace,
    name,
    manufacturer: MANUFACTURER,
    model: MODEL,
    phase: options.phase ?? 'Test',
    viaAnnotations: true,
    firmware: options.firmware ?? '1.0',
    teamsApp: null,
    ...(options.timeZone ? { timeZone: options.timeZone } : {}),
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.labels ? { labels: options.labels } : {}),
  }) as unknown as Obj;
}

export function policy(namespace: string, spec: Partial<UpdatePolicySpec>, name = 'default'): Obj {
  return build.policy(spec, { name, namespace }) as unknown as Obj;
}

/** A pool of one simulated proxy with these simulator timings. */
export function pool(
  namespace: string,
  simulator: Omit<DeviceProxyPoolSpec['simulator'], 'fetchArtifacts' | 'offlinePercent'>,
  name = 'default',
): Obj {
  return build.pool(
    {
      replicas: 1,
      driver: 'simulator',
      simulator: { fetchArtifacts: true, offlinePercent: 0, ...simulator },
    },
    { name, namespace },
  ) as unknown as Obj;
}

export function plan(namespace: string, name: string, spec: Parameters<typeof build.plan>[1]): Obj {
  return build.plan(name, spec, namespace) as unknown as Obj;
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
