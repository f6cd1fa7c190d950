// JSON values as CEL sees them under a structural schema (apiextensions-apiserver schema/cel/model):
// integers are CEL ints (BigInt), numbers doubles, date-time/date strings timestamps, byte strings bytes,
// durations durations; object properties are escaped CEL identifiers; a resource root exposes only
// apiVersion, kind, metadata.name and metadata.generateName.
import { Environment } from '@marcbachmann/cel-js';
import { isObject } from './deep.js';
import { META_FIELDS } from './paths.js';
import type { SchemaNode } from './schema.js';

const RESERVED = new Set([
  'true',
  'false',
  'null',
  'in',
  'as',
  'break',
  'const',
  'continue',
  'else',
  'for',
  'function',
  'if',
  'import',
  'let',
  'loop',
  'package',
  'namespace',
  'return',
  'var',
  'void',
  'while',
]);
const ESCAPES: Record<string, string> = {
  __: '__underscores__',
  '.': '__dot__',
  '-': '__dash__',
  '/': '__slash__',
};

const escaped = new Map<string, string | undefined>();

/** cel.Escape: the CEL identifier of a property name, or undefined when CEL cannot name it. */
export function escapeProperty(name: string): string | undefined {
  if (!escaped.has(name)) escaped.set(name, celIdentifier(name));
  return escaped.get(name);
}

function celIdentifier(name: string): string | undefined {
  if (name === '' || /^[0-9]/.test(name)) return undefined;
  if (RESERVED.has(name)) return `__${name}__`;
  let ok = true;
  const escaped = name.replace(/__|[^a-zA-Z0-9_]/g, (s) => {
    const replacement = ESCAPES[s];
    if (replacement === undefined) ok = false;
    return replacement ?? '';
  });
  return ok ? escaped : undefined;
}

const toDuration = new Environment().registerVariable('d', 'string').parse('duration(d)');

function stringValue(node: SchemaNode | undefined, value: string): unknown {
  switch (node?.format?.name) {
    case 'date-time':
    case 'datetime':
    case 'date': {
      const time = new Date(value);
      return Number.isNaN(time.getTime()) ? value : time;
    }
    case 'byte':
      return new Uint8Array(Buffer.from(value, 'base64'));
    case 'duration':
      try {
        return toDuration({ d: value });
      } catch {
        return value;
      }
    default:
      return value;
  }
}

function numberValue(node: SchemaNode | undefined, value: number): unknown {
  if (node?.type === 'number' && !node.intOrString) return value;
  return Number.isInteger(value) ? BigInt(value) : value;
}

/** Converts one admit's values; objects and lists are converted once and shared by every rule. */
export class CelValues {
  private readonly memo = new WeakMap<object, { node: SchemaNode | undefined; value: unknown }>();

  of(node: SchemaNode | undefined, value: unknown): unknown {
    if (value === null || value === undefined) return null;
    if (typeof value === 'string') return stringValue(node, value);
    if (typeof value === 'number') return numberValue(node, value);
    if (typeof value !== 'object') return value;
    const cached = this.memo.get(value);
    if (cached && cached.node === node) return cached.value;
    const converted = Array.isArray(value)
      ? value.map((item) => this.of(node?.items, item))
      : this.object(node, value as Record<string, unknown>);
    // the first schema that converts a value keeps it (allOf schemas convert it again, untyped)
    if (!cached) this.memo.set(value, { node, value: converted });
    return converted;
  }

  private object(node: SchemaNode | undefined, value: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (node?.properties) {
      if (node.resourceRoot) this.typeAndObjectMeta(value, out);
      for (const [name, property] of node.properties) {
        if (node.resourceRoot && META_FIELDS.has(name)) continue;
        const identifier = escapeProperty(name);
        if (identifier !== undefined && Object.hasOwn(value, name))
          out[identifier] = this.of(property, value[name]);
      }
      return out;
    }
    const mapValues = typeof node?.additionalProperties === 'object' ? node.additionalProperties : undefined;
    for (const [key, v] of Object.entries(value)) out[key] = this.of(mapValues, v);
    return out;
  }

  private typeAndObjectMeta(value: Record<string, unknown>, out: Record<string, unknown>): void {
    for (const key of ['apiVersion', 'kind'] as const)
      if (typeof value[key] === 'string') out[key] = value[key];
    const metadata = value.metadata;
    if (isObject(metadata)) {
      const meta: Record<string, unknown> = {};
      for (const key of ['name', 'generateName'] as const) {
        if (typeof metadata[key] === 'string') meta[key] = metadata[key];
      }
      out.metadata = meta;
    }
  }
}
