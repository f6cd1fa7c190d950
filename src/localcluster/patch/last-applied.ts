// Moving an object from client-side apply (`kubectl apply`, which records what it applied in the
// last-applied-configuration annotation) to server-side apply (`kubectl apply --server-side`), as
// kube-apiserver's field manager does it (k8s.io/apimachinery/pkg/util/managedfields/internal,
// lastappliedmanager.go and lastappliedupdater.go). Both rules hold for the field manager "kubectl"
// only; a user opts out by applying under another name.
//
// - Take-over: client-side apply leaves its fields owned by "kubectl-client-side-apply" (an Update),
//   so the first server-side apply that changes one would conflict. A conflict on a field the
//   annotation lists, and whose live value is still the value it lists, is not one: nobody changed it
//   since kubectl applied it, so kubectl takes it. Any other conflict still stands.
// - Keeping the annotation true: while the object has the annotation, each server-side apply by
//   kubectl rewrites it to the configuration just applied, so a later client-side apply computes its
//   three-way patch from what was really applied last.
import { ANNOTATIONS_SIZE_LIMIT } from '@teams-device-operator/apimachinery';
import type { FieldSet } from './field-set.js';
import { isMap, type JsonMap } from './json.js';
import type { ListKeyLookup } from './schema.js';
import { compare, toFieldSet } from './structured.js';

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/** The one field manager that takes over client-side applied fields and keeps the annotation. */
export const KUBECTL_MANAGER = 'kubectl';

function annotationsOf(object: JsonMap): JsonMap | undefined {
  return isMap(object.metadata) && isMap(object.metadata.annotations)
    ? object.metadata.annotations
    : undefined;
}

function lastAppliedOf(object: JsonMap): string | undefined {
  const value = annotationsOf(object)?.[LAST_APPLIED_ANNOTATION];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The fields of `live` that its last client-side apply set and that still hold the value it set:
 * the conflicts kubectl may take over. Undefined, so no conflict is waived, when the annotation is
 * missing, is not a JSON object, or was applied in another API version than `apiVersion`.
 */
export function fieldsStillAsLastApplied(
  live: JsonMap,
  apiVersion: string,
  schema: ListKeyLookup | undefined,
): FieldSet | undefined {
  const text = lastAppliedOf(live);
  if (text === undefined) return undefined;
  let lastApplied: unknown;
  try {
    lastApplied = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isMap(lastApplied) || lastApplied.apiVersion !== apiVersion) return undefined;
  try {
    const changed = compare(lastApplied, live, schema);
    return toFieldSet(lastApplied, schema)
      .difference(changed.modified)
      .difference(changed.added)
      .difference(changed.removed);
  } catch {
    // A list item without its keys (or a duplicate key) in the annotation: it cannot vouch for anything.
    return undefined;
  }
}

/**
 * `object` (the result of an apply) with its last-applied annotation set to `applied` (the
 * configuration just applied, without that annotation), as kubectl's client-side apply writes it:
 * Go's JSON encoding, keys sorted, one trailing newline. An object without the annotation is
 * returned as it is; when the new value would put the annotations over their size limit, the
 * annotation is dropped instead, as the API server does.
 */
export function withLastAppliedUpdated(object: JsonMap, applied: JsonMap): JsonMap {
  if (lastAppliedOf(object) === undefined) return object;
  const annotations = { ...(annotationsOf(object) as JsonMap) };
  annotations[LAST_APPLIED_ANNOTATION] = `${goJson(withoutLastApplied(applied))}\n`;
  let size = 0;
  for (const [key, value] of Object.entries(annotations)) {
    size += Buffer.byteLength(key) + Buffer.byteLength(String(value));
  }
  if (size > ANNOTATIONS_SIZE_LIMIT) delete annotations[LAST_APPLIED_ANNOTATION];
  return { ...object, metadata: { ...(object.metadata as JsonMap), annotations } };
}

/** The configuration with the annotation removed; an annotations map left empty stays, as in Go. */
function withoutLastApplied(applied: JsonMap): JsonMap {
  const annotations = annotationsOf(applied);
  if (!annotations || !Object.hasOwn(annotations, LAST_APPLIED_ANNOTATION)) return applied;
  const { [LAST_APPLIED_ANNOTATION]: _dropped, ...rest } = annotations;
  return { ...applied, metadata: { ...(applied.metadata as JsonMap), annotations: rest } };
}

/**
 * JSON as Go's encoding/json writes a map[string]interface{}: object keys sorted, and `<`, `>`, `&`,
 * U+2028 and U+2029 escaped as \u00XX, so the annotation reads byte for byte as kubectl's own.
 */
export function goJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`;
  if (isMap(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${goString(key)}:${goJson(value[key])}`).join(',')}}`;
  }
  if (typeof value === 'string') return goString(value);
  return JSON.stringify(value) ?? 'null';
}

function goString(text: string): string {
  return JSON.stringify(text).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${(c.codePointAt(0) as number).toString(16).padStart(4, '0')}`,
  );
}
