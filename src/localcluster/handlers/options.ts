// Query parameters shared by the verbs: booleans (every verb), and the write options.
import { badRequest } from '../errors.js';
import { parseFieldValidation } from '../rest/fields.js';
import type { PatchOptions } from '../rest/patch.js';

/**
 * A boolean query parameter as kube-apiserver decodes one (runtime.Convert_Slice_string_To_bool and its
 * pointer variant): absent is undefined; the first value "0" or "false" in any case is false; every other
 * value is true, including "True", "yes" and the empty value of `?watch`. It never fails: the server
 * accepts any spelling, so the Python client's `watch=True` watches as it does there.
 */
export function queryFlag(query: URLSearchParams, name: string): boolean | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  return !(value === '0' || value.toLowerCase() === 'false');
}

export function parseDryRun(query: URLSearchParams): boolean {
  const values = query.getAll('dryRun');
  for (const value of values) {
    if (value !== 'All') throw badRequest(`Invalid dryRun value: ${value}. Valid values: All`);
  }
  return values.length > 0;
}

/** kube-apiserver's default field manager: the User-Agent up to its first '/'. */
export function managerFromUserAgent(userAgent: string | undefined): string | undefined {
  if (!userAgent) return undefined;
  const name = (userAgent.split('/')[0] ?? '').trim();
  return name === '' ? undefined : name.slice(0, 128);
}

export function writeOptions(query: URLSearchParams, subresource?: string, userAgent?: string): PatchOptions {
  const fieldManager = query.get('fieldManager') ?? undefined;
  if (fieldManager !== undefined && fieldManager.length > 128) {
    throw badRequest(`fieldManager: Too long: may not be longer than 128`);
  }
  return {
    dryRun: parseDryRun(query),
    fieldValidation: parseFieldValidation(query.get('fieldValidation')),
    ...(fieldManager ? { fieldManager } : {}),
    ...(managerFromUserAgent(userAgent) ? { defaultFieldManager: managerFromUserAgent(userAgent) } : {}),
    force: queryFlag(query, 'force') === true,
    ...(subresource ? { subresource } : {}),
  };
}
