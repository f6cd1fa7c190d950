// What the patch functions need to know about the shape of an object: which lists are keyed
// (and by what), which are sets, which lists and maps are atomic, and, for built-in kinds, the
// strategic-merge-patch tags of the Go types. A CRD's openAPIV3Schema gives the first three;
// built-in kinds carry a hand-written table (builtin-schema.ts). Paths not described are
// treated as Kubernetes treats a schema without annotations: maps merge, lists are atomic.
import { isMap, type JsonMap } from './json.js';

export interface ListKeyLookup {
  /** Named fields of an object (`properties`). */
  readonly fields?: Readonly<Record<string, ListKeyLookup>>;
  /** The schema of every value of a map (`additionalProperties`). */
  readonly additionalProperties?: ListKeyLookup;
  /** The schema of each item of a list. */
  readonly items?: ListKeyLookup;
  /** `x-kubernetes-list-type`; a list without one is atomic. */
  readonly listType?: 'atomic' | 'set' | 'map';
  /** `x-kubernetes-list-map-keys` of a `map` list. */
  readonly listMapKeys?: readonly string[];
  /** Defaults of list map keys (e.g. a port's protocol), used when an item leaves a key out. */
  readonly listMapKeyDefaults?: Readonly<Record<string, unknown>>;
  /** `x-kubernetes-map-type` (or the Go `+structType`): an atomic object is replaced and owned whole. */
  readonly mapType?: 'atomic' | 'granular';
  /** Strategic merge patch strategy of this field (Go tag `patchStrategy`), built-in kinds only. */
  readonly patchStrategy?: 'merge' | 'replace' | 'retainKeys' | 'merge,retainKeys';
  /** Strategic merge patch merge key of this list (Go tag `patchMergeKey`), built-in kinds only. */
  readonly patchMergeKey?: string;
}

/** The schema of `value[key]` when `node` describes `value`. */
export function childSchema(node: ListKeyLookup | undefined, key: string): ListKeyLookup | undefined {
  if (!node) return undefined;
  if (node.fields && Object.hasOwn(node.fields, key)) return node.fields[key];
  return node.additionalProperties;
}

/**
 * True when `key` is an entry of a map (additionalProperties) rather than a named field. Server-side
 * apply owns map entries themselves, and named fields only through their leaves.
 */
export function isMapEntry(node: ListKeyLookup | undefined, key: string): boolean {
  return !!node?.additionalProperties && !(node.fields && Object.hasOwn(node.fields, key));
}

/** ObjectMeta as metav1 declares it; every kind, built-in or custom, has it at `metadata`. */
export const OBJECT_META: ListKeyLookup = {
  fields: {
    labels: { additionalProperties: {} },
    annotations: { additionalProperties: {} },
    finalizers: { listType: 'set', patchStrategy: 'merge' },
    ownerReferences: {
      listType: 'map',
      listMapKeys: ['uid'],
      patchStrategy: 'merge',
      patchMergeKey: 'uid',
      items: { mapType: 'atomic' },
    },
    managedFields: { listType: 'atomic' },
  },
};

/** The schema of a kind nobody described: only its metadata is known. */
export const UNKNOWN_KIND: ListKeyLookup = { fields: { metadata: OBJECT_META } };

/**
 * Reads the list and map semantics out of a CRD version's openAPIV3Schema: `x-kubernetes-list-type`,
 * `x-kubernetes-list-map-keys` (with the keys' defaults) and `x-kubernetes-map-type`.
 */
export function listKeysFromSchema(openAPIV3Schema: object): ListKeyLookup {
  const root = fromSchema(openAPIV3Schema as JsonMap);
  return { ...root, fields: { ...root.fields, metadata: OBJECT_META } };
}

function fromSchema(schema: JsonMap): ListKeyLookup {
  const node: {
    -readonly [K in keyof ListKeyLookup]: ListKeyLookup[K];
  } = {};
  const listType = schema['x-kubernetes-list-type'];
  if (listType === 'atomic' || listType === 'set' || listType === 'map') node.listType = listType;
  const keys = schema['x-kubernetes-list-map-keys'];
  if (Array.isArray(keys)) node.listMapKeys = keys.filter((k): k is string => typeof k === 'string');
  const mapType = schema['x-kubernetes-map-type'];
  if (mapType === 'atomic' || mapType === 'granular') node.mapType = mapType;

  if (isMap(schema.properties)) {
    const fields: Record<string, ListKeyLookup> = {};
    for (const [name, property] of Object.entries(schema.properties)) {
      if (isMap(property)) fields[name] = fromSchema(property);
    }
    if (schema['x-kubernetes-embedded-resource'] === true) fields.metadata = OBJECT_META;
    node.fields = fields;
  }
  if (isMap(schema.additionalProperties)) node.additionalProperties = fromSchema(schema.additionalProperties);
  if (isMap(schema.items)) {
    node.items = fromSchema(schema.items);
    const itemProperties = schema.items.properties;
    if (node.listMapKeys && isMap(itemProperties)) {
      const defaults: Record<string, unknown> = {};
      for (const key of node.listMapKeys) {
        const property = itemProperties[key];
        if (isMap(property) && property.default !== undefined) defaults[key] = property.default;
      }
      if (Object.keys(defaults).length > 0) node.listMapKeyDefaults = defaults;
    }
  }
  return node;
}
