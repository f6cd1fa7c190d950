// Pruning of unknown fields (apiextensions-apiserver schema/pruning) and of nulls the schema does not
// allow and cannot default (schema/defaulting/prunenulls.go), in the order the decoder applies them.
import { isObject } from './deep.js';
import { child, index, META_FIELDS } from './paths.js';
import type { SchemaNode } from './schema.js';

type Unknown = string[];

function mapValueSchema(node: SchemaNode): SchemaNode | undefined {
  return typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined;
}

/** Removes fields the schema does not specify, recording their paths in `unknown`. */
export function prune(value: unknown, node: SchemaNode | undefined, path: string, unknown: Unknown): void {
  if (node?.preserveUnknownFields) {
    keepUnknown(value, node, path, unknown);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      prune(item, node?.items, index(path, i), unknown);
    });
    return;
  }
  if (!isObject(value)) return;
  for (const key of Object.keys(value)) {
    if (node?.resourceRoot && META_FIELDS.has(key)) continue;
    const property = node?.properties?.get(key);
    if (property) prune(value[key], property, child(path, key), unknown);
    else if (node && node.additionalProperties !== undefined) {
      prune(value[key], mapValueSchema(node), child(path, key), unknown);
    } else {
      unknown.push(child(path, key));
      delete value[key];
    }
  }
}

/** Under x-kubernetes-preserve-unknown-fields: keeps unknown fields, still prunes inside known ones. */
function keepUnknown(value: unknown, node: SchemaNode | undefined, path: string, unknown: Unknown): void {
  if (!node) return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      keepUnknown(item, node.items, index(path, i), unknown);
    });
    return;
  }
  if (!isObject(value)) return;
  for (const key of Object.keys(value)) {
    if (node.resourceRoot && META_FIELDS.has(key)) continue;
    const property = node.properties?.get(key);
    if (property) prune(value[key], property, child(path, key), unknown);
    else if (node.additionalProperties !== undefined) {
      prune(value[key], mapValueSchema(node), child(path, key), unknown);
    }
  }
}

/** Drops `null` from fields that are neither nullable nor defaulted (those get their default next). */
export function pruneNulls(value: unknown, node: SchemaNode | undefined): void {
  if (Array.isArray(value)) {
    for (const item of value) pruneNulls(item, node?.items);
    return;
  }
  if (!isObject(value)) return;
  for (const key of Object.keys(value)) {
    const schema = node?.properties?.get(key) ?? (node ? mapValueSchema(node) : undefined);
    if (value[key] === null && schema && !schema.nullable && !schema.hasDefault) delete value[key];
    else pruneNulls(value[key], schema);
  }
}
