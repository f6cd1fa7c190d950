// Names and builders of the OpenAPI v3 component schemas: kube-apiserver's names for built-in kinds, small
// constructors that keep the modelled schemas readable, and the $ref closure a document must carry.
import type { JsonObject } from '../resource-type.js';

export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
export const CORE = 'io.k8s.api.core.v1';
export const APPS = 'io.k8s.api.apps.v1';
export const EVENTS = 'io.k8s.api.events.v1';
export const COORDINATION = 'io.k8s.api.coordination.v1';
export const RBAC = 'io.k8s.api.rbac.v1';
export const APIEXTENSIONS = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1';
export const AUTHENTICATION = 'io.k8s.api.authentication.v1';
export const AUTHORIZATION = 'io.k8s.api.authorization.v1';
export const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
export const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

const GROUP_PREFIXES: Record<string, string> = {
  '': 'io.k8s.api.core',
  apps: 'io.k8s.api.apps',
  'events.k8s.io': 'io.k8s.api.events',
  'authentication.k8s.io': 'io.k8s.api.authentication',
  'authorization.k8s.io': 'io.k8s.api.authorization',
  'coordination.k8s.io': 'io.k8s.api.coordination',
  'rbac.authorization.k8s.io': 'io.k8s.api.rbac',
  'apiextensions.k8s.io': 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions',
};

/**
 * The components.schemas name of a kind: kube-apiserver's for built-in groups, and the reversed group domain
 * for the others (teamsdevices.io/v1alpha1 TeamsDevice -> io.teamsdevices.v1alpha1.TeamsDevice).
 */
export function schemaName(group: string, version: string, kind: string): string {
  const prefix = GROUP_PREFIXES[group] ?? group.split('.').reverse().join('.');
  return `${prefix}.${version}.${kind}`;
}

// ---- schema builders ---------------------------------------------------------------------------------------

export type Schema = JsonObject;

export const described = (schema: Schema, description?: string): Schema =>
  description ? { description, ...schema } : schema;

export const refTo = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
/** A field holding a named schema; allOf lets it carry its own description, as kube-apiserver publishes it. */
export const ref = (name: string, description?: string): Schema =>
  described({ allOf: [refTo(name)] }, description);
export const str = (description?: string, extra: Schema = {}): Schema =>
  described({ type: 'string', ...extra }, description);
export const int = (description?: string): Schema =>
  described({ type: 'integer', format: 'int32' }, description);
export const int64 = (description?: string): Schema =>
  described({ type: 'integer', format: 'int64' }, description);
export const bool = (description?: string): Schema => described({ type: 'boolean' }, description);
export const time = (description?: string): Schema => ref(`${META}.Time`, description);
export const microTime = (description?: string): Schema => ref(`${META}.MicroTime`, description);
export const intOrString = (description?: string): Schema => ref(INT_OR_STRING, description);
export const strMap = (description?: string, extra: Schema = {}): Schema =>
  described({ type: 'object', additionalProperties: { type: 'string', default: '' }, ...extra }, description);
export const quantityMap = (description?: string): Schema =>
  described({ type: 'object', additionalProperties: refTo(QUANTITY) }, description);
export const strList = (description?: string, extra: Schema = {}): Schema =>
  described({ type: 'array', items: { type: 'string', default: '' }, ...extra }, description);
export const preserve = (description?: string): Schema =>
  described({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, description);

/**
 * How a list merges, as its Go field is tagged: `key` is the strategic-merge-patch key (`patchMergeKey`, with
 * `strategy`, default `merge`), `mapKeys` the server-side-apply keys (`+listMapKey`, default `[key]`), and
 * `listType` overrides the `+listType` these imply (`map` when keyed, else `atomic`).
 */
export interface ListMerge {
  key?: string;
  strategy?: string;
  mapKeys?: string[];
  listType?: 'atomic' | 'set' | 'map';
}

/** A list whose items are named schemas; `merge` says how kubectl and server-side apply merge it. */
export function list(item: string | Schema, description?: string, merge?: ListMerge): Schema {
  const schema: Schema = { type: 'array', items: typeof item === 'string' ? refTo(item) : item };
  if (merge?.key) {
    schema['x-kubernetes-patch-merge-key'] = merge.key;
    schema['x-kubernetes-patch-strategy'] = merge.strategy ?? 'merge';
  }
  const mapKeys = merge?.mapKeys ?? (merge?.key ? [merge.key] : undefined);
  const listType = merge?.listType ?? (mapKeys ? 'map' : 'atomic');
  schema['x-kubernetes-list-type'] = listType;
  if (listType === 'map' && mapKeys) schema['x-kubernetes-list-map-keys'] = mapKeys;
  return described(schema, description);
}

export function obj(properties: Record<string, Schema>, description?: string, extra: Schema = {}): Schema {
  return described({ type: 'object', properties, ...extra }, description);
}

export const TYPE_META = {
  apiVersion: str(
    'APIVersion defines the versioned schema of this representation of an object. Servers should convert ' +
      'recognized schemas to the latest internal value, and may reject unrecognized values.',
  ),
  kind: str(
    'Kind is a string value representing the REST resource this object represents. Servers may infer this from ' +
      'the endpoint the client submits requests to. Cannot be updated. In CamelCase.',
  ),
};

export const OBJECT_META_DESCRIPTION =
  "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

/** A top-level kind: apiVersion, kind, metadata, then its own fields, tagged with its group-version-kind. */
export function kindSchema(
  group: string,
  version: string,
  kind: string,
  description: string,
  properties: Record<string, Schema>,
  extra: Schema = {},
): Schema {
  return {
    description,
    type: 'object',
    properties: { ...TYPE_META, metadata: ref(`${META}.ObjectMeta`, OBJECT_META_DESCRIPTION), ...properties },
    ...extra,
    'x-kubernetes-group-version-kind': [{ group, kind, version }],
  };
}

/** The `<Kind>List` schema that list operations answer with. */
export function listSchema(group: string, version: string, kind: string, listKind: string): Schema {
  return {
    description: `${listKind} is a list of ${kind}`,
    type: 'object',
    required: ['items'],
    properties: {
      ...TYPE_META,
      items: {
        description: `List of ${kind.toLowerCase()}s.`,
        type: 'array',
        items: refTo(schemaName(group, version, kind)),
      },
      metadata: ref(`${META}.ListMeta`, 'Standard list metadata.'),
    },
    'x-kubernetes-group-version-kind': [{ group, kind: listKind, version }],
  };
}

/** The names a schema refers to (through $ref), transitively, within the given components. */
export function referencedSchemas(
  roots: Iterable<unknown>,
  components: Readonly<Record<string, Schema>>,
): Set<string> {
  const seen = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith('#/components/schemas/')) {
        const name = value.slice('#/components/schemas/'.length);
        if (!seen.has(name)) {
          seen.add(name);
          walk(components[name]);
        }
      } else {
        walk(value);
      }
    }
  };
  for (const root of roots) walk(root);
  return seen;
}
