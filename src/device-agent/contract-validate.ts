// Validation of request bodies against the contract's schemas (the ones docs/device-agent.openapi.yaml
// holds), with the protocol's messages: `artifact.sha256: must be 64 hex digits`.

import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe } from '../transport/protocol/validate.js';
import { type ContractSchemaName, contractJsonSchema, type UpdateRequest } from './contract.js';

const ajv = new Ajv2020({
  // Unknown fields are ignored (the contract says so): a newer proxy may send more.
  removeAdditional: 'all',
  verbose: true,
  strict: true,
});

const validators = new Map<ContractSchemaName, ReturnType<typeof ajv.compile>>();

function validator(name: ContractSchemaName) {
  let validate = validators.get(name);
  if (!validate) {
    validate = ajv.compile(contractJsonSchema(name));
    validators.set(name, validate);
  }
  return validate;
}

export interface Invalid {
  /** The field at fault as a dotted path (`artifact.sha256`); `body` for the whole. */
  field: string;
  /** `field: what is wrong`. */
  detail: string;
}

/** Checks `value` against a schema of the contract (dropping unknown fields, in place); null when valid. */
export function validateBody(name: ContractSchemaName, value: unknown): Invalid | null {
  const validate = validator(name);
  if (validate(value)) return null;
  const error = validate.errors?.[0];
  const detail = error ? describe(error).replace(/^payload:/, 'body:') : 'body: does not match its schema';
  return { field: detail.slice(0, detail.indexOf(':')), detail };
}

/** An UpdateRequest from parsed JSON, or what is wrong with it. */
export function parseUpdateRequest(
  value: unknown,
): { ok: true; value: UpdateRequest } | ({ ok: false } & Invalid) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, field: 'body', detail: 'body: must be a JSON object' };
  }
  const problem = validateBody('UpdateRequest', value);
  return problem ? { ok: false, ...problem } : { ok: true, value: value as UpdateRequest };
}
