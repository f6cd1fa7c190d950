// Object name rules of kube-apiserver (apimachinery validation), with its messages.
import type { StatusCause } from '../errors.js';

export type NameRule = 'subdomain' | 'label' | 'path-segment';

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const SUBDOMAIN_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MESSAGE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

function invalidName(name: string, message: string): StatusCause {
  return {
    reason: 'FieldValueInvalid',
    message: `Invalid value: ${JSON.stringify(name)}: ${message}`,
    field: 'metadata.name',
  };
}

/** Causes for a bad object name; empty when the name is valid. */
export function validateName(name: string, rule: NameRule): StatusCause[] {
  if (name === '') {
    return [
      {
        reason: 'FieldValueRequired',
        message: 'Required value: name or generateName is required',
        field: 'metadata.name',
      },
    ];
  }
  switch (rule) {
    case 'label':
      if (name.length > 63) return [invalidName(name, 'must be no more than 63 characters')];
      return LABEL.test(name) ? [] : [invalidName(name, LABEL_MESSAGE)];
    case 'subdomain':
      if (name.length > 253) return [invalidName(name, 'must be no more than 253 characters')];
      return SUBDOMAIN.test(name) ? [] : [invalidName(name, SUBDOMAIN_MESSAGE)];
    case 'path-segment':
      if (name === '.' || name === '..') return [invalidName(name, `may not be '${name}'`)];
      if (name.includes('/')) return [invalidName(name, "may not contain '/'")];
      if (name.includes('%')) return [invalidName(name, "may not contain '%'")];
      return [];
  }
}
