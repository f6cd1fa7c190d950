// The structured-merge-diff operations server-side apply is built from, over plain JSON guided by
// a ListKeyLookup: the field set of a value, the comparison of two values, the merge of an
// applied configuration into a live object, and the pruning of fields a manager stopped applying.
import { invalidPatch } from '../errors.js';
import {
  type FieldPath,
  FieldSet,
  fieldElement,
  indexElement,
  keyElement,
  type PathElement,
  valueElement,
} from './field-set.js';
import { clone, deepEqual, isMap, type JsonMap, setOwn } from './json.js';
import { childSchema, isMapEntry, type ListKeyLookup } from './schema.js';

type Schema = ListKeyLookup | undefined;

function listKind(node: Schema): 'atomic' | 'set' | 'map' {
  if (node?.listType === 'set') return 'set';
  if (node?.listType === 'map' && (node.listMapKeys?.length ?? 0) > 0) return 'map';
  return 'atomic';
}

function isGranularMap(value: unknown, node: Schema): value is JsonMap {
  return isMap(value) && node?.mapType !== 'atomic';
}

function isGranularList(value: unknown, node: Schema): value is unknown[] {
  return Array.isArray(value) && listKind(node) !== 'atomic';
}

/**
 * The path element of a list item: its key fields (`k:`) or its value (`v:`). `strict` (for an
 * applied configuration) refuses items without their keys; elsewhere such an item falls back to
 * its index so a malformed live object never stops a write.
 */
export function itemElement(item: unknown, index: number, list: Schema, strict: boolean): PathElement {
  if (listKind(list) === 'set') return valueElement(item);
  const keys: Record<string, unknown> = {};
  for (const key of list?.listMapKeys ?? []) {
    const value = isMap(item) && Object.hasOwn(item, key) ? item[key] : list?.listMapKeyDefaults?.[key];
    if (value === undefined || value === null) {
      if (strict) {
        throw invalidPatch(
          `associative list with keys has an element that omits key field "${key}" (and doesn't have default value)`,
        );
      }
      return indexElement(index);
    }
    keys[key] = value;
  }
  return keyElement(keys);
}

/** Items of a keyed list or set by path element, the first of duplicates winning. */
function indexItems(list: unknown[], node: Schema, strict: boolean): Map<PathElement, unknown> {
  const items = new Map<PathElement, unknown>();
  list.forEach((item, index) => {
    const element = itemElement(item, index, node, strict);
    if (items.has(element)) {
      if (strict) throw invalidPatch(`duplicate entries for key ${element.slice(2)}`);
      return;
    }
    items.set(element, item);
  });
  return items;
}

/**
 * The fields an applied configuration sets: every leaf, every list item, every map entry; named
 * fields of objects only through what is below them. Atomic lists and maps are single leaves.
 */
export function toFieldSet(value: unknown, schema: Schema): FieldSet {
  const set = new FieldSet();
  const walk = (v: unknown, node: Schema, path: PathElement[]) => {
    if (isGranularMap(v, node)) {
      for (const [key, child] of Object.entries(v)) {
        const childPath = [...path, fieldElement(key)];
        walk(child, childSchema(node, key), childPath);
        if (isMapEntry(node, key)) set.insert(childPath);
      }
    } else if (isGranularList(v, node)) {
      for (const [element, item] of indexItems(v, node, true)) {
        const itemPath = [...path, element];
        walk(item, node?.items, itemPath);
        set.insert(itemPath);
      }
    } else {
      set.insert(path);
    }
  };
  walk(value, schema, []);
  return set;
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/**
 * What changed from `lhs` to `rhs`: leaves added, modified or removed, and objects and lists that
 * appeared or disappeared as a whole (those are what FieldsV1 writes as `.`).
 */
export function compare(lhs: unknown, rhs: unknown, schema: Schema): Comparison {
  const result: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  const walk = (l: unknown, r: unknown, node: Schema, path: PathElement[]) => {
    const sameShape = l === undefined || r === undefined || shapeOf(l) === shapeOf(r);
    const v = r === undefined ? l : r;
    if (sameShape && isGranularMap(v, node) && !(isEmptyMap(l) && isEmptyMap(r))) {
      const lm = isMap(l) ? l : {};
      const rm = isMap(r) ? r : {};
      for (const key of new Set([...Object.keys(lm), ...Object.keys(rm)])) {
        walk(own(lm, key), own(rm, key), childSchema(node, key), [...path, fieldElement(key)]);
      }
    } else if (sameShape && isGranularList(v, node) && !(isEmptyList(l) && isEmptyList(r))) {
      const li = indexItems(Array.isArray(l) ? l : [], node, false);
      const ri = indexItems(Array.isArray(r) ? r : [], node, false);
      for (const [element, item] of ri) walk(li.get(element), item, node?.items, [...path, element]);
      for (const [element, item] of li) {
        if (!ri.has(element)) walk(item, undefined, node?.items, [...path, element]);
      }
    } else {
      if (l === undefined) result.added.insert(path);
      else if (r === undefined) result.removed.insert(path);
      else if (!deepEqual(l, r)) result.modified.insert(path);
      return;
    }
    if (l === undefined) result.added.insert(path);
    else if (r === undefined) result.removed.insert(path);
  };
  walk(lhs, rhs, schema, []);
  return result;
}

/**
 * The live object with the applied configuration merged in: objects merge field by field, keyed
 * lists and sets item by item (live-only items keep their place, applied items follow the applied
 * order), anything else is replaced. A null in the configuration removes the field.
 */
export function merge(live: unknown, applied: unknown, schema: Schema): unknown {
  if (applied === undefined) return clone(live);
  if (isGranularMap(applied, schema) && (live === undefined || isMap(live))) {
    const out: JsonMap = isMap(live) ? { ...live } : {};
    for (const [key, value] of Object.entries(applied)) {
      if (value === null) delete out[key];
      else setOwn(out, key, merge(own(out, key), value, childSchema(schema, key)));
    }
    return out;
  }
  if (isGranularList(applied, schema) && (live === undefined || Array.isArray(live))) {
    return mergeList(Array.isArray(live) ? live : [], applied, schema);
  }
  return withoutNulls(applied);
}

/** structured-merge-diff's list merge order: shared items in applied order, live-only items kept in place. */
function mergeList(live: unknown[], applied: unknown[], node: Schema): unknown[] {
  const lhs = indexItems(live, node, false);
  const rhs = indexItems(applied, node, true);
  const lKeys = [...lhs.keys()];
  const rKeys = [...rhs.keys()];
  const shared = rKeys.filter((key) => lhs.has(key));
  let nextShared = shared.shift();
  const done = new Set<PathElement>();
  const out: unknown[] = [];
  const take = (key: PathElement) => {
    done.add(key);
    out.push(merge(lhs.get(key), rhs.get(key), node?.items));
  };
  let li = 0;
  let ri = 0;
  while (li < lKeys.length || ri < rKeys.length) {
    const lKey = lKeys[li];
    const rKey = rKeys[ri];
    if (lKey !== undefined && rKey !== undefined) {
      if (lKey === rKey) {
        take(lKey);
        li++;
        ri++;
        nextShared = shared.shift();
        continue;
      }
      if (rhs.has(lKey) && nextShared !== undefined && nextShared !== lKey) {
        li++; // a shared item that comes later in the applied order
        continue;
      }
    }
    if (lKey !== undefined) {
      if (!rhs.has(lKey)) {
        out.push(clone(lhs.get(lKey)));
        li++;
        continue;
      }
      if (done.has(lKey)) {
        li++;
        continue;
      }
    }
    if (rKey !== undefined) {
      take(rKey);
      ri++;
      if (nextShared === rKey) nextShared = shared.shift();
    }
  }
  return out;
}

/**
 * Removes from `merged` (in place) what the applier owned last time (`last`) and nobody owns now
 * (`owned`: every manager's set, the applier's new one included). A field goes with everything
 * below it unless some manager still owns something there.
 */
export function prune(merged: unknown, schema: Schema, last: FieldSet, owned: FieldSet): unknown {
  const walk = (value: unknown, node: Schema, path: FieldPath): unknown => {
    if (isGranularMap(value, node)) {
      for (const key of Object.keys(value)) {
        const childPath = [...path, fieldElement(key)];
        if (!last.hasNode(childPath)) continue;
        if (!owned.hasNode(childPath)) delete value[key];
        else setOwn(value, key, walk(value[key], childSchema(node, key), childPath));
      }
      return value;
    }
    if (isGranularList(value, node)) {
      const kept: unknown[] = [];
      value.forEach((item, index) => {
        const itemPath = [...path, itemElement(item, index, node, false)];
        if (!last.hasNode(itemPath)) kept.push(item);
        else if (owned.hasNode(itemPath)) kept.push(walk(item, node?.items, itemPath));
      });
      return kept;
    }
    return value;
  };
  return walk(merged, schema, []);
}

function own(map: JsonMap, key: string): unknown {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

function shapeOf(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  if (isMap(value)) return 'map';
  return 'scalar';
}

function isEmptyMap(value: unknown): boolean {
  return value === undefined || (isMap(value) && Object.keys(value).length === 0);
}

function isEmptyList(value: unknown): boolean {
  return value === undefined || (Array.isArray(value) && value.length === 0);
}

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isMap(value)) return value;
  const out: JsonMap = {};
  for (const [key, child] of Object.entries(value)) {
    if (child !== null) setOwn(out, key, withoutNulls(child));
  }
  return out;
}
