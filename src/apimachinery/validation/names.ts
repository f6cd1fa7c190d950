// metadata.name and friends as kube-apiserver checks them for custom resources
// (apimachinery api/validation ObjectMeta with NameIsDNSSubdomain; util/validation messages).
import * as fe from './field-errors.js';
import type { FieldCause } from './types.js';

const SUBDOMAIN_FORMAT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
const SUBDOMAIN = new RegExp(`^${SUBDOMAIN_FORMAT}$`);
const SUBDOMAIN_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '" +
  SUBDOMAIN_FORMAT +
  "')";
const LABEL_FORMAT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const LABEL = new RegExp(`^${LABEL_FORMAT}$`);
const LABEL_MESSAGE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '" +
  LABEL_FORMAT +
  "')";

/**
 * Why `name` is not a valid object name (a DNS-1123 subdomain), worded as kube-apiserver words it;
 * empty when it is valid. With `prefix`, `name` is a generateName, which may end in a dash.
 */
export function validateObjectName(name: string, prefix = false): string[] {
  const value = prefix && name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name;
  const problems: string[] = [];
  if (value.length > 253) problems.push('must be no more than 253 characters');
  if (!SUBDOMAIN.test(value)) problems.push(SUBDOMAIN_MESSAGE);
  return problems;
}

function validateNamespaceName(namespace: string): string[] {
  const problems: string[] = [];
  if (namespace.length > 63) problems.push('must be no more than 63 characters');
  if (!LABEL.test(namespace)) problems.push(LABEL_MESSAGE);
  return problems;
}

/** The metadata.name / generateName / namespace causes of a create (ValidateObjectMetaAccessor). */
export function validateObjectMeta(metadata: Record<string, unknown>, namespaced: boolean): FieldCause[] {
  const text = (key: string) => (typeof metadata[key] === 'string' ? (metadata[key] as string) : '');
  const [name, generateName, namespace] = [text('name'), text('generateName'), text('namespace')];
  const causes: FieldCause[] = [];
  if (namespaced && namespace === '') causes.push(fe.required('metadata.namespace'));
  else if (namespaced) {
    for (const p of validateNamespaceName(namespace))
      causes.push(fe.invalid('metadata.namespace', namespace, p));
  } else if (namespace !== '') causes.push(fe.forbidden('metadata.namespace', 'not allowed on this type'));
  if (generateName !== '') {
    for (const p of validateObjectName(generateName, true)) {
      causes.push(fe.invalid('metadata.generateName', generateName, p));
    }
  }
  // kube-apiserver generates the name from generateName before it validates
  if (name === '' && generateName === '')
    causes.push(fe.required('metadata.name', 'name or generateName is required'));
  else if (name !== '')
    for (const p of validateObjectName(name)) causes.push(fe.invalid('metadata.name', name, p));
  return causes;
}
