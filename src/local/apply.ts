// What `local` puts into its control plane: the CRDs (from src/api, which crds/ is generated from) on every
// start, so an upgraded checkout serves its new schema; the example fleet of deploy/examples/ once, on the
// first start only (a marker in the state directory), so a restart never re-creates what the user deleted
// or overwrites what the user changed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { allCrds } from '../api/v1alpha1/crds.js';
import type { KubeClient } from '../k8s/client.js';
import { isAlreadyExists } from '../k8s/errors.js';
import type { KubeObject } from '../k8s/object.js';
import { resourcePath, TEAMS_RESOURCES } from '../k8s/resource.js';
import { writePrivateFile } from './state-dir.js';

const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

/** The checkout (or installed package) this module belongs to: the nearest folder with deploy/examples. */
export function packageRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'deploy', 'examples'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no deploy/examples above ${from}`);
  }
}

/** Creates or updates every CRD and waits until each is Established. */
export async function applyCrds(client: KubeClient, timeoutMs = 30_000): Promise<void> {
  for (const crd of allCrds()) {
    try {
      await client.create(CRDS, crd as unknown as KubeObject);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      const live = await client.get<KubeObject>(`${CRDS}/${crd.metadata.name}`);
      await client.replace(`${CRDS}/${crd.metadata.name}`, {
        ...(crd as unknown as KubeObject),
        metadata: { ...crd.metadata, resourceVersion: live.metadata?.resourceVersion },
      } as KubeObject);
    }
  }
  const deadline = Date.now() + timeoutMs;
  for (const crd of allCrds()) {
    for (;;) {
      const live = await client.get<
        KubeObject & { status?: { conditions?: Array<{ type: string; status: string }> } }
      >(`${CRDS}/${crd.metadata.name}`);
      if (live.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (Date.now() > deadline) throw new Error(`CRD ${crd.metadata.name} is not Established`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** The objects of every YAML file in `dir`, in file name order (00-namespaces.yaml first). */
export function readManifests(dir: string): KubeObject[] {
  const files = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  const objects: KubeObject[] = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message}`);
      const obj = doc.toJS() as KubeObject | null;
      if (obj) objects.push(obj);
    }
  }
  return objects;
}

/** The collection URL an object is created in (namespaces and the teamsdevices.io kinds). */
function collectionPath(obj: KubeObject): string {
  const { kind } = obj as { kind?: string };
  if (kind === 'Namespace') return '/api/v1/namespaces';
  const ref = kind ? TEAMS_RESOURCES[kind] : undefined;
  if (!ref) throw new Error(`deploy/examples: cannot create a ${kind}`);
  return resourcePath(ref, { namespace: obj.metadata?.namespace ?? 'default' });
}

/**
 * The examples' artifact URLs are placeholders (firmware.example.com): a simulator pool that does not say
 * whether its proxies fetch artifacts is told not to, as the field's description advises for such catalogs,
 * so that the example rollout succeeds offline. Everything else is created as written.
 */
export function forOffline(obj: KubeObject): KubeObject {
  const pool = obj as KubeObject & { spec?: { driver?: string; simulator?: Record<string, unknown> } };
  if (pool.kind !== 'DeviceProxyPool' || (pool.spec?.driver ?? 'simulator') !== 'simulator') return obj;
  if (pool.spec?.simulator?.fetchArtifacts !== undefined) return obj;
  return {
    ...pool,
    spec: { ...pool.spec, simulator: { ...pool.spec?.simulator, fetchArtifacts: false } },
  } as KubeObject;
}

/**
 * Creates the examples unless the marker says they were applied before; then writes the marker. Returns how
 * many objects it created (0 on a restart). An object that already exists is left as it is.
 */
export async function applyExamplesOnce(client: KubeClient, dir: string, marker: string): Promise<number> {
  if (existsSync(marker)) return 0;
  let created = 0;
  for (const obj of readManifests(dir)) {
    try {
      await client.create(collectionPath(obj), forOffline(obj));
      created++;
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }
  writePrivateFile(marker, `${new Date().toISOString()}\n`);
  return created;
}
