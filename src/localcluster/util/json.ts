// Small helpers over plain JSON values: the store hands out parsed copies, so nothing here deep-copies a store.
import type { JsonObject } from '../resource-type.js';

export type { JsonObject };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object's metadata, created when absent or malformed. */
export function metadataOf(obj: JsonObject): JsonObject {
  const existing = obj.metadata;
  if (isObject(existing)) return existing;
  const created: JsonObject = {};
  obj.metadata = created;
  return created;
}

/** The JSON type as Go's encoding/json names it in its errors: string, number, bool, array, object. */
export function jsonTypeOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null || typeof value === 'object') return value === null ? 'null' : 'object';
  return typeof value === 'boolean' ? 'bool' : typeof value;
}

export function stringField(obj: JsonObject | undefined, key: string): string | undefined {
  const value = obj?.[key];
  return typeof value === 'string' ? value : undefined;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ao = a as JsonObject;
  const bo = b as JsonObject;
  let count = 0;
  for (const key in ao) {
    if (ao[key] === undefined) continue;
    count++;
    if (!deepEqual(ao[key], bo[key])) return false;
  }
  for (const key in bo) if (bo[key] !== undefined) count--;
  return count === 0;
}

export function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}
