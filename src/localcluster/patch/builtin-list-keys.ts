// The list and map semantics of the built-in kinds, read from the one place they are declared: the
// x-kubernetes-* extensions of their OpenAPI schemas (openapi/schemas/), as kube-apiserver's field
// manager and kubectl read them from the published document. Kinds served without a published
// schema are read from their merge-only schemas, which carry just those extensions.
import { BUILTIN_COMPONENTS } from '../openapi/builtin-schemas.js';
import { MERGE_ONLY_SCHEMAS } from '../openapi/schemas/merge-only.js';
import { isMap } from './json.js';
import { type ListKeyLookup, listKeysFromComponents, UNKNOWN_KIND } from './schema.js';

const COMPONENTS: Readonly<Record<string, object>> = { ...BUILTIN_COMPONENTS, ...MERGE_ONLY_SCHEMAS };

/** Component names of the kinds, by `group/kind`, and by kind alone (the core group's first). */
const byGroupKind = new Map<string, string>();
const byKind = new Map<string, string>();
for (const [name, schema] of Object.entries(COMPONENTS)) {
  const gvks = (schema as Record<string, unknown>)['x-kubernetes-group-version-kind'];
  if (!Array.isArray(gvks)) continue;
  for (const gvk of gvks) {
    if (!isMap(gvk) || typeof gvk.kind !== 'string' || gvk.kind.endsWith('List')) continue;
    byGroupKind.set(`${gvk.group ?? ''}/${gvk.kind}`, name);
    if (!byKind.has(gvk.kind) || gvk.group === '') byKind.set(gvk.kind, name);
  }
}

const derived = new Map<string, ListKeyLookup>();

/** The component names of every built-in kind whose list and map semantics are known. */
export function builtinKindComponents(): ReadonlyMap<string, string> {
  return byGroupKind;
}

/**
 * The schema of a built-in kind, found by its group (from `apiVersion`) and kind, or by kind alone
 * when the object does not say its apiVersion; a kind not modelled is known only by its metadata.
 */
export function listKeysForKind(kind: string, apiVersion?: string): ListKeyLookup {
  const group = apiVersion?.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const name = (apiVersion !== undefined && byGroupKind.get(`${group}/${kind}`)) || byKind.get(kind);
  if (!name) return UNKNOWN_KIND;
  let keys = derived.get(name);
  if (!keys) {
    keys = listKeysFromComponents(COMPONENTS[name] as object, COMPONENTS);
    derived.set(name, keys);
  }
  return keys;
}
