// Uniqueness of x-kubernetes-list-type `set` items and `map` keys
// (apiextensions-apiserver schema/listtype/validation.go): the second occurrence of a value is reported.
import { isObject } from './deep.js';
import * as fe from './field-errors.js';
import { child, index } from './paths.js';
import type { SchemaNode } from './schema.js';
import type { FieldCause } from './types.js';

/** A key that tells values apart the way Go does: by type, then by value (maps by their JSON). */
function identity(value: unknown): string {
  if (isObject(value) || Array.isArray(value)) return `json:${canonicalJson(value)}`;
  if (typeof value === 'number') return Number.isInteger(value) ? `int:${value}` : `float:${value}`;
  return `${typeof value}:${String(value)}`;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Indices of the first repeat of each value that occurs more than once. */
function firstRepeats(values: unknown[]): number[] {
  const seen = new Map<string, number>();
  const repeats: number[] = [];
  values.forEach((v, i) => {
    const id = identity(v);
    const times = seen.get(id) ?? 0;
    seen.set(id, times + 1);
    if (times === 1) repeats.push(i);
  });
  return repeats;
}

function validateMapList(node: SchemaNode, list: unknown[], path: string): FieldCause[] {
  const notObject = list.findIndex((x) => x !== null && !isObject(x));
  if (notObject >= 0) {
    return [
      fe.invalid(index(path, notObject), list[notObject], 'must be an object for an array of list-type map'),
    ];
  }
  const keys = list.map((x) => {
    const key: Record<string, unknown> = {};
    for (const k of node.listMapKeys) if (isObject(x) && Object.hasOwn(x, k)) key[k] = x[k];
    return key;
  });
  return firstRepeats(keys).map((i) => fe.duplicate(index(path, i), keys[i]));
}

function walk(node: SchemaNode, value: unknown, path: string, out: FieldCause[]): void {
  if (!node.hasListTypes) return;
  if (Array.isArray(value)) {
    if (node.listType === 'set')
      for (const i of firstRepeats(value)) out.push(fe.duplicate(index(path, i), value[i]));
    else if (node.listType === 'map') out.push(...validateMapList(node, value, path));
    const items = node.items;
    if (items) {
      value.forEach((item, i) => {
        walk(items, item, index(path, i), out);
      });
    }
    return;
  }
  if (!isObject(value)) return;
  const mapValues = typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined;
  for (const [key, v] of Object.entries(value)) {
    const property = node.properties?.get(key);
    if (property) walk(property, v, child(path, key), out);
    else if (mapValues) walk(mapValues, v, index(path, key), out);
  }
}

export function validateListTypes(root: SchemaNode, value: unknown): FieldCause[] {
  const out: FieldCause[] = [];
  walk(root, value, '', out);
  return out;
}
