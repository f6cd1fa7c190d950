// metadata.managedFields: decoding the entries into field sets per manager, and encoding them back
// the way the API server writes them (k8s.io/apimachinery/pkg/util/managedfields/internal).

import { toIsoSeconds } from '@teams-device-operator/apimachinery';
import { FieldSet } from './field-set.js';
import { isMap, type JsonMap } from './json.js';

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: object;
  subresource?: string;
}

export interface Managed {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource?: string;
  time?: string;
  set: FieldSet;
}

/** Fields never owned by anybody (the API server's strip set). */
const STRIPPED_METADATA =
  'name namespace creationTimestamp selfLink uid clusterName generation managedFields resourceVersion';
export const STRIPPED = FieldSet.of([
  ['f:apiVersion'],
  ['f:kind'],
  ['f:metadata'],
  ...STRIPPED_METADATA.split(' ').map((field) => ['f:metadata', `f:${field}`]),
]);

/**
 * The ownership a write starts from: the live object's, except that a main-resource write may set
 * managedFields itself (`[{}]` clears them), as the API server allows. Also returns the raw entries
 * of `before`, to hand back untouched when nothing changes.
 */
export function managersOfWrite(
  before: JsonMap | undefined,
  after: JsonMap,
  subresource?: string,
): [Managed[], unknown] {
  const original = before && isMap(before.metadata) ? before.metadata.managedFields : undefined;
  const requested = isMap(after.metadata) ? after.metadata.managedFields : undefined;
  if (!subresource && Array.isArray(requested)) {
    if (requested.length === 1 && isMap(requested[0]) && Object.keys(requested[0]).length === 0) {
      return [[], original];
    }
    const decoded = decodeManagedFields(after);
    if (decoded.length > 0) return [decoded, original];
  }
  return [before ? decodeManagedFields(before) : [], original];
}

export function decodeManagedFields(object: JsonMap): Managed[] {
  const entries = isMap(object.metadata) ? object.metadata.managedFields : undefined;
  if (!Array.isArray(entries)) return [];
  const byId = new Map<string, Managed>();
  for (const entry of entries) {
    if (!isMap(entry) || typeof entry.manager !== 'string') continue;
    if (entry.operation !== 'Apply' && entry.operation !== 'Update') continue;
    if (entry.fieldsType !== undefined && entry.fieldsType !== 'FieldsV1') continue;
    const m: Managed = {
      manager: entry.manager,
      operation: entry.operation,
      apiVersion: typeof entry.apiVersion === 'string' ? entry.apiVersion : '',
      ...(typeof entry.subresource === 'string' &&
        entry.subresource !== '' && { subresource: entry.subresource }),
      ...(typeof entry.time === 'string' && { time: entry.time }),
      set: FieldSet.fromFieldsV1(entry.fieldsV1),
    };
    const id = managerId(m);
    const seen = byId.get(id);
    byId.set(id, seen ? { ...seen, set: seen.set.union(m.set) } : m);
  }
  return [...byId.values()];
}

/** Entries in the API server's order: Apply before Update, then by time, manager, apiVersion, subresource. */
export function encodeManagedFields(managers: Managed[]): ManagedFieldsEntry[] {
  const compareText = (a = '', b = '') => (a < b ? -1 : a > b ? 1 : 0);
  return managers
    .filter((m) => !m.set.isEmpty())
    .sort(
      (a, b) =>
        compareText(a.operation, b.operation) ||
        compareText(a.time, b.time) ||
        compareText(a.manager, b.manager) ||
        compareText(a.apiVersion, b.apiVersion) ||
        compareText(a.subresource, b.subresource),
    )
    .map((m) => ({
      manager: m.manager,
      operation: m.operation,
      apiVersion: m.apiVersion,
      time: m.time ?? '',
      fieldsType: 'FieldsV1' as const,
      fieldsV1: m.set.toFieldsV1(),
      ...(m.subresource && { subresource: m.subresource }),
    }));
}

/** Appliers are one entry whatever API version they use; updaters are one per API version. */
export function managerId(m: Pick<Managed, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  return JSON.stringify([
    m.manager,
    m.operation,
    m.operation === 'Apply' ? '' : m.apiVersion,
    m.subresource ?? '',
  ]);
}

export function withoutManagedFields(object: JsonMap): JsonMap {
  if (!isMap(object.metadata) || !Object.hasOwn(object.metadata, 'managedFields')) return object;
  const { managedFields: _, ...metadata } = object.metadata;
  return { ...object, metadata };
}

export function withManagedFields(object: JsonMap, entries: unknown): JsonMap {
  const metadata = isMap(object.metadata) ? { ...object.metadata } : {};
  if (Array.isArray(entries) && entries.length > 0) metadata.managedFields = entries;
  else delete metadata.managedFields;
  return { ...object, metadata };
}

/** RFC 3339 with seconds, as metav1.Time serializes. */
export function timestamp(now: Date): string {
  return toIsoSeconds(now);
}
