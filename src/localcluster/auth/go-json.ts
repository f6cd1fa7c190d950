// The review kinds are decoded the way kube-apiserver's JSON decoder fills their Go structs: a field of the
// wrong JSON type is a 400 naming it, null is the zero value (absent), and unknown fields are dropped
// (reported for fieldValidation). The result is the object as kube-apiserver would write it back.
import { badRequest } from '../errors.js';
import type { JsonObject } from '../resource-type.js';
import { isObject } from '../util/json.js';

/** A field of a Go struct: a scalar, a list, a string-list map, a nested struct, or anything (not checked). */
export type GoField =
  | 'string'
  | 'bool'
  | '[]string'
  | 'map[string][]string'
  /** metav1.ObjectMeta: any object, its content not checked. */
  | 'v1.ObjectMeta'
  /** Not checked at all (a status the server overwrites). */
  | 'any'
  | GoStruct
  | { list: GoStruct };

export interface GoStruct {
  /** The Go type, e.g. `v1.ResourceAttributes`. */
  type: string;
  fields: Readonly<Record<string, GoField>>;
}

function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  return typeof value === 'boolean' ? 'bool' : typeof value;
}

function goTypeOf(field: GoField): string {
  if (typeof field === 'string') return field === 'map[string][]string' ? 'map[string]v1.ExtraValue' : field;
  return 'list' in field ? `[]${field.list.type}` : field.type;
}

export class GoDecoder {
  /** Paths of fields the structs do not have, e.g. `spec.foo`. */
  readonly unknownFields: string[] = [];

  /** `kind` names the top-level struct in errors: `SelfSubjectAccessReview`. */
  constructor(private readonly kind: string) {}

  decode(value: JsonObject, struct: GoStruct): JsonObject {
    return this.struct(value, struct, '', this.kind);
  }

  private struct(value: JsonObject, struct: GoStruct, path: string, structName: string): JsonObject {
    const out: JsonObject = {};
    for (const [key, item] of Object.entries(value)) {
      const at = path === '' ? key : `${path}.${key}`;
      const field = Object.hasOwn(struct.fields, key) ? struct.fields[key] : undefined;
      if (field === undefined) {
        this.unknownFields.push(at);
        continue;
      }
      if (item === null) continue;
      out[key] = this.field(item, field, at, structName);
    }
    return out;
  }

  private field(value: unknown, field: GoField, path: string, structName: string): unknown {
    const fail = (): never => {
      throw badRequest(
        `${this.kind} in version "v1" cannot be handled as a ${this.kind}: json: cannot unmarshal ` +
          `${jsonType(value)} into Go struct field ${structName}.${path} of type ${goTypeOf(field)}`,
      );
    };
    switch (field) {
      case 'any':
        return value;
      case 'v1.ObjectMeta':
        return isObject(value) ? value : fail();
      case 'string':
        return typeof value === 'string' ? value : fail();
      case 'bool':
        return typeof value === 'boolean' ? value : fail();
      case '[]string':
        if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) fail();
        return value;
      case 'map[string][]string':
        if (!isObject(value)) fail();
        for (const list of Object.values(value as JsonObject)) {
          if (list !== null && (!Array.isArray(list) || list.some((v) => typeof v !== 'string'))) fail();
        }
        return value;
    }
    if ('list' in field) {
      if (!Array.isArray(value)) return fail();
      return value.map((item, i) =>
        item === null ? {} : this.field(item, field.list, `${path}[${i}]`, structName),
      );
    }
    // Go names the innermost struct: `ResourceAttributes.spec.resourceAttributes.verb`.
    return isObject(value)
      ? this.struct(value, field, path, field.type.slice(field.type.indexOf('.') + 1))
      : fail();
  }
}
