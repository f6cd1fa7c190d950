// Decoding an object of one of the five kinds as it comes from the API server, before anything reads it.
// The API server validates against the CRD installed when the object was written; an object left from an
// older CRD (no spec, a field of another type) or written around it is still listed and watched. Such an
// object must not reach the code that reads it as typed:
// - spec is checked against the kind's schema, after filling the schema's defaults where the strict check
//   fails (as the API server fills them for a newer CRD); one that still does not match is refused, with
//   the first problem named by its field;
// - status is the operator's to rewrite, so it is decoded leniently: each top-level field that does not
//   match its schema is dropped and listed under GARBAGE_STATUS_FIELDS (status writes then clear it), and a
//   status that is not an object is dropped whole.
import { Compile, type Validator } from 'typebox/compile';
import { Value } from 'typebox/value';
import { KINDS } from './crds.js';
import type { KindDefinition } from './kind.js';
import type { TSchema } from './schema-kit.js';

export type DecodeResult<T> = { ok: true; object: T } | { ok: false; problem: string };

/** Where a decoded status lists the fields it dropped (not enumerable: copies of the status lose it). */
export const GARBAGE_STATUS_FIELDS: unique symbol = Symbol('teamsdevices.io/garbage-status-fields');

type Checker = Validator;

interface KindDecoder {
  spec: Checker;
  /** The TypeBox schema of spec, whose defaults Value.Default fills in. */
  specSchema: TSchema;
  specOptional: boolean;
  status: ReadonlyMap<string, Checker>;
}

const decoders = new Map<string, KindDecoder>();

/**
 * The schema as the API server reads it: `nullable: true` (an OpenAPI word JSON Schema does not have, so
 * the validator ignores it) becomes "this or null". Plain JSON: the kit's schemas are JSON Schema already.
 */
function withNullable(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withNullable);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key !== 'nullable') out[key] = key === 'default' || key === 'enum' ? value : withNullable(value);
  }
  return (schema as { nullable?: unknown }).nullable === true ? { anyOf: [out, { type: 'null' }] } : out;
}

function compile(schema: TSchema): Checker {
  return Compile(withNullable(JSON.parse(JSON.stringify(schema))) as TSchema);
}

function decoderOf(def: KindDefinition): KindDecoder {
  let found = decoders.get(def.kind);
  if (!found) {
    const properties = (def.status as { properties?: Record<string, TSchema> }).properties ?? {};
    found = {
      spec: compile(def.spec),
      specSchema: def.spec,
      specOptional: !((def.spec as { required?: string[] }).required?.length ?? 0),
      status: new Map(Object.entries(properties).map(([name, schema]) => [name, compile(schema)])),
    };
    decoders.set(def.kind, found);
  }
  return found;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `spec.a.b` from a JSON pointer under spec. */
function fieldOf(instancePath: string): string {
  const rest = instancePath
    .split('/')
    .filter(Boolean)
    .map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s}`))
    .join('');
  return `spec${rest}`;
}

/** The first problem of a spec, as "spec.field: what is wrong" (long values cut short). */
function specProblem(checker: Checker, spec: unknown): string {
  const [first] = checker.Errors(spec);
  if (!first) return 'spec: does not match the schema';
  return `${fieldOf(first.instancePath)}: ${first.message}`.slice(0, 300);
}

function decodeSpec(
  decoder: KindDecoder,
  spec: unknown,
): { ok: true; spec: unknown } | { ok: false; problem: string } {
  if (spec === undefined && !decoder.specOptional) return { ok: false, problem: 'spec: is missing' };
  if (decoder.spec.Check(spec)) return { ok: true, spec };
  if (spec !== undefined && !isPlainObject(spec))
    return { ok: false, problem: specProblem(decoder.spec, spec) };
  const defaulted = Value.Default(decoder.specSchema, Value.Clone(spec ?? {}));
  if (decoder.spec.Check(defaulted)) return { ok: true, spec: defaulted };
  return { ok: false, problem: specProblem(decoder.spec, defaulted) };
}

/** The status without its garbage fields (the same object when it has none). */
function decodeStatus(decoder: KindDecoder, status: unknown): unknown {
  if (status === undefined) return undefined;
  if (!isPlainObject(status)) return {};
  const garbage = Object.keys(status).filter((name) => {
    const checker = decoder.status.get(name);
    return checker !== undefined && !checker.Check(status[name]);
  });
  if (garbage.length === 0) return status;
  const kept: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(status)) if (!garbage.includes(name)) kept[name] = value;
  Object.defineProperty(kept, GARBAGE_STATUS_FIELDS, { value: garbage, enumerable: false });
  return kept;
}

/**
 * Decodes an object of `kind` (a KindDefinition's kind). Returns it unchanged when it matches, a copy with
 * spec defaults filled in and status garbage dropped when that makes it match, else the problem.
 */
export function decodeObject<T extends { spec?: unknown; status?: unknown; metadata?: unknown }>(
  kind: string,
  obj: T,
): DecodeResult<T> {
  const def = KINDS.find((k) => k.kind === kind);
  if (!def) throw new Error(`no kind ${kind} to decode`);
  const decoder = decoderOf(def);
  if (!isPlainObject(obj) || !isPlainObject(obj.metadata) || typeof obj.metadata.name !== 'string') {
    return { ok: false, problem: 'metadata.name: is missing' };
  }
  const spec = decodeSpec(decoder, obj.spec);
  if (!spec.ok) return spec;
  const status = decodeStatus(decoder, obj.status);
  if (spec.spec === obj.spec && status === obj.status) return { ok: true, object: obj };
  const copy = { ...obj, spec: spec.spec } as T;
  if (status === undefined) delete copy.status;
  else copy.status = status;
  return { ok: true, object: copy };
}

/** Fields of `status` the decoder dropped as garbage (none for a status it did not touch). */
export function garbageStatusFields(status: unknown): readonly string[] {
  if (!isPlainObject(status)) return [];
  return (status as { [GARBAGE_STATUS_FIELDS]?: string[] })[GARBAGE_STATUS_FIELDS] ?? [];
}
