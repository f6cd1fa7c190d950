// JSON comparisons and RFC 7386 merge-patch diffs, as status writes need them.

import { isObject } from '@teams-device-operator/apimachinery';
import { isNothing, jsonEqual } from '../core/shared/json-equal.js';

export { jsonEqual };

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

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
    } else if (isObject(before) && isObject(after)) {
      const nested = mergePatchDiff(before, after);
      if (nested) patch[key] = nested;
    } else {
      patch[key] = JSON.parse(JSON.stringify(after)) as Json;
    }
  }
  return Object.keys(patch).length > 0 ? patch : undefined;
}
