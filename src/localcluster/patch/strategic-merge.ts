// Strategic merge patch (`application/strategic-merge-patch+json`), the patch that `kubectl apply`
// (client-side), `kubectl patch` and helm 3 upgrades send for built-in kinds. A port of the apply
// half of k8s.io/apimachinery/pkg/util/strategicpatch: lists tagged `patchStrategy: merge` merge by
// their `patchMergeKey` (lists of scalars merge as sets), other lists are replaced, maps merge,
// and null deletes. Directives: `$patch: replace|delete|merge`, `$retainKeys`,
// `$setElementOrder/<list>` and `$deleteFromPrimitiveList/<list>`.

import { badRequest, invalidPatch } from '../errors.js';
import { listKeysForKind } from './builtin-list-keys.js';
import { clone, describe, isMap, type JsonMap, setOwn } from './json.js';
import { childSchema, type ListKeyLookup } from './schema.js';

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ELEMENT_ORDER = '$setElementOrder/';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList/';

/** Applies `patch` to a copy of `target`, a built-in object of `kind` (e.g. 'Deployment'). */
export function applyStrategicMergePatch(target: object, patch: object, kind: string): object {
  if (!isMap(patch)) throw badRequest('invalid JSON document: a strategic merge patch must be a JSON object');
  const apiVersion = isMap(target) && typeof target.apiVersion === 'string' ? target.apiVersion : undefined;
  return mergeMap(clone(target) as JsonMap, clone(patch), listKeysForKind(kind, apiVersion));
}

/** Merges `patch` into `original` (both already private copies, so both may be modified). */
function mergeMap(original: JsonMap | undefined, patch: JsonMap, schema: ListKeyLookup | undefined): JsonMap {
  if (Object.hasOwn(patch, DIRECTIVE)) {
    const directive = patch[DIRECTIVE];
    delete patch[DIRECTIVE];
    if (directive === 'replace') return cleanMap(patch);
    if (directive === 'delete') return {};
    if (directive !== 'merge') {
      throw badRequest(`unknown patch type: ${describe(directive)} in map: ${describe(patch)}`);
    }
  }
  const result = original ?? {};
  applyRetainKeys(result, patch);
  applySetElementOrder(result, patch, schema);

  for (const [patchKey, patchValue] of Object.entries(patch)) {
    const deleteList = patchKey.startsWith(DELETE_FROM_PRIMITIVE_LIST);
    const key = deleteList ? patchKey.slice(DELETE_FROM_PRIMITIVE_LIST.length) : patchKey;
    if (deleteList && (key === '' || !Array.isArray(patchValue))) {
      throw badRequest('invalid patch format of primitive list');
    }
    if (patchValue === null) {
      delete result[key];
      continue;
    }
    const current = result[key];
    if (!Object.hasOwn(result, key) || shapeOf(current) !== shapeOf(patchValue)) {
      // A new value (or one of another shape) is taken as it is, minus directives and nulls.
      if (!deleteList) setCleaned(result, key, patchValue);
      continue;
    }
    const field = childSchema(schema, key);
    if (isMap(current) && isMap(patchValue)) {
      setOwn(
        result,
        key,
        strategyOf(field) === 'replace' ? cleanMap(patchValue) : mergeMap(current, patchValue, field),
      );
    } else if (Array.isArray(current) && Array.isArray(patchValue)) {
      setOwn(
        result,
        key,
        deleteList
          ? current.filter((item) => !patchValue.includes(item))
          : mergeListField(current, patchValue, field),
      );
    } else {
      setOwn(result, key, patchValue);
    }
  }
  return result;
}

/** `$retainKeys`: keys of the original map not in the list are cleared (Deployment strategy, volumes). */
function applyRetainKeys(original: JsonMap, patch: JsonMap): void {
  if (!Object.hasOwn(patch, RETAIN_KEYS)) return;
  const list = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(list)) throw badRequest('invalid patch format of retainKeys');
  const retained = new Set(list);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || key.startsWith(DELETE_FROM_PRIMITIVE_LIST) || key.startsWith(SET_ELEMENT_ORDER)) {
      continue;
    }
    if (!retained.has(key)) throw badRequest('invalid patch format of retainKeys');
  }
  for (const key of Object.keys(original)) {
    if (!retained.has(key)) delete original[key];
  }
}

/**
 * `$setElementOrder/<list>`: merges the list's patch (if any) into the original, then orders the
 * result: $setElementOrder first, then the order in the patch, then the order in the live list.
 */
function applySetElementOrder(original: JsonMap, patch: JsonMap, schema: ListKeyLookup | undefined): void {
  for (const directiveKey of Object.keys(patch)) {
    if (!directiveKey.startsWith(SET_ELEMENT_ORDER)) continue;
    const order = patch[directiveKey];
    delete patch[directiveKey];
    const key = directiveKey.slice(SET_ELEMENT_ORDER.length);
    if (!Array.isArray(order) || key === '') throw badRequest('invalid patch format of setElementOrder list');
    const originalList = listAt(original, key);
    const patchList = listAt(patch, key);
    const field = childSchema(schema, key);
    const mergeKey = field?.patchMergeKey ?? '';
    validateOrder(patchList ?? [], order, mergeKey);

    let merged: unknown[];
    if (originalList && patchList) merged = mergeListField(originalList, patchList, field);
    else if (originalList) merged = originalList;
    else if (patchList) merged = cleanList(patchList);
    else continue;
    const [ordered, serverOnly] = partition(merged, order, mergeKey);
    setOwn(original, key, normalizeOrder(ordered, serverOnly, order, originalList ?? [], mergeKey));
    delete patch[key];
  }
}

function listAt(map: JsonMap, key: string): unknown[] | undefined {
  if (!Object.hasOwn(map, key)) return undefined;
  const value = map[key];
  if (!Array.isArray(value)) throw badRequest(`invalid patch: ${key} is not a list`);
  return value;
}

/** The items of the patch list must appear in $setElementOrder, in the same relative order. */
function validateOrder(patchList: unknown[], order: unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const items = mergeKey
    ? patchList.filter((item) => !(isMap(item) && item[DIRECTIVE] === 'delete'))
    : patchList;
  let p = 0;
  for (let o = 0; p < items.length && o < order.length; o++) {
    while (p < items.length && isMap(items[p]) && Object.hasOwn(items[p] as JsonMap, DIRECTIVE)) p++;
    if (p < items.length && sameItem(items[p], order[o], mergeKey)) p++;
  }
  while (p < items.length && isMap(items[p]) && Object.hasOwn(items[p] as JsonMap, DIRECTIVE)) p++;
  if (p < items.length) {
    throw badRequest(
      `the order in patch list:\n${describe(patchList)}\n doesn't match $setElementOrder list:\n${describe(order)}`,
    );
  }
}

function mergeListField(original: unknown[], patch: unknown[], field: ListKeyLookup | undefined): unknown[] {
  if (strategyOf(field) !== 'merge') return cleanList(patch);
  return mergeList(original, patch, field?.patchMergeKey ?? '', field?.items);
}

function mergeList(
  original: unknown[],
  patch: unknown[],
  mergeKey: string,
  itemSchema: ListKeyLookup | undefined,
): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const ofMaps = elementsAreMaps([...original, ...patch]);
  let base = original;
  let patchItems = patch;
  let merged: unknown[];
  if (!ofMaps) {
    merged = [...new Set([...original, ...patch])];
  } else {
    if (!mergeKey) throw invalidPatch('cannot merge lists without merge key');
    [base, patchItems] = applyListDirectives(original, patch, mergeKey);
    merged = mergeItems(base, patchItems, mergeKey, itemSchema);
  }
  const [inPatch, serverOnly] = partition(merged, patchItems, mergeKey);
  return normalizeOrder(inPatch, serverOnly, patchItems, base, mergeKey);
}

function elementsAreMaps(items: unknown[]): boolean {
  if (items.some(Array.isArray)) throw invalidPatch('lists of lists are not supported');
  const maps = items.filter(isMap).length;
  if (maps !== 0 && maps !== items.length) {
    throw invalidPatch(`list element types are not identical: ${describe(items)}`);
  }
  return maps !== 0;
}

/**
 * List items carrying `$patch`: `delete` removes the live items with that key, `replace` makes the
 * other patch items the whole list, `merge` is a plain item. Returns [original, patch items].
 */
function applyListDirectives(
  original: unknown[],
  patch: unknown[],
  mergeKey: string,
): [unknown[], unknown[]] {
  let base = original;
  let replace = false;
  const items: unknown[] = [];
  for (const item of patch as JsonMap[]) {
    const directive = item[DIRECTIVE];
    if (directive === undefined || directive === 'merge') {
      items.push(item);
    } else if (directive === 'delete') {
      if (!Object.hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
      base = base.filter((o) => !(isMap(o) && o[mergeKey] === item[mergeKey]));
    } else if (directive === 'replace') {
      replace = true;
    } else {
      throw badRequest(`unknown patch type: ${describe(directive)} in map: ${describe(item)}`);
    }
  }
  return replace ? [cleanList(items), []] : [base, items];
}

function mergeItems(
  original: unknown[],
  patch: unknown[],
  mergeKey: string,
  itemSchema: ListKeyLookup | undefined,
): unknown[] {
  const result = [...original];
  for (const item of patch as JsonMap[]) {
    if (!Object.hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
    const index = result.findIndex(
      (o) => isMap(o) && Object.hasOwn(o, mergeKey) && o[mergeKey] === item[mergeKey],
    );
    if (index >= 0) result[index] = mergeMap(result[index] as JsonMap, item, itemSchema);
    else result.push(mergeMap(undefined, item, itemSchema));
  }
  return result;
}

function noMergeKey(item: JsonMap, mergeKey: string) {
  return invalidPatch(`map: ${describe(item)} does not contain declared merge key: ${mergeKey}`);
}

/** Splits `items` into those present in `by` (by merge key, or by value for scalars) and the rest. */
function partition(items: unknown[], by: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const present: unknown[] = [];
  const absent: unknown[] = [];
  for (const item of items) (indexOf(by, item, mergeKey) >= 0 ? present : absent).push(item);
  return [present, absent];
}

/**
 * Orders `inPatch` as in `patchOrder` and `serverOnly` as in `serverOrder`, then interleaves them:
 * a server-only item goes before a patch item it preceded in the live list.
 */
function normalizeOrder(
  inPatch: unknown[],
  serverOnly: unknown[],
  patchOrder: unknown[],
  serverOrder: unknown[],
  mergeKey: string,
): unknown[] {
  const left = sortByOrder(serverOnly, serverOrder, mergeKey);
  const right = sortByOrder(inPatch, patchOrder, mergeKey);
  const result: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (j >= right.length) result.push(left[i++]);
    else if (i >= left.length) result.push(right[j++]);
    else {
      const li = indexOf(serverOrder, left[i], mergeKey);
      const ri = indexOf(serverOrder, right[j], mergeKey);
      if (li >= 0 && ri >= 0 && li < ri) result.push(left[i++]);
      else result.push(right[j++]);
    }
  }
  return result;
}

function sortByOrder(items: unknown[], order: unknown[], mergeKey: string): unknown[] {
  const rank = (item: unknown) => {
    const index = indexOf(order, item, mergeKey);
    return index < 0 ? Number.POSITIVE_INFINITY : index;
  };
  return [...items].sort((a, b) => rank(a) - rank(b) || 0);
}

function indexOf(list: unknown[], item: unknown, mergeKey: string): number {
  return list.findIndex((candidate) => sameItem(candidate, item, mergeKey));
}

function sameItem(a: unknown, b: unknown, mergeKey: string): boolean {
  if (!mergeKey) return a === b;
  return isMap(a) && isMap(b) && Object.hasOwn(a, mergeKey) && a[mergeKey] === b[mergeKey];
}

function strategyOf(field: ListKeyLookup | undefined): string {
  return (field?.patchStrategy ?? '')
    .split(',')
    .filter((s) => s !== 'retainKeys')
    .join(',');
}

function shapeOf(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  return value === null ? 'null' : typeof value;
}

/** Stores a patch value that is not merged with anything, without its directives and nulls. */
function setCleaned(map: JsonMap, key: string, value: unknown): void {
  const cleaned = cleanValue(value);
  if (cleaned === undefined) delete map[key];
  else setOwn(map, key, cleaned);
}

/**
 * A patch value as the object should hold it: no directive keys, no null map values, no items
 * that `$patch: delete` themselves. (The API server drops these when it decodes into Go types.)
 */
function cleanValue(value: unknown): unknown {
  if (Array.isArray(value)) return cleanList(value);
  if (!isMap(value)) return value;
  if (value[DIRECTIVE] === 'delete') return undefined;
  return cleanMap(value);
}

function cleanMap(map: JsonMap): JsonMap {
  const result: JsonMap = {};
  for (const [key, value] of Object.entries(map)) {
    if (value === null || key === DIRECTIVE || key === RETAIN_KEYS) continue;
    if (key.startsWith(SET_ELEMENT_ORDER) || key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) continue;
    const cleaned = cleanValue(value);
    if (cleaned !== undefined) setOwn(result, key, cleaned);
  }
  return result;
}

function cleanList(list: unknown[]): unknown[] {
  return list.map(cleanValue).filter((item) => item !== undefined);
}
