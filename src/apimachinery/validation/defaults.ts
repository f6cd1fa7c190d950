// Defaulting, top-down (apiextensions-apiserver schema/defaulting/algorithm.go): a missing field (or a
// null one that is not nullable) gets its default, and the walk then descends into it, so the defaults
// declared inside a defaulted object apply too.
import { deepCopy, isObject } from './deep.js';
import type { SchemaNode } from './schema.js';

function needsDefault(present: boolean, value: unknown, schema: SchemaNode): boolean {
  return schema.hasDefault && (!present || (value === null && !schema.nullable));
}

export function applyDefaults(value: unknown, node: SchemaNode | undefined): void {
  if (!node?.hasDefaults) return;
  if (Array.isArray(value)) {
    const items = node.items;
    if (!items) return;
    value.forEach((item, i) => {
      if (needsDefault(true, item, items)) value[i] = deepCopy(items.default);
      applyDefaults(value[i], items);
    });
    return;
  }
  if (!isObject(value)) return;
  for (const [name, property] of node.properties ?? []) {
    if (needsDefault(Object.hasOwn(value, name), value[name], property))
      value[name] = deepCopy(property.default);
  }
  const mapValues = typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined;
  for (const key of Object.keys(value)) {
    const property = node.properties?.get(key);
    if (property) applyDefaults(value[key], property);
    else if (mapValues) {
      if (needsDefault(true, value[key], mapValues)) value[key] = deepCopy(mapValues.default);
      applyDefaults(value[key], mapValues);
    }
  }
}
