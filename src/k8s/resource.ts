// Which resource a call is about, and its URL paths.
import { GROUP, KINDS, type KindDefinition, VERSION } from '../api/v1alpha1/index.js';

export interface ResourceRef {
  /** '' for the core group (served under /api/v1). */
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

export function apiVersionOf(ref: Pick<ResourceRef, 'group' | 'version'>): string {
  return ref.group === '' ? ref.version : `${ref.group}/${ref.version}`;
}

/**
 * The URL path of a collection (no name), an object, or a subresource. For a namespaced resource an absent
 * namespace means all namespaces (lists and watches only).
 */
export function resourcePath(
  ref: ResourceRef,
  target: { namespace?: string | undefined; name?: string | undefined; subresource?: string } = {},
): string {
  const root = ref.group === '' ? `/api/${ref.version}` : `/apis/${ref.group}/${ref.version}`;
  const ns = ref.namespaced && target.namespace ? `/namespaces/${encodeURIComponent(target.namespace)}` : '';
  const name = target.name === undefined ? '' : `/${encodeURIComponent(target.name)}`;
  const sub = target.subresource && target.name !== undefined ? `/${target.subresource}` : '';
  return `${root}${ns}/${ref.plural}${name}${sub}`;
}

export function resourceOfKind(def: KindDefinition): ResourceRef {
  return {
    group: GROUP,
    version: VERSION,
    kind: def.kind,
    plural: def.plural,
    namespaced: def.scope === 'Namespaced',
  };
}

/** The resources of the teamsdevices.io API, by kind. */
export const TEAMS_RESOURCES: Readonly<Record<string, ResourceRef>> = Object.freeze(
  Object.fromEntries(KINDS.map((def) => [def.kind, resourceOfKind(def)])),
);

export const LEASES: ResourceRef = {
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  plural: 'leases',
  namespaced: true,
};

export const EVENTS: ResourceRef = {
  group: '',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  namespaced: true,
};
