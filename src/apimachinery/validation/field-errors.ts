// Constructors mirroring k8s.io/apimachinery/pkg/util/validation/field: each returns the StatusCause
// kube-apiserver builds from a field.Error (`reason` = error type, `message` = ErrorBody()).
import { goBadValue, goQuote } from './go-format.js';
import type { CauseReason, FieldCause } from './types.js';

/** field.Path.String() of a nil path, as Kubernetes prints a cause without a field. */
export const NO_FIELD = '<nil>';

function cause(path: string, reason: CauseReason, body: string, detail = ''): FieldCause {
  return {
    field: path === '' ? NO_FIELD : path,
    reason,
    message: detail === '' ? body : `${body}: ${detail}`,
  };
}

export function required(path: string, detail = ''): FieldCause {
  return cause(path, 'FieldValueRequired', 'Required value', detail);
}

export function forbidden(path: string, detail: string): FieldCause {
  return cause(path, 'FieldValueForbidden', 'Forbidden', detail);
}

export function invalid(path: string, value: unknown, detail: string): FieldCause {
  return cause(path, 'FieldValueInvalid', `Invalid value: ${goBadValue(value)}`, detail);
}

export function typeInvalid(path: string, value: unknown, detail: string): FieldCause {
  return cause(path, 'FieldValueTypeInvalid', `Invalid value: ${goBadValue(value)}`, detail);
}

export function notSupported(path: string, value: unknown, supported: readonly string[]): FieldCause {
  const detail = supported.length > 0 ? `supported values: ${supported.map(goQuote).join(', ')}` : '';
  return cause(path, 'FieldValueNotSupported', `Unsupported value: ${goBadValue(value)}`, detail);
}

export function duplicate(path: string, value: unknown): FieldCause {
  return cause(path, 'FieldValueDuplicate', `Duplicate value: ${goBadValue(value)}`);
}

export function tooLong(path: string, maxLength: number): FieldCause {
  return cause(
    path,
    'FieldValueTooLong',
    'Too long',
    `may not be more than ${maxLength} ${maxLength === 1 ? 'byte' : 'bytes'}`,
  );
}

export function tooMany(path: string, actual: number, max: number): FieldCause {
  return cause(
    path,
    'FieldValueTooMany',
    `Too many: ${actual}`,
    `must have at most ${max} ${max === 1 ? 'item' : 'items'}`,
  );
}

/** Errors after which kube-apiserver does not run CEL rules at all (hasBlockingErr). */
const BLOCKING: ReadonlySet<CauseReason> = new Set([
  'FieldValueNotSupported',
  'FieldValueRequired',
  'FieldValueTooLong',
  'FieldValueTooMany',
  'FieldValueTypeInvalid',
]);

export function isBlocking(c: FieldCause): boolean {
  return BLOCKING.has(c.reason);
}

/** The cause kube-apiserver adds when blocking errors kept it from running the CEL rules. */
export function rulesNotChecked(): FieldCause {
  return invalid(
    '',
    null,
    'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
  );
}
