// The payload validators: the shipped JSON Schemas compiled once with ajv, and ajv's first error turned into
// `field: what is wrong`, naming the field the way a proxy author reads it (`artifact.sha256`).

import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { isIsoInstant } from './instant.js';
import { type PayloadName, payloadJsonSchema } from './json-schemas.js';
import { PATTERNS, PAYLOAD_SCHEMAS } from './schemas.js';

const ajv = new Ajv2020({
  // Unknown fields are dropped from the value, not refused: a newer proxy may add fields.
  removeAdditional: 'all',
  // The failing value and its schema, for messages that say what was sent and what is allowed.
  verbose: true,
  strict: true,
});
// date-time is the calendar-checked instant of the protocol (ajv would also take a space for the T).
ajv.addFormat('date-time', { type: 'string', validate: isIsoInstant });

const validators = new Map(
  (Object.keys(PAYLOAD_SCHEMAS) as PayloadName[]).map((name) => [name, ajv.compile(payloadJsonSchema(name))]),
);

/** Checks `value` (and drops its unknown fields, in place); the problem as `field: message`, or null. */
export function validatePayload(name: PayloadName, value: Record<string, unknown>): string | null {
  const validate = validators.get(name);
  if (!validate) throw new Error(`no schema for payload ${name}`);
  if (validate(value)) return null;
  const error = validate.errors?.[0];
  return error ? describe(error) : 'payload: does not match its schema';
}

const PATTERN_MESSAGES = new Map<string, string>(
  Object.values(PATTERNS).map(({ pattern, message }) => [pattern, message]),
);

const TYPE_MESSAGES: Record<string, (data: unknown) => string> = {
  string: (v) => `must be a string, got ${typeName(v)}`,
  boolean: (v) => `must be true or false, got ${typeName(v)}`,
  integer: (v) => `must be an integer, got ${JSON.stringify(v)}`,
  number: (v) => `must be a number, got ${JSON.stringify(v)}`,
  object: (v) => `must be an object, got ${typeName(v)}`,
};

/** ajv's error as `field: what is wrong` (also for the device agent's request bodies). */
export function describe(error: ErrorObject): string {
  const path = error.instancePath.split('/').slice(1);
  const parent = (error.parentSchema ?? {}) as Record<string, unknown>;
  const data = error.data;
  switch (error.keyword) {
    case 'required':
      return `${field([...path, String(error.params.missingProperty)])}: required`;
    case 'type': {
      const type = String(error.params.type).split(',')[0] ?? '';
      return `${field(path)}: ${TYPE_MESSAGES[type]?.(data) ?? `must be ${type}`}`;
    }
    case 'enum':
      return `${field(path)}: must be one of ${(error.params.allowedValues as unknown[]).join(', ')}, got ${JSON.stringify(data)}`;
    case 'minimum':
    case 'maximum':
      return `${field(path)}: must be between ${parent.minimum} and ${parent.maximum}, got ${data}`;
    case 'maxLength':
      return `${field(path)}: must be at most ${error.params.limit} characters`;
    case 'pattern': {
      if (typeof data === 'string' && data.trim() === '') return `${field(path)}: must not be empty`;
      const message = PATTERN_MESSAGES.get(String(error.params.pattern)) ?? 'has the wrong form';
      return `${field(path)}: ${message}${error.params.pattern === PATTERNS.instant.pattern ? `, got ${data}` : ''}`;
    }
    case 'format':
      return `${field(path)}: ${PATTERNS.instant.message}, got ${data}`;
    default:
      return `${field(path)}: ${error.message ?? 'is invalid'}`;
  }
}

/** `artifact.sha256` for /artifact/sha256; `payload` for the whole. */
function field(path: string[]): string {
  return path.length === 0 ? 'payload' : path.map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~')).join('.');
}

export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}
