// Equality of JSON values as a status write sees them: key order ignored, a field that is null equals a field
// that is absent (a merge patch cannot tell them apart, so a status holding `field: null` must not look changed
// forever). Here rather than in src/k8s so that src/core imports nothing from the Kubernetes side;
// src/k8s/json.ts re-exports it for status writes.

import { isObject } from '@teams-device-operator/apimachinery';

/** Absent, undefined and null are the same to a merge patch (null deletes a field). */
export function isNothing(value: unknown): boolean {
  return value === undefined || value === null;
}

/**
 * Equality of JSON values, ignoring key order; a field that is null equals a field that is absent.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (isNothing(a) || isNothing(b)) return isNothing(a) && isNothing(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) if (!jsonEqual(a[key], b[key])) return false;
    return true;
  }
  return a === b;
}
