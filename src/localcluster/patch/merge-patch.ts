// JSON merge patch (RFC 7386), `application/merge-patch+json`: objects merge key by key, null
// deletes a key, anything else (arrays included) replaces. Neither argument is modified.
import { clone, isMap, type JsonMap, setOwn } from './json.js';

export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isMap(patch)) return clone(patch);
  const result: JsonMap = isMap(target) ? { ...target } : {};
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete result[name];
    else setOwn(result, name, applyMergePatch(result[name], value));
  }
  return isMap(target) ? cloneUntouched(result, target) : result;
}

/** The keys the patch did not touch still share objects with `target`; give the caller its own copy. */
function cloneUntouched(result: JsonMap, target: JsonMap): JsonMap {
  for (const [name, value] of Object.entries(result)) {
    if (value === target[name]) setOwn(result, name, clone(value));
  }
  return result;
}
