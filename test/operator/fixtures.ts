// What the operator tests share: the example fleet, applied with the real kubectl as a user would, and read
// back through the API.
import { resolve } from 'node:path';
import type { TeamsDevice, UpdatePlan } from '../../src/api/v1alpha1/index.js';
import { buildFleet } from '../../src/cli/preview/fleet.js';
import { loadInput } from '../../src/cli/preview/load.js';
import type { Fleet } from '../../src/core/rules/timeline.js';
import type { KubeClient } from '../../src/k8s/client.js';
import { resourcePath, TEAMS_RESOURCES } from '../../src/k8s/resource.js';
import type { Clients } from '../../src/localcluster/test/support/tools.js';

export const EXAMPLES = resolve('deploy/examples');
export const DAY_MS = 86_400_000;

export const DEVICES = TEAMS_RESOURCES.TeamsDevice!;
export const RELEASES = TEAMS_RESOURCES.FirmwareRelease!;
export const PLANS = TEAMS_RESOURCES.UpdatePlan!;
export const POLICIES = TEAMS_RESOURCES.UpdatePolicy!;
export const POOLS = TEAMS_RESOURCES.DeviceProxyPool!;

/** `kubectl apply -f deploy/examples/`, as the README says. */
export async function applyExamples(clients: Clients): Promise<void> {
  await clients.kubectlOk(['apply', '-f', `${EXAMPLES}/`]);
}

/** The examples as preview reads them (defaulted and validated like the API server does). */
export async function exampleFleet(): Promise<Fleet> {
  return buildFleet((await loadInput([EXAMPLES])).objects).fleet;
}

export async function listDevices(client: KubeClient, namespace?: string): Promise<TeamsDevice[]> {
  return (await client.list<TeamsDevice>(resourcePath(DEVICES, { namespace }))).items;
}

export async function getDevice(client: KubeClient, namespace: string, name: string): Promise<TeamsDevice> {
  return client.get<TeamsDevice>(resourcePath(DEVICES, { namespace, name }));
}

export async function getPlan(client: KubeClient, namespace: string, name: string): Promise<UpdatePlan> {
  return client.get<UpdatePlan>(resourcePath(PLANS, { namespace, name }));
}

export const addDays = (at: Date, days: number): Date => new Date(at.getTime() + days * DAY_MS);
