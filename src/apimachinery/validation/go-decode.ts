// Whether a JSON value has the types of a Go struct, checked the way Go's encoding/json fills it, with the
// decoder's own words: kube-apiserver refuses `metadata.labels: "x"` or `finalizers: {a: 1}` (and
// DeleteOptions of the wrong types) before anything else looks at the request. null is the zero value
// and always accepted; fields the struct does not declare are not this check's business.

/** A Go type as encoding/json sees it: a scalar, a string map or list, a struct, or a list of structs. */
export type GoType =
  | 'string'
  | 'types.UID'
  | 'v1.Time'
  | 'int64'
  | 'bool'
  | 'map[string]string'
  | '[]string'
  | 'any'
  | GoStruct
  | { list: GoStruct };

export interface GoStruct {
  /** The Go type's name without its package, as errors print it: `ObjectMeta`. */
  struct: string;
  fields: Readonly<Record<string, GoType>>;
}

const OWNER_REFERENCE: GoStruct = {
  struct: 'OwnerReference',
  fields: {
    apiVersion: 'string',
    kind: 'string',
    name: 'string',
    uid: 'types.UID',
    controller: 'bool',
    blockOwnerDeletion: 'bool',
  },
};

const MANAGED_FIELDS_ENTRY: GoStruct = {
  struct: 'ManagedFieldsEntry',
  fields: {
    manager: 'string',
    operation: 'string',
    apiVersion: 'string',
    time: 'v1.Time',
    fieldsType: 'string',
    fieldsV1: 'any',
    subresource: 'string',
  },
};

const OBJECT_META = {
  struct: 'ObjectMeta',
  fields: {
    name: 'string',
    generateName: 'string',
    namespace: 'string',
    selfLink: 'string',
    uid: 'types.UID',
    resourceVersion: 'string',
    generation: 'int64',
    creationTimestamp: 'v1.Time',
    deletionTimestamp: 'v1.Time',
    deletionGracePeriodSeconds: 'int64',
    labels: 'map[string]string',
    annotations: 'map[string]string',
    ownerReferences: { list: OWNER_REFERENCE },
    finalizers: '[]string',
    managedFields: { list: MANAGED_FIELDS_ENTRY },
  },
} satisfies GoStruct;

/** The JSON type in encoding/json's UnmarshalTypeError: string, number, bool, array, object. */
function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}

function goTypeName(type: GoType): string {
  if (typeof type === 'string') return type;
  return 'list' in type ? `[]v1.${type.list.struct}` : `v1.${type.struct}`;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The decoder's message for `value` at `path` (`metadata.labels`), or undefined when it fits `type`. */
function check(value: unknown, type: GoType, struct: string, path: string): string | undefined {
  if (value === null || type === 'any') return undefined;
  const fail = (shown = jsonType(value)) =>
    `json: cannot unmarshal ${shown} into Go struct field ${struct}.${path} of type ${goTypeName(type)}`;
  switch (type) {
    case 'string':
    case 'types.UID':
    case 'v1.Time':
      return typeof value === 'string' ? undefined : fail();
    case 'bool':
      return typeof value === 'boolean' ? undefined : fail();
    case 'int64':
      if (typeof value !== 'number') return fail();
      // a number that is not an int64 is named with its digits
      return Number.isSafeInteger(value) ? undefined : fail(`number ${String(value)}`);
    case 'map[string]string':
      if (!isMap(value)) return fail();
      for (const item of Object.values(value)) {
        if (item !== null && typeof item !== 'string') return check(item, 'string', struct, path);
      }
      return undefined;
    case '[]string':
      if (!Array.isArray(value)) return fail();
      for (const item of value) {
        if (item !== null && typeof item !== 'string') return check(item, 'string', struct, path);
      }
      return undefined;
  }
  if ('list' in type) {
    if (!Array.isArray(value)) return fail();
    for (const item of value) {
      const problem = check(item, type.list, struct, path);
      if (problem) return problem;
    }
    return undefined;
  }
  if (!isMap(value)) return fail();
  return goTypeError(value, type, path);
}

/**
 * Why `value` cannot be decoded into `struct` (fields it does not declare are ignored, as encoding/json
 * ignores them), or undefined when it can. `path` is the JSON path of `value` in the request.
 */
export function goTypeError(value: unknown, struct: GoStruct, path = ''): string | undefined {
  if (value === null) return undefined;
  if (!isMap(value))
    return `json: cannot unmarshal ${jsonType(value)} into Go value of type v1.${struct.struct}`;
  for (const [key, item] of Object.entries(value)) {
    // own fields only: `toString` is not a field of any struct
    const field = Object.hasOwn(struct.fields, key) ? struct.fields[key] : undefined;
    if (field === undefined) continue;
    const problem = check(item, field, struct.struct, path === '' ? key : `${path}.${key}`);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * Why an object's `metadata` cannot be decoded into metav1.ObjectMeta, as encoding/json words it
 * (`json: cannot unmarshal string into Go struct field ObjectMeta.metadata.labels of type
 * map[string]string`); undefined when it can. `kind` names the enclosing struct for a metadata
 * that is not an object at all.
 */
export function objectMetaTypeError(metadata: unknown, kind: string): string | undefined {
  if (metadata === undefined || metadata === null) return undefined;
  if (!isMap(metadata)) {
    return `json: cannot unmarshal ${jsonType(metadata)} into Go struct field ${kind}.metadata of type v1.ObjectMeta`;
  }
  return goTypeError(metadata, OBJECT_META, 'metadata');
}
