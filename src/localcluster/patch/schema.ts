// What the patch functions need to know about the shape of an object: which lists are keyed
// (and by what), which are sets, which lists and maps are atomic, and, for built-in kinds, the
// strategic-merge-patch tags of the Go types. A CRD's openAPIV3Schema gives the first three;
// built-in kinds give all of them through their OpenAPI schemas (builtin-list-keys.ts). Paths not
// described are treated as Kubernetes treats a schema without annotations: maps merge, lists are atomic.
import { META } from '../openapi/schema-kit.js';
import { META_SCHEMAS } from '../openapi/schemas/meta.js';
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

/**
 * Reads the list and map semantics out of a CRD version's openAPIV3Schema: `x-kubernetes-list-type`,
 * `x-kubernetes-list-map-keys` (with the keys' defaults) and `x-kubernetes-map-type`.
 */
export function listKeysFromSchema(openAPIV3Schema: object): ListKeyLookup {
  const root = fromSchema(openAPIV3Schema as JsonMap, undefined);
  return { ...root, fields: { ...root.fields, metadata: OBJECT_META } };
}

/**
 * Reads the same semantics, plus the strategic-merge-patch extensions (`x-kubernetes-patch-strategy`,
 * `x-kubernetes-patch-merge-key`), out of a component schema that refers to others by `$ref`, as
 * kube-apiserver's field manager and kubectl read the published OpenAPI of built-in kinds.
 */
export function listKeysFromComponents(
  schema: object,
  components: Readonly<Record<string, object>>,
): ListKeyLookup {
  return fromSchema(schema as JsonMap, components as Readonly<Record<string, JsonMap>>);
}

/** Named schemas `$ref` resolves against; a CRD's schema has none (apiextensions forbids `$ref`). */
type Components = Readonly<Record<string, JsonMap>> | undefined;
const REF_PREFIX = '#/components/schemas/';
const STRATEGIES = new Set(['merge', 'replace', 'retainKeys', 'merge,retainKeys']);

/**
 * A schema with its `$ref` (or the `allOf: [{$ref}]` a described field uses) replaced by the named
 * schema; the referring schema's own keywords win, as they carry the field's own extensions.
 */
function resolve(schema: JsonMap, components: Components, seen: readonly string[]): [JsonMap, string[]] {
  const allOf = schema.allOf;
  const target = Array.isArray(allOf) && allOf.length === 1 && isMap(allOf[0]) ? allOf[0] : schema;
  const $ref = target.$ref;
  if (!components || typeof $ref !== 'string' || !$ref.startsWith(REF_PREFIX)) return [schema, [...seen]];
  const name = $ref.slice(REF_PREFIX.length);
  // The modelled schemas are trees; a cycle would make this reader loop, so it is a bug to report.
  if (seen.includes(name))
    throw new Error(`schema ${name} refers to itself: ${[...seen, name].join(' -> ')}`);
  const named = components[name];
  if (!named) throw new Error(`schema ${name} is referred to but not defined`);
  const { allOf: _allOf, $ref: _ref, ...own } = schema;
  const [inner, path] = resolve(named, components, [...seen, name]);
  return [{ ...inner, ...own }, path];
}

function fromSchema(raw: JsonMap, components: Components, seen: readonly string[] = []): ListKeyLookup {
  const [schema, path] = resolve(raw, components, seen);
  const node: {
    -readonly [K in keyof ListKeyLookup]: ListKeyLookup[K];
  } = {};
  const listType = schema['x-kubernetes-list-type'];
  if (listType === 'atomic' || listType === 'set' || listType === 'map') node.listType = listType;
  const keys = schema['x-kubernetes-list-map-keys'];
  if (Array.isArray(keys)) node.listMapKeys = keys.filter((k): k is string => typeof k === 'string');
  const mapType = schema['x-kubernetes-map-type'];
  if (mapType === 'atomic' || mapType === 'granular') node.mapType = mapType;
  const strategy = schema['x-kubernetes-patch-strategy'];
  if (typeof strategy === 'string' && STRATEGIES.has(strategy)) {
    node.patchStrategy = strategy as ListKeyLookup['patchStrategy'];
  }
  const mergeKey = schema['x-kubernetes-patch-merge-key'];
  if (typeof mergeKey === 'string') node.patchMergeKey = mergeKey;

  if (isMap(schema.properties)) {
    const fields: Record<string, ListKeyLookup> = {};
    for (const [name, property] of Object.entries(schema.properties)) {
      if (isMap(property)) fields[name] = fromSchema(property, components, path);
    }
    if (schema['x-kubernetes-embedded-resource'] === true) fields.metadata = OBJECT_META;
    node.fields = fields;
  }
  if (isMap(schema.additionalProperties)) {
    node.additionalProperties = fromSchema(schema.additionalProperties, components, path);
  }
  if (isMap(schema.items)) {
    node.items = fromSchema(schema.items, components, path);
    const [items] = resolve(schema.items, components, path);
    const itemProperties = items.properties;
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

/** ObjectMeta as metav1 declares it; every kind, built-in or custom, has it at `metadata`. */
export const OBJECT_META: ListKeyLookup = listKeysFromComponents(
  META_SCHEMAS[`${META}.ObjectMeta`] as object,
  META_SCHEMAS,
);

/** The schema of a kind nobody described: only its metadata is known. */
export const UNKNOWN_KIND: ListKeyLookup = { fields: { metadata: OBJECT_META } };
