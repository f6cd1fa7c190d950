// Recognises the objects preview reads, checks their metadata, and names them the way kubectl does.

import { validateObjectMeta } from '@teams-device-operator/apimachinery';
import { API_VERSION, GROUP, KINDS } from '../../api/v1alpha1/index.js';
import { describeSource, type SourceRef } from './errors.js';

export const DEFAULT_NAMESPACE = 'default';

const SCOPES = new Map(KINDS.map((def) => [def.kind, def.scope]));

export interface Identity {
  kind: string;
  name: string;
  /** Absent for cluster-scoped kinds. */
  namespace?: string;
}

/** Names longer than this are cut in messages (the limit is 253; the rest of the message must show). */
const NAME_COLUMNS = 80;

function shown(name: string): string {
  return name.length <= NAME_COLUMNS ? name : `${name.slice(0, NAME_COLUMNS)}…(${name.length} characters)`;
}

export function displayName(id: Identity): string {
  return id.namespace === undefined
    ? `${id.kind} ${shown(id.name)}`
    : `${id.kind} ${shown(id.namespace)}/${shown(id.name)}`;
}

/** One key per object, whatever the length of its name. */
export function identityKey(id: Identity): string {
  return `${id.kind}\n${id.namespace ?? ''}\n${id.name}`;
}

/** The prefix of every message about one object: `file: Kind ns/name (document n)`. */
export function where(ref: SourceRef, id?: Identity): string {
  return id
    ? `${ref.file}: ${displayName(id)} (${describeSource(ref)})`
    : `${ref.file} (${describeSource(ref)})`;
}

export type Classified =
  | { use: 'ours'; id: Identity; object: Record<string, unknown> }
  | { use: 'ignored'; kind: string }
  | { use: 'invalid'; problems: string[] };

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Sorts out one document: one of our kinds (with namespace defaulted), another kind, or not an object. */
export function classify(ref: SourceRef, value: unknown): Classified {
  if (!isRecord(value) || typeof value.kind !== 'string' || typeof value.apiVersion !== 'string') {
    return {
      use: 'invalid',
      problems: [`${where(ref)}: not a Kubernetes object: expected a mapping with apiVersion and kind`],
    };
  }
  const { kind, apiVersion } = value;
  const scope = SCOPES.get(kind);
  const ourGroup = apiVersion.split('/')[0] === GROUP;
  if (!scope && !ourGroup) return { use: 'ignored', kind };
  if (!scope) {
    const known = KINDS.map((def) => def.kind).join(', ');
    return {
      use: 'invalid',
      problems: [`${where(ref)}: kind "${kind}" is not part of ${GROUP}; the kinds are ${known}`],
    };
  }
  const metadata = isRecord(value.metadata) ? value.metadata : {};
  const name = typeof metadata.name === 'string' ? metadata.name : '';
  const namespace =
    scope === 'Namespaced'
      ? typeof metadata.namespace === 'string' && metadata.namespace !== ''
        ? metadata.namespace
        : DEFAULT_NAMESPACE
      : undefined;
  const id: Identity = namespace === undefined ? { kind, name } : { kind, name, namespace };
  const at = where(ref, id);
  const problems: string[] = [];
  if (apiVersion !== API_VERSION) {
    problems.push(
      `${at}: apiVersion: Unsupported value: "${apiVersion}": supported values: "${API_VERSION}"`,
    );
  }
  const { namespace: _dropped, ...rest } = metadata;
  const normalised = namespace === undefined ? { ...rest, name } : { ...rest, name, namespace };
  for (const cause of validateObjectMeta(normalised, namespace !== undefined)) {
    problems.push(`${at}: ${cause.field}: ${cause.message}`);
  }
  for (const field of ['labels', 'annotations'] as const) {
    const map = metadata[field];
    if (map === undefined) continue;
    if (!isRecord(map) || Object.values(map).some((v) => typeof v !== 'string')) {
      problems.push(
        `${at}: metadata.${field}: Invalid value: must be a map of strings (quote numbers and booleans)`,
      );
    }
  }
  if (problems.length > 0) return { use: 'invalid', problems };
  return { use: 'ours', id, object: { ...value, metadata: normalised } };
}
