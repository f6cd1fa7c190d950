// The repo's committed CRDs (crds/*.yaml), read as data: the package's tests serve the teamsdevices.io API the
// way a user's cluster gets it, from the YAML that `kubectl apply -f crds/` sends, never from the product's
// types. The repo root is also where the tests run kubectl and keep the pinned binaries (.tools/).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { CrdLike } from '../../discovery.js';

/** The root of the repository this package lives in (src/localcluster/test/support -> four levels up). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const CRDS_DIR = join(REPO_ROOT, 'crds');

/** The path of the committed CRD of a plural of teamsdevices.io, e.g. `crdFile('teamsdevices')`. */
export function crdFile(plural: string): string {
  return join(CRDS_DIR, `${plural}.teamsdevices.io.yaml`);
}

/** A committed CRD parsed from its YAML file. */
// biome-ignore lint/suspicious/noExplicitAny: a CRD document is walked and sent as the tests need
export function committedCrd(plural: string): any {
  return parse(readFileSync(crdFile(plural), 'utf8'));
}

/** A CRD as the package reads it (discovery's CrdLike) with its name. */
export type CommittedCrd = CrdLike & { metadata: { name: string } };

/** Every CRD in crds/, in file-name order. */
export function committedCrds(): CommittedCrd[] {
  return readdirSync(CRDS_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => parse(readFileSync(join(CRDS_DIR, f), 'utf8')) as CommittedCrd);
}
