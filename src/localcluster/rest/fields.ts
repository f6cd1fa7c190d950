// Field validation (`fieldValidation=Strict|Warn|Ignore`) and Invalid errors from admission results.
import { type FieldCause, formatInvalidMessage } from '@teams-device-operator/apimachinery';
import { ApiError, badRequest, invalid, type StatusCause } from '../errors.js';
import type { Served } from '../registry.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export function parseFieldValidation(value: string | null): FieldValidation {
  if (value === null || value === '' || value === 'Warn') return 'Warn';
  if (value === 'Strict' || value === 'Ignore') return value;
  throw badRequest(`fieldValidation must be one of "Ignore", "Warn", or "Strict", got "${value}"`);
}

/** Applies the field validation directive to the unknown fields found: throws on Strict, else warns. */
export function checkUnknownFields(unknown: string[], mode: FieldValidation, warnings: string[]): void {
  if (unknown.length === 0 || mode === 'Ignore') return;
  const messages = unknown.map((path) => `unknown field "${path}"`);
  if (mode === 'Strict')
    throw new ApiError(400, 'BadRequest', `strict decoding error: ${messages.join(', ')}`);
  warnings.push(...messages);
}

export function invalidObject(served: Served, name: string, causes: StatusCause[]): ApiError {
  const { kind, group } = served.type;
  const fieldCauses = causes.map(
    (c) => ({ field: c.field ?? '<nil>', reason: c.reason, message: c.message }) as FieldCause,
  );
  return invalid(kind, group, name, formatInvalidMessage(kind, group, name, fieldCauses), causes);
}
