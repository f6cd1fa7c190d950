// metadata.managedFields of writes that are not applies, via the patch helper's recordUpdate. Creates are
// the hot path (thousands per second): the field set of a new object depends only on its shape (the keys
// of its maps and the content of its lists, never on scalar values), so the entries computed for one shape
// are reused for every object of that shape, with the time of the write.
import { type ListKeyLookup, listKeysFromSchema, recordUpdate } from '../patch/server-side-apply.js';
import type { Served } from '../registry.js';
import type { JsonObject } from '../resource-type.js';
import { isObject, metadataOf } from '../util/json.js';
import { rfc3339 } from '../util/time.js';

const listKeysCache = new WeakMap<object, ListKeyLookup>();

function listKeysOf(served: Served): ListKeyLookup | undefined {
  const schema = served.type.schema;
  if (!schema) return undefined;
  let keys = listKeysCache.get(schema);
  if (!keys) {
    keys = listKeysFromSchema(schema);
    listKeysCache.set(schema, keys);
  }
  return keys;
}

/**
 * Map keys and list contents; scalars collapse to their presence. Keys are length-prefixed rather than
 * JSON-quoted (as unambiguous, and cheaper: this runs on every create).
 */
function shape(value: unknown): string {
  if (Array.isArray(value)) return JSON.stringify(value);
  if (!isObject(value)) return value === null ? 'n' : 's';
  let out = '{';
  for (const key in value) {
    const child = value[key];
    if (child === undefined) continue;
    out += `${key.length}:${key}${shape(child)},`;
  }
  return `${out}}`;
}

const MAX_SHAPES = 512;
const createShapes = new Map<string, unknown[]>();

export function recordWrite(
  served: Served,
  old: JsonObject | undefined,
  next: JsonObject,
  manager: string,
  now: Date,
  subresource: string | undefined,
): JsonObject {
  const listKeys = listKeysOf(served);
  const meta = metadataOf(next);
  if (old !== undefined || meta.managedFields !== undefined) {
    return recordUpdate(old, next, manager, now, subresource, listKeys) as JsonObject;
  }
  const key = `${served.apiVersion}\u0000${served.type.kind}\u0000${manager}\u0000${shape(next)}`;
  let entries = createShapes.get(key);
  if (!entries) {
    const recorded = recordUpdate(undefined, next, manager, now, subresource, listKeys) as JsonObject;
    const computed = metadataOf(recorded).managedFields;
    entries = Array.isArray(computed) ? computed : [];
    if (createShapes.size >= MAX_SHAPES) createShapes.clear();
    createShapes.set(key, entries);
  }
  const time = rfc3339(now);
  if (entries.length > 0) meta.managedFields = entries.map((e) => (isObject(e) ? { ...e, time } : e));
  return next;
}
