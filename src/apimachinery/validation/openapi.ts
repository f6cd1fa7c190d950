// OpenAPI schema validation as kube-apiserver runs it (kube-openapi's validator, its errors turned into
// field errors by apiextensions-apiserver), with update ratcheting: a value left unchanged by an update
// is not validated again, so tightening a schema does not lock existing objects.
import { deepEqual, isObject } from './deep.js';
import * as fe from './field-errors.js';
import { goFloat, goNumber, goQuote } from './go-format.js';
import { child, index } from './paths.js';
import { mapListKey, type SchemaNode } from './schema.js';
import type { FieldCause } from './types.js';

/** The old value correlated with the one being validated, when an update has one. */
export type Old = { value: unknown } | undefined;

function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'bigint') return 'integer';
  return typeof value;
}

/** `enum` values as NotSupported lists them: strings as they are, anything else as JSON. */
function supportedValues(values: unknown[]): string[] {
  return values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
}

function oldChild(old: Old, key: string): Old {
  return old && isObject(old.value) && Object.hasOwn(old.value, key) ? { value: old.value[key] } : undefined;
}

/** Items of a map list correlate by their keys, of a plain list by index; sets and atomic lists do not. */
function oldItems(node: SchemaNode, old: Old): ((item: unknown, i: number) => Old) | undefined {
  if (!old || !Array.isArray(old.value)) return undefined;
  const olds = old.value;
  if (node.listType === 'map') {
    const byKey = new Map<string, unknown>();
    for (const item of olds) {
      const key = mapListKey(node, item);
      if (key !== undefined && !byKey.has(key)) byKey.set(key, item);
    }
    return (item) => {
      const key = mapListKey(node, item);
      return key !== undefined && byKey.has(key) ? { value: byKey.get(key) } : undefined;
    };
  }
  if (node.listType === 'set' || node.listType === 'atomic') return undefined;
  return (_item, i) => (i < olds.length ? { value: olds[i] } : undefined);
}

function isMultipleOf(value: number, factor: number): boolean {
  if (Number.isInteger(value) && Number.isInteger(factor)) return value % factor === 0;
  const ratio = factor < 1 ? (1 / factor) * value : value / factor;
  return Math.abs(ratio - Math.round(ratio)) <= 1e-9 * Math.max(1, Math.abs(ratio));
}

class Walk {
  constructor(readonly out: FieldCause[]) {}

  value(node: SchemaNode, value: unknown, path: string, old: Old): void {
    // ratcheting: errors of an unchanged value become warnings, which kube-apiserver drops
    if (old && deepEqual(value, old.value)) return;
    const expected = node.intOrString ? 'integer,string' : node.type;
    if (value === null || value === undefined) {
      if (expected !== '' && !node.nullable) {
        this.out.push(fe.typeInvalid(path, 'null', `${path} in body must be of type ${expected}: "null"`));
      }
      this.enumeration(node, null, path);
      return;
    }
    const actual = jsonType(value);
    if (expected !== '') {
      const allowed = expected.split(',');
      if (!allowed.includes(actual) && !(actual === 'integer' && allowed.includes('number'))) {
        this.out.push(
          fe.typeInvalid(path, actual, `${path} in body must be of type ${expected}: "${actual}"`),
        );
        this.enumeration(node, value, path);
        return;
      }
    }
    this.combinators(node, value, path);
    if (typeof value === 'string') this.text(node, value, path);
    else if (typeof value === 'number') this.number(node, value, path);
    if (Array.isArray(value)) this.array(node, value, path, old);
    this.enumeration(node, value, path);
    if (isObject(value)) this.object(node, value, path, old);
  }

  private enumeration(node: SchemaNode, value: unknown, path: string): void {
    if (node.enum && node.enum.length > 0 && !node.enum.some((e) => deepEqual(e, value))) {
      this.out.push(fe.notSupported(path, value, supportedValues(node.enum)));
    }
  }

  private text(node: SchemaNode, value: string, path: string): void {
    const length = node.maxLength !== undefined || node.minLength !== undefined ? [...value].length : 0;
    if (node.maxLength !== undefined && length > node.maxLength) {
      this.out.push(fe.tooLong(path, node.maxLength));
    } else if (node.minLength !== undefined && length < node.minLength) {
      this.out.push(
        fe.invalid(path, value, `${path} in body should be at least ${node.minLength} chars long`),
      );
    } else if (node.pattern && !node.pattern.regex?.test(value)) {
      const shown = node.pattern.error
        ? `${node.pattern.source}, but pattern is invalid: ${node.pattern.error}`
        : node.pattern.source;
      this.out.push(fe.invalid(path, value, `${path} in body should match '${shown}'`));
    }
    if (node.format && !node.format.check(value)) {
      this.out.push(
        fe.typeInvalid(path, value, `${path} in body must be of type ${node.format.name}: ${goQuote(value)}`),
      );
    }
  }

  private number(node: SchemaNode, value: number, path: string): void {
    // kube-openapi compares an integer with int64(bound) and prints the bound that way
    const whole = Number.isInteger(value);
    const bound = (b: number) => (whole ? Math.trunc(b) : b);
    const show = (b: number) => (whole ? goNumber(Math.trunc(b)) : goFloat(b));
    if (node.multipleOf !== undefined && !isMultipleOf(value, bound(node.multipleOf))) {
      this.out.push(
        fe.invalid(path, value, `${path} in body should be a multiple of ${show(node.multipleOf)}`),
      );
    }
    if (node.minimum !== undefined) {
      const min = bound(node.minimum);
      if (node.exclusiveMinimum ? value <= min : value < min) {
        const relation = node.exclusiveMinimum ? 'greater than' : 'greater than or equal to';
        this.out.push(fe.invalid(path, value, `${path} in body should be ${relation} ${show(node.minimum)}`));
      }
    }
    if (node.maximum !== undefined) {
      const max = bound(node.maximum);
      if (node.exclusiveMaximum ? value >= max : value > max) {
        const relation = node.exclusiveMaximum ? 'less than' : 'less than or equal to';
        this.out.push(fe.invalid(path, value, `${path} in body should be ${relation} ${show(node.maximum)}`));
      }
    }
  }

  private array(node: SchemaNode, value: unknown[], path: string, old: Old): void {
    if (node.items) {
      const items = node.items;
      const correlate = oldItems(node, old);
      value.forEach((item, i) => {
        this.value(items, item, index(path, i), correlate?.(item, i));
      });
    }
    if (node.minItems !== undefined && value.length < node.minItems) {
      this.out.push(
        fe.invalid(path, value.length, `${path} in body should have at least ${node.minItems} items`),
      );
    }
    if (node.maxItems !== undefined && value.length > node.maxItems) {
      this.out.push(fe.tooMany(path, value.length, node.maxItems));
    }
  }

  private object(node: SchemaNode, value: Record<string, unknown>, path: string, old: Old): void {
    const count = Object.keys(value).length;
    if (node.minProperties !== undefined && count < node.minProperties) {
      this.out.push(
        fe.invalid(path, count, `${path} in body should have at least ${node.minProperties} properties`),
      );
      return;
    }
    if (node.maxProperties !== undefined && count > node.maxProperties) {
      this.out.push(fe.tooMany(path, count, node.maxProperties));
      return;
    }
    const mapValues = typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined;
    if (mapValues) {
      for (const [key, v] of Object.entries(value)) {
        if (!node.properties?.has(key)) this.value(mapValues, v, child(path, key), oldChild(old, key));
      }
    }
    for (const [name, property] of node.properties ?? []) {
      if (Object.hasOwn(value, name))
        this.value(property, value[name], child(path, name), oldChild(old, name));
    }
    for (const name of node.required) {
      if (!Object.hasOwn(value, name)) this.out.push(fe.required(child(path, name)));
    }
  }

  /** allOf / anyOf / oneOf / not, which structural schemas allow for value validations only. */
  private combinators(node: SchemaNode, value: unknown, path: string): void {
    if (node.anyOf.length === 0 && node.oneOf.length === 0 && node.allOf.length === 0 && !node.not) return;
    const run = (schema: SchemaNode) => {
      const out: FieldCause[] = [];
      new Walk(out).value(schema, value, path, undefined);
      return out;
    };
    const quoted = goQuote(path);
    if (node.anyOf.length > 0) {
      const results = node.anyOf.map(run);
      if (!results.some((r) => r.length === 0)) {
        this.out.push(fe.invalid('', '', `${quoted} must validate at least one schema (anyOf)`));
        this.out.push(...results.reduce((best, r) => (r.length < best.length ? r : best)));
      }
    }
    if (node.oneOf.length > 0) {
      const results = node.oneOf.map(run);
      const valid = results.filter((r) => r.length === 0).length;
      if (valid !== 1) {
        const why = valid === 0 ? 'Found none valid' : `Found ${valid} valid alternatives`;
        this.out.push(fe.invalid('', '', `${quoted} must validate one and only one schema (oneOf). ${why}`));
        if (valid === 0) this.out.push(...results.reduce((best, r) => (r.length < best.length ? r : best)));
      }
    }
    if (node.allOf.length > 0) {
      const results = node.allOf.map(run);
      for (const r of results) this.out.push(...r);
      const valid = results.filter((r) => r.length === 0).length;
      if (valid !== results.length) {
        const none = valid === 0 ? '. None validated' : '';
        this.out.push(fe.invalid('', '', `${quoted} must validate all the schemas (allOf)${none}`));
      }
    }
    if (node.not && run(node.not).length === 0) {
      this.out.push(fe.invalid('', '', `${quoted} must not validate the schema (not)`));
    }
  }
}

/** Validates `value` against the schema; `old` (on update) ratchets errors of unchanged values. */
export function validateSchema(root: SchemaNode, value: unknown, old: Old): FieldCause[] {
  const out: FieldCause[] = [];
  new Walk(out).value(root, value, '', old);
  return out;
}
