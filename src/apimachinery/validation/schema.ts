// Compiles an openAPIV3Schema once into a tree the other passes walk: typed fields, compiled
// patterns, format checks and CEL programs, plus flags that let admit skip subtrees quickly.
import { type CompiledExpression, compileExpression } from './cel-env.js';
import { isObject } from './deep.js';
import { formatCheck } from './formats.js';
import type { CauseReason } from './types.js';

type Raw = Record<string, unknown>;

export interface CompiledRule {
  rule: string;
  /** `message`, trimmed; empty when the rule has none. */
  message: string;
  messageExpression?: CompiledExpression;
  reason?: CauseReason;
  /** `fieldPath` as a field path relative to the node (`firmwareAutoUpdate.phase`), or ''. */
  fieldPath: string;
  optionalOldSelf: boolean;
  program?: CompiledExpression;
  compileError?: string;
}

export interface SchemaNode {
  type: string;
  nullable: boolean;
  intOrString: boolean;
  preserveUnknownFields: boolean;
  /** The root of a resource (the object itself, or x-kubernetes-embedded-resource): keeps apiVersion, kind, metadata. */
  resourceRoot: boolean;
  properties?: Map<string, SchemaNode>;
  /** A schema for map values, or `true`/`false` from `additionalProperties: <bool>`. */
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  required: string[];
  enum?: unknown[];
  pattern?: { source: string; regex?: RegExp; error?: string };
  format?: { name: string; check: (value: string) => boolean };
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum: boolean;
  exclusiveMaximum: boolean;
  multipleOf?: number;
  hasDefault: boolean;
  default?: unknown;
  listType?: string;
  listMapKeys: string[];
  allOf: SchemaNode[];
  anyOf: SchemaNode[];
  oneOf: SchemaNode[];
  not?: SchemaNode;
  rules: CompiledRule[];
  /** This node or one below it has CEL rules. */
  hasRules: boolean;
  /** This node or one below it has a default. */
  hasDefaults: boolean;
  /** This node or one below it is a set or map list. */
  hasListTypes: boolean;
}

const RULE_REASONS: ReadonlySet<string> = new Set([
  'FieldValueInvalid',
  'FieldValueForbidden',
  'FieldValueRequired',
  'FieldValueDuplicate',
]);

const isRaw = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** Go regexp (RE2) syntax is mostly JavaScript's; translate the flags and anchors that differ. */
function compilePattern(source: string): SchemaNode['pattern'] {
  let body = source;
  let flags = 'u';
  const inline = /^\(\?([imsU]+)\)/.exec(body);
  if (inline) {
    body = body.slice(inline[0].length);
    for (const f of inline[1] ?? '') if (f !== 'U' && !flags.includes(f)) flags += f;
  }
  body = body.replaceAll('\\A', '^').replaceAll('\\z', '$');
  let error = '';
  for (const f of [flags, flags.replace('u', '')]) {
    try {
      return { source, regex: new RegExp(body, f) };
    } catch (e) {
      error ||= (e as Error).message;
    }
  }
  return { source, error };
}

/** cel.ValidFieldPath: `.a.b`, `.a['b.c']` → the field path it names under the node. */
function normalizeFieldPath(fieldPath: string, node: Raw): string {
  const tokens = fieldPath.match(/\['(?:[^'\\]|\\.)*'\]|\.[^.[\]]+/g) ?? [];
  if (tokens.join('') !== fieldPath) throw new Error(`invalid field path: ${fieldPath}`);
  let schema: Raw | undefined = node;
  let out = '';
  for (const token of tokens) {
    const name = token.startsWith('[') ? token.slice(2, -2).replace(/\\(.)/g, '$1') : token.slice(1);
    const properties: unknown = schema?.properties;
    if (isRaw(properties)) {
      const next: unknown = properties[name];
      if (!isRaw(next)) throw new Error(`${fieldPath} does not refer to a valid field`);
      schema = next;
      out = out === '' ? name : `${out}.${name}`;
    } else if (isRaw(schema?.additionalProperties)) {
      schema = schema.additionalProperties as Raw;
      out = `${out}[${name}]`;
    } else {
      throw new Error(`${fieldPath} does not refer to a valid field`);
    }
  }
  return out;
}

function compileRule(raw: Raw, node: Raw, where: string, problems: string[]): CompiledRule {
  const rule = typeof raw.rule === 'string' ? raw.rule : '';
  const optionalOldSelf = raw.optionalOldSelf === true;
  const compiled: CompiledRule = {
    rule,
    message: typeof raw.message === 'string' ? raw.message.trim() : '',
    fieldPath: '',
    optionalOldSelf,
  };
  if (typeof raw.reason === 'string') {
    if (RULE_REASONS.has(raw.reason)) compiled.reason = raw.reason as CauseReason;
    else problems.push(`${where}: reason ${raw.reason} is not supported`);
  }
  if (typeof raw.fieldPath === 'string' && raw.fieldPath !== '') {
    try {
      compiled.fieldPath = normalizeFieldPath(raw.fieldPath, node);
    } catch (error) {
      problems.push(`${where}: fieldPath: ${(error as Error).message}`);
    }
  }
  try {
    compiled.program = compileExpression(rule, optionalOldSelf);
  } catch (error) {
    compiled.compileError = (error as Error).message.split('\n')[0] ?? String(error);
    problems.push(`${where}: ${rule}: ${compiled.compileError}`);
  }
  if (typeof raw.messageExpression === 'string' && raw.messageExpression !== '') {
    try {
      compiled.messageExpression = compileExpression(raw.messageExpression, false);
    } catch (error) {
      problems.push(`${where}: messageExpression: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  return compiled;
}

export function compileNode(raw: Raw, where: string, problems: string[], resourceRoot = false): SchemaNode {
  const sub = (key: string, value: unknown, root = false) =>
    isRaw(value) ? compileNode(value, `${where}.${key}`, problems, root) : undefined;
  const subs = (key: string) =>
    Array.isArray(raw[key]) ? (raw[key] as unknown[]).flatMap((s, i) => sub(`${key}[${i}]`, s) ?? []) : [];

  const node: SchemaNode = {
    type: typeof raw.type === 'string' ? raw.type : '',
    nullable: raw.nullable === true,
    intOrString: raw['x-kubernetes-int-or-string'] === true,
    preserveUnknownFields: raw['x-kubernetes-preserve-unknown-fields'] === true,
    resourceRoot: resourceRoot || raw['x-kubernetes-embedded-resource'] === true,
    required: Array.isArray(raw.required) ? raw.required.filter((r) => typeof r === 'string') : [],
    exclusiveMinimum: raw.exclusiveMinimum === true,
    exclusiveMaximum: raw.exclusiveMaximum === true,
    hasDefault: raw.default !== undefined,
    listMapKeys: Array.isArray(raw['x-kubernetes-list-map-keys'])
      ? raw['x-kubernetes-list-map-keys'].filter((k) => typeof k === 'string')
      : [],
    allOf: subs('allOf'),
    anyOf: subs('anyOf'),
    oneOf: subs('oneOf'),
    rules: [],
    hasRules: false,
    hasDefaults: false,
    hasListTypes: false,
  };
  if (node.hasDefault) node.default = raw.default;
  if (Array.isArray(raw.enum)) node.enum = raw.enum;
  if (typeof raw.pattern === 'string') node.pattern = compilePattern(raw.pattern);
  if (typeof raw.format === 'string' && (node.type === 'string' || node.type === '')) {
    const check = formatCheck(raw.format);
    if (check) node.format = { name: raw.format, check };
  }
  node.minLength = num(raw.minLength);
  node.maxLength = num(raw.maxLength);
  node.minItems = num(raw.minItems);
  node.maxItems = num(raw.maxItems);
  node.minProperties = num(raw.minProperties);
  node.maxProperties = num(raw.maxProperties);
  node.minimum = num(raw.minimum);
  node.maximum = num(raw.maximum);
  node.multipleOf = num(raw.multipleOf);
  if (typeof raw['x-kubernetes-list-type'] === 'string') node.listType = raw['x-kubernetes-list-type'];
  node.not = sub('not', raw.not);

  if (isRaw(raw.properties)) {
    node.properties = new Map();
    for (const [name, value] of Object.entries(raw.properties)) {
      const child = sub(`properties[${name}]`, value);
      if (child) node.properties.set(name, child);
    }
  }
  if (typeof raw.additionalProperties === 'boolean') node.additionalProperties = raw.additionalProperties;
  else node.additionalProperties = sub('additionalProperties', raw.additionalProperties);
  node.items = sub('items', raw.items);

  if (Array.isArray(raw['x-kubernetes-validations'])) {
    raw['x-kubernetes-validations'].forEach((rule: unknown, i) => {
      if (isRaw(rule))
        node.rules.push(compileRule(rule, raw, `${where}.x-kubernetes-validations[${i}]`, problems));
    });
  }

  const children = [
    ...(node.properties?.values() ?? []),
    ...(typeof node.additionalProperties === 'object' ? [node.additionalProperties] : []),
    ...(node.items ? [node.items] : []),
  ];
  node.hasRules =
    node.rules.length > 0 || children.some((c) => c.hasRules) || node.allOf.some((c) => c.hasRules);
  node.hasDefaults = children.some((c) => c.hasDefault || c.hasDefaults);
  node.hasListTypes =
    node.listType === 'set' || node.listType === 'map' || children.some((c) => c.hasListTypes);
  return node;
}

/** The identity of a map-list item: the values of its x-kubernetes-list-map-keys. */
export function mapListKey(node: SchemaNode, item: unknown): string | undefined {
  if (!isObject(item)) return undefined;
  return JSON.stringify(node.listMapKeys.map((k) => item[k] ?? null));
}
