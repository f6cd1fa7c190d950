// JSON comparisons and RFC 7386 merge-patch diffs, as status writes need them.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Absent, undefined and null are the same to a merge patch (null deletes a field). */
function isNothing(value: unknown): boolean {
  return value === undefined || value === null;
}

/**
 * Equality of JSON values, ignoring key order; a field that is null equals a field that is absent (a merge
 * patch cannot tell them apart, so a status holding `field: null` must not look changed forever).
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (isNothing(a) || isNothing(b)) return isNothing(a) && isNothing(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) if (!jsonEqual(a[key], b[key])) return false;
    return true;
  }
  return a === b;
}

/**
 * The merge patch that turns `from` into `to` (both objects): changed fields set, removed fields null,
 * nested objects diffed, arrays replaced whole. Undefined when nothing differs.
 */
export function mergePatchDiff(
  from: Record<string, unknown> | undefined,
  to: Record<string, unknown>,
): Record<string, Json> | undefined {
  const patch: Record<string, Json> = {};
  const old = from ?? {};
  for (const key of new Set([...Object.keys(old), ...Object.keys(to)])) {
    const before = old[key];
    const after = to[key];
    if (jsonEqual(before, after)) continue;
    if (isNothing(after)) {
      patch[key] = null;
    } else if (isPlainObject(before) && isPlainObject(after)) {
      const nested = mergePatchDiff(before, after);
      if (nested) patch[key] = nested;
    } else {
      patch[key] = JSON.parse(JSON.stringify(after)) as Json;
    }
  }
  return Object.keys(patch).length > 0 ? patch : undefined;
}
