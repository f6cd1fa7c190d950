// Server-side apply (`application/apply-patch+yaml`: `kubectl apply --server-side`, helm 4) and the
// field ownership every other write records, after sigs.k8s.io/structured-merge-diff and
// k8s.io/apimachinery/pkg/util/managedfields. Ownership lives in `metadata.managedFields`, one
// entry per manager and operation (and API version for updates), each a FieldsV1 set.

import { badRequest } from '../errors.js';
import { listKeysForKind } from './builtin-list-keys.js';
import { type FieldPath, FieldSet, pathString } from './field-set.js';
import { clone, deepEqual, isMap, type JsonMap } from './json.js';
import { fieldsStillAsLastApplied, KUBECTL_MANAGER, withLastAppliedUpdated } from './last-applied.js';
import {
  decodeManagedFields,
  encodeManagedFields,
  type Managed,
  managerId,
  managersOfWrite,
  STRIPPED,
  timestamp,
  withManagedFields,
  withoutManagedFields,
} from './managed-fields.js';
import type { ListKeyLookup } from './schema.js';
import { compare, merge, prune, toFieldSet } from './structured.js';

export { listKeysForKind } from './builtin-list-keys.js';
export type { ManagedFieldsEntry } from './managed-fields.js';
export { type ListKeyLookup, listKeysFromSchema } from './schema.js';

export interface ApplyRequest {
  /** The stored object, or undefined to create it. */
  live: object | undefined;
  /** The applied configuration (the parsed YAML body), status already removed on the main resource. */
  applied: object;
  /** The `fieldManager` query parameter. */
  manager: string;
  /** The `force` query parameter: take conflicting fields from their managers. */
  force: boolean;
  /** Schema of a custom resource (listKeysFromSchema); built-in kinds default to their OpenAPI schemas (listKeysForKind). */
  listKeys?: ListKeyLookup;
  now: Date;
  /** The subresource applied to ('status'), if any. */
  subresource?: string;
}

/** A field the applier would change but another manager owns. */
export interface ApplyConflict {
  manager: string;
  /** The field path as the API server prints it, e.g. `.spec.replicas`. */
  field: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource?: string;
}

export type ApplyResult =
  | { ok: true; object: object; changed: boolean }
  | { ok: false; conflicts: ApplyConflict[] };

/** The manager credited with every field of an object that was stored before anything tracked ownership. */
export const BEFORE_FIRST_APPLY = 'before-first-apply';

/** System metadata that an applied null must not erase (the server owns these). */
const SYSTEM_METADATA = [
  'creationTimestamp',
  'uid',
  'resourceVersion',
  'generation',
  'selfLink',
  'deletionTimestamp',
];

/**
 * Applies a configuration as `manager`: creates the object when there is none, merges the
 * configuration into it, removes fields the manager applied before and no longer applies (unless
 * another manager owns them), and records ownership. A field another manager owns with a
 * different value is a conflict unless `force`. Re-applying the same configuration returns
 * `changed: false` and the live object untouched.
 */
export function applyServerSide(req: ApplyRequest): ApplyResult {
  const document = clone(req.applied) as JsonMap;
  const { apiVersion, kind } = document;
  if (typeof apiVersion !== 'string' || apiVersion === '') {
    throw badRequest('apiVersion must be set in an apply patch');
  }
  if (typeof kind !== 'string' || kind === '') throw badRequest('kind must be set in an apply patch');
  if (isMap(document.metadata)) {
    const metadata = document.metadata;
    delete metadata.managedFields;
    for (const field of SYSTEM_METADATA) if (metadata[field] === null) delete metadata[field];
  }
  const applied = req.subresource === 'status' ? statusOnly(document) : document;
  const schema = req.listKeys ?? listKeysForKind(kind, apiVersion);
  const live = req.live === undefined ? undefined : (clone(req.live) as JsonMap);
  const liveContent = live ? withoutManagedFields(live) : {};
  const now = timestamp(req.now);

  let managers = live ? decodeManagedFields(live) : [];
  if (live && managers.length === 0) {
    const set = compare({}, liveContent, schema).added.difference(STRIPPED);
    const liveVersion = typeof live.apiVersion === 'string' ? live.apiVersion : apiVersion;
    if (!set.isEmpty()) {
      managers = [
        { manager: BEFORE_FIRST_APPLY, operation: 'Update', apiVersion: liveVersion, time: now, set },
      ];
    }
  }

  const self: Managed = {
    manager: req.manager,
    operation: 'Apply',
    apiVersion,
    ...(req.subresource && { subresource: req.subresource }),
    set: toFieldSet(applied, schema).difference(STRIPPED),
  };
  const selfId = managerId(self);
  const previous = managers.find((m) => managerId(m) === selfId);
  const others = managers.filter((m) => managerId(m) !== selfId);

  let merged = merge(liveContent, applied, schema) as JsonMap;
  if (previous) {
    const owned = others.reduce((union, m) => union.union(m.set), self.set);
    merged = prune(merged, schema, previous.set, owned) as JsonMap;
  }

  const diff = compare(liveContent, merged, schema);
  const changedFields = diff.modified.union(diff.added);
  const found: FoundConflict[] = [];
  const kept: Managed[] = [];
  for (const other of others) {
    const taken = other.set.intersection(changedFields);
    for (const path of taken.paths()) found.push({ path, conflict: conflictOf(other, pathString(path)) });
    const set = other.set.difference(taken).difference(diff.removed);
    if (!set.isEmpty()) kept.push({ ...other, set });
  }
  const conflicts = req.force ? [] : standingConflicts(found, req.manager, liveContent, apiVersion, schema);
  if (conflicts.length > 0) return { ok: false, conflicts };
  if (req.manager === KUBECTL_MANAGER && !req.subresource) merged = withLastAppliedUpdated(merged, applied);

  const objectChanged = !live || !deepEqual(liveContent, merged);
  if (!self.set.isEmpty()) {
    kept.push({ ...self, time: objectChanged || !previous?.time ? now : previous.time });
  }
  const entries = encodeManagedFields(kept);
  const liveEntries = live && isMap(live.metadata) ? live.metadata.managedFields : undefined;
  if (live && !objectChanged && deepEqual(entries, liveEntries ?? [])) {
    return { ok: true, object: live, changed: false };
  }
  return { ok: true, object: withManagedFields(merged, entries), changed: true };
}

/**
 * Records a write that is not an apply (create, update, patch) by `manager`: the manager takes the
 * fields it added or changed, and every manager loses the fields that were removed or taken.
 * Returns `after` with `metadata.managedFields` updated; when nothing changed, the managedFields
 * of `before` are kept as they are (no time is bumped). `listKeys` is the schema of a custom
 * resource (built-in kinds default to their OpenAPI schemas (listKeysForKind)).
 */
export function recordUpdate(
  before: object | undefined,
  after: object,
  manager: string,
  now: Date,
  subresource?: string,
  listKeys?: ListKeyLookup,
): object {
  const result = clone(after) as JsonMap;
  const kind = typeof result.kind === 'string' ? result.kind : '';
  const apiVersion = typeof result.apiVersion === 'string' ? result.apiVersion : '';
  const schema = listKeys ?? listKeysForKind(kind, apiVersion);
  const beforeContent = before ? withoutManagedFields(before as JsonMap) : {};
  const [managers, original] = managersOfWrite(before as JsonMap | undefined, result, subresource);

  let diff = compare(beforeContent, withoutManagedFields(result), schema);
  if (subresource === 'status') diff = onlyUnder(diff, 'f:status');
  const changedFields = diff.modified.union(diff.added);
  const self: Managed = {
    manager,
    operation: 'Update',
    apiVersion,
    ...(subresource && { subresource }),
    set: new FieldSet(),
  };
  const selfId = managerId(self);

  const kept: Managed[] = [];
  let previous: Managed | undefined;
  for (const m of managers) {
    const set = m.set.difference(changedFields).difference(diff.removed);
    if (managerId(m) === selfId) previous = { ...m, set };
    else if (!set.isEmpty()) kept.push({ ...m, set });
  }
  const taken = changedFields.difference(diff.removed).difference(STRIPPED);
  if (!taken.isEmpty()) {
    kept.push({ ...self, set: previous ? previous.set.union(taken) : taken, time: timestamp(now) });
  } else if (previous && !previous.set.isEmpty()) {
    kept.push(previous);
  }
  const entries = encodeManagedFields(kept);
  return withManagedFields(result, deepEqual(entries, original) ? clone(original) : entries);
}

/** The 409 Status message and causes for apply conflicts, worded as the API server words them. */
export function formatApplyConflicts(conflicts: readonly ApplyConflict[]): {
  message: string;
  causes: Array<{ reason: 'FieldManagerConflict'; message: string; field: string }>;
} {
  const causes = conflicts.map((c) => ({
    reason: 'FieldManagerConflict' as const,
    message: `conflict with ${describeManager(c)}`,
    field: c.field,
  }));
  const [only] = conflicts;
  if (conflicts.length === 1 && only) {
    return {
      message: `Apply failed with 1 conflict: conflict with ${describeManager(only)}: ${only.field}`,
      causes,
    };
  }
  const byManager = new Map<string, string[]>();
  for (const c of conflicts)
    byManager.set(describeManager(c), [...(byManager.get(describeManager(c)) ?? []), c.field]);
  const lines = [...byManager.keys()]
    .sort()
    .flatMap((m) => [`conflicts with ${m}:`, ...(byManager.get(m) ?? []).map((f) => `- ${f}`)]);
  return { message: `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`, causes };
}

interface FoundConflict {
  path: FieldPath;
  conflict: ApplyConflict;
}

/**
 * The conflicts that stop an apply that is not forced: all of them, except that kubectl takes over the
 * fields its client-side apply set and nobody changed since (last-applied.ts).
 */
function standingConflicts(
  found: readonly FoundConflict[],
  manager: string,
  live: JsonMap,
  apiVersion: string,
  schema: ListKeyLookup | undefined,
): ApplyConflict[] {
  const takeable = found.length > 0 && manager === KUBECTL_MANAGER;
  const allowed = takeable ? fieldsStillAsLastApplied(live, apiVersion, schema) : undefined;
  return found.filter((f) => !allowed?.has(f.path)).map((f) => f.conflict);
}

/** An apply to /status sets the status and nothing else, as the status strategy resets the rest. */
function statusOnly(applied: JsonMap): JsonMap {
  const metadata: JsonMap = {};
  if (isMap(applied.metadata)) {
    for (const field of ['name', 'namespace']) {
      if (applied.metadata[field] !== undefined) metadata[field] = applied.metadata[field];
    }
  }
  return {
    apiVersion: applied.apiVersion,
    kind: applied.kind,
    metadata,
    ...(applied.status !== undefined && { status: applied.status }),
  };
}

function describeManager(c: ApplyConflict): string {
  let text = JSON.stringify(c.manager);
  if (c.subresource) text += ` with subresource ${JSON.stringify(c.subresource)}`;
  return c.operation === 'Update' ? `${text} using ${c.apiVersion}` : text;
}

function conflictOf(m: Managed, field: string): ApplyConflict {
  return {
    manager: m.manager,
    field,
    operation: m.operation,
    apiVersion: m.apiVersion,
    ...(m.subresource && { subresource: m.subresource }),
  };
}

function onlyUnder(diff: ReturnType<typeof compare>, field: string) {
  const keep = (set: FieldSet) => {
    const out = new FieldSet();
    const child = set.children.get(field);
    if (child) out.children.set(field, child);
    return out;
  };
  return { added: keep(diff.added), modified: keep(diff.modified), removed: keep(diff.removed) };
}
