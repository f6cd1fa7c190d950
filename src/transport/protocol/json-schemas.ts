// The JSON Schema documents of the payloads, as shipped in src/transport/schemas/ and as the validator
// compiles them: one rendering, so the files and the operator can never disagree.

import { PAYLOAD_SCHEMAS } from './schemas.js';

export const SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';
const ID_BASE = 'https://teamsdevices.io/schemas/tdo/v1/';

export type PayloadName = keyof typeof PAYLOAD_SCHEMAS;

/** The JSON Schema document of one payload (plain JSON: TypeBox's symbol keys do not survive). */
export function payloadJsonSchema(name: PayloadName): Record<string, unknown> {
  const body = JSON.parse(JSON.stringify(PAYLOAD_SCHEMAS[name])) as Record<string, unknown>;
  return { $schema: SCHEMA_DIALECT, $id: `${ID_BASE}${schemaFileName(name)}`, ...body };
}

export function schemaFileName(name: PayloadName): string {
  return `${name}.schema.json`;
}

/** Every shipped file: its name and its exact text. */
export function renderPayloadSchemas(): Array<{ file: string; text: string }> {
  return (Object.keys(PAYLOAD_SCHEMAS) as PayloadName[]).map((name) => ({
    file: schemaFileName(name),
    text: `${JSON.stringify(payloadJsonSchema(name), null, 2)}\n`,
  }));
}
