// The rest of metav1.ObjectMeta as kube-apiserver checks it on every kind, built-in or custom
// (apimachinery api/validation objectmeta.go, meta/v1/validation, util/validation): labels, annotations
// and their total size, finalizers and ownerReferences. Field paths and messages are kube-apiserver's.
// The values are assumed to have the JSON types ObjectMeta declares (see go-decode.ts).
import * as fe from './field-errors.js';
import type { FieldCause } from './types.js';

const QUALIFIED_NAME_FORMAT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QUALIFIED_NAME = new RegExp(`^${QUALIFIED_NAME_FORMAT}$`);
const QUALIFIED_NAME_MESSAGE =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_FORMAT = `(${QUALIFIED_NAME_FORMAT})?`;
const LABEL_VALUE = new RegExp(`^${LABEL_VALUE_FORMAT}$`);
const LABEL_VALUE_MESSAGE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const SUBDOMAIN_FORMAT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
const SUBDOMAIN = new RegExp(`^${SUBDOMAIN_FORMAT}$`);
const SUBDOMAIN_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

/** The total size of all annotations, keys and values, in bytes (TotalAnnotationSizeLimitB). */
export const ANNOTATIONS_SIZE_LIMIT = 256 * 1024;
const NAME_PART_MAX = 63;
const SUBDOMAIN_MAX = 253;

/** validation.RegexError: the message, examples, and the regular expression. */
function regexError(message: string, format: string, ...examples: string[]): string {
  const shown = examples.map((e) => `'${e}', `).join(' or ');
  return `${message} (e.g. ${shown}regex used for validation is '${format}')`;
}

function subdomainProblems(value: string): string[] {
  const problems: string[] = [];
  if (value.length > SUBDOMAIN_MAX) problems.push(`must be no more than ${SUBDOMAIN_MAX} characters`);
  if (!SUBDOMAIN.test(value)) {
    problems.push(regexError(SUBDOMAIN_MESSAGE, SUBDOMAIN_FORMAT, 'example.com'));
  }
  return problems;
}

/** validation.IsQualifiedName: `name` or `dns.subdomain/name`, the name part at most 63 characters. */
export function qualifiedNameProblems(value: string): string[] {
  const parts = value.split('/');
  const problems: string[] = [];
  let name: string;
  if (parts.length === 1) {
    name = parts[0] as string;
  } else if (parts.length === 2) {
    const prefix = parts[0] as string;
    name = parts[1] as string;
    if (prefix === '') problems.push('prefix part must be non-empty');
    else for (const p of subdomainProblems(prefix)) problems.push(`prefix part ${p}`);
  } else {
    return [
      `a qualified name ${regexError(QUALIFIED_NAME_MESSAGE, QUALIFIED_NAME_FORMAT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name === '') problems.push('name part must be non-empty');
  else if (name.length > NAME_PART_MAX)
    problems.push(`name part must be no more than ${NAME_PART_MAX} characters`);
  if (!QUALIFIED_NAME.test(name)) {
    problems.push(
      `name part ${regexError(QUALIFIED_NAME_MESSAGE, QUALIFIED_NAME_FORMAT, 'MyName', 'my.name', '123-abc')}`,
    );
  }
  return problems;
}

/** validation.IsValidLabelValue. */
export function labelValueProblems(value: string): string[] {
  const problems: string[] = [];
  if (value.length > NAME_PART_MAX) problems.push(`must be no more than ${NAME_PART_MAX} characters`);
  if (!LABEL_VALUE.test(value)) {
    problems.push(regexError(LABEL_VALUE_MESSAGE, LABEL_VALUE_FORMAT, 'MyValue', 'my_value', '12345'));
  }
  return problems;
}

type StringMap = Record<string, unknown>;

function entriesOf(map: unknown): [string, string][] {
  if (typeof map !== 'object' || map === null || Array.isArray(map)) return [];
  return Object.keys(map)
    .sort()
    .map((k) => [k, typeof (map as StringMap)[k] === 'string' ? ((map as StringMap)[k] as string) : '']);
}

function validateLabels(labels: unknown, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  for (const [key, value] of entriesOf(labels)) {
    for (const p of qualifiedNameProblems(key)) causes.push(fe.invalid(path, key, p));
    for (const p of labelValueProblems(value)) causes.push(fe.invalid(path, value, p));
  }
  return causes;
}

function validateAnnotations(annotations: unknown, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  let size = 0;
  for (const [key, value] of entriesOf(annotations)) {
    for (const p of qualifiedNameProblems(key.toLowerCase())) causes.push(fe.invalid(path, key, p));
    size += Buffer.byteLength(key) + Buffer.byteLength(value);
  }
  if (size > ANNOTATIONS_SIZE_LIMIT) causes.push(fe.tooLong(path, ANNOTATIONS_SIZE_LIMIT));
  return causes;
}

function validateFinalizers(finalizers: unknown, path: string): FieldCause[] {
  if (!Array.isArray(finalizers)) return [];
  const names = finalizers.map((f) => (typeof f === 'string' ? f : ''));
  const causes: FieldCause[] = [];
  for (const name of names) {
    for (const p of qualifiedNameProblems(name)) causes.push(fe.invalid(path, name, p));
  }
  if (names.includes('orphan') && names.includes('foregroundDeletion')) {
    causes.push(fe.invalid(path, names, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return causes;
}

/** schema.FromAPIVersionAndKind: the version part of an apiVersion ('' when it does not parse). */
function versionOf(apiVersion: string): string {
  const parts = apiVersion.split('/');
  if (parts.length === 1) return parts[0] as string;
  return parts.length === 2 ? (parts[1] as string) : '';
}

function validateOwnerReferences(references: unknown, path: string): FieldCause[] {
  if (!Array.isArray(references)) return [];
  const causes: FieldCause[] = [];
  let controller = '';
  for (const ref of references) {
    const r = (typeof ref === 'object' && ref !== null ? ref : {}) as StringMap;
    const text = (key: string) => (typeof r[key] === 'string' ? (r[key] as string) : '');
    if (versionOf(text('apiVersion')) === '') {
      causes.push(fe.invalid(`${path}.apiVersion`, text('apiVersion'), 'version must not be empty'));
    }
    if (text('kind') === '') causes.push(fe.invalid(`${path}.kind`, '', 'kind must not be empty'));
    if (text('name') === '') causes.push(fe.invalid(`${path}.name`, '', 'name must not be empty'));
    if (text('uid') === '') causes.push(fe.invalid(`${path}.uid`, '', 'uid must not be empty'));
    if (r.controller !== true) continue;
    const current = `${text('kind')}/${text('name')}`;
    if (controller === '') {
      controller = current;
      continue;
    }
    causes.push(
      fe.invalid(
        path,
        references,
        `Only one reference can have Controller set to true. Found "true" in references for ${controller} and ${current}`,
      ),
    );
  }
  return causes;
}

/** The labels, annotations, finalizers and ownerReferences causes of any write (ValidateObjectMeta). */
export function validateMetadataFields(metadata: Record<string, unknown>): FieldCause[] {
  return [
    ...validateLabels(metadata.labels, 'metadata.labels'),
    ...validateAnnotations(metadata.annotations, 'metadata.annotations'),
    ...validateFinalizers(metadata.finalizers, 'metadata.finalizers'),
    ...validateOwnerReferences(metadata.ownerReferences, 'metadata.ownerReferences'),
  ];
}
