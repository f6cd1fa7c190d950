// The discovery documents of kube-apiserver 1.32: /version, legacy discovery (/api, /apis, /apis/<g>,
// /api/v1, /apis/<g>/<v>) and aggregated discovery (apidiscovery.k8s.io/v2 on /api and /apis).
// Pure functions over the served ResourceTypes; the server decides which document a request gets.
import type { PrinterColumn } from '@teams-device-operator/apimachinery';
import { groupVersion, type JsonObject, type ResourceType } from './resource-type.js';

export const KUBERNETES_VERSION = { major: '1', minor: '32', gitVersion: 'v1.32.3' } as const;

export function versionInfo(): Record<string, string> {
  return {
    major: KUBERNETES_VERSION.major,
    minor: KUBERNETES_VERSION.minor,
    gitVersion: KUBERNETES_VERSION.gitVersion,
    gitCommit: '32cc146f75aad04beaaa245a7157eb35063a9f99',
    gitTreeState: 'clean',
    buildDate: '2025-03-11T19:52:21Z',
    goVersion: 'go1.23.6',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

/** /api. `serverAddress` is host:port as clients reach the server. */
export function legacyCoreVersions(serverAddress = '127.0.0.1:6443'): object {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

// Kubernetes version priority: GA before beta before alpha, higher numbers first, other names last (sorted).
const KUBE_VERSION = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

function versionRank(version: string): [number, number, number] | undefined {
  const match = KUBE_VERSION.exec(version);
  if (!match) return undefined;
  const stability = match[2] === undefined ? 3 : match[2] === 'beta' ? 2 : 1;
  return [stability, Number(match[1]), Number(match[3] ?? 0)];
}

export function compareKubeVersions(a: string, b: string): number {
  const ra = versionRank(a);
  const rb = versionRank(b);
  if (ra && rb) return rb[0] - ra[0] || rb[1] - ra[1] || rb[2] - ra[2];
  if (ra) return -1;
  if (rb) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

interface GroupInfo {
  name: string;
  builtin: boolean;
  /** Preferred first. */
  versions: string[];
  types: ResourceType[];
}

/** Groups in the order kube-apiserver lists them: built-in groups as given, then the others by name. */
function groupsOf(types: readonly ResourceType[]): GroupInfo[] {
  const byName = new Map<string, GroupInfo>();
  for (const type of types) {
    let info = byName.get(type.group);
    if (!info) {
      info = { name: type.group, builtin: type.builtin, versions: [], types: [] };
      byName.set(type.group, info);
    }
    info.builtin &&= type.builtin;
    info.types.push(type);
    if (!info.versions.includes(type.version)) info.versions.push(type.version);
  }
  const groups = [...byName.values()];
  for (const group of groups) group.versions.sort(compareKubeVersions);
  const builtins = groups.filter((g) => g.builtin);
  const others = groups.filter((g) => !g.builtin).sort((a, b) => (a.name < b.name ? -1 : 1));
  return [...builtins, ...others];
}

function groupVersionEntry(group: string, version: string) {
  return { groupVersion: groupVersion({ group, version }), version };
}

function apiGroup(info: GroupInfo): JsonObject {
  const versions = info.versions.map((v) => groupVersionEntry(info.name, v));
  return { name: info.name, versions, preferredVersion: versions[0] };
}

/** /apis: every group except the core one. */
export function apiGroupList(types: ResourceType[]): object {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groupsOf(types)
      .filter((g) => g.name !== '')
      .map(apiGroup),
  };
}

/** /apis/<group>, or undefined when no version of the group is served (404). */
export function apiGroupDocument(types: ResourceType[], group: string): object | undefined {
  if (group === '') return undefined;
  const info = groupsOf(types).find((g) => g.name === group);
  return info ? { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(info) } : undefined;
}

/** namespaces/finalize takes only PUT, pods/log only GET; status and scale are read and written. */
function subresourceVerbs(subresource: string): string[] {
  if (subresource === 'log') return ['get'];
  return subresource === 'finalize' ? ['update'] : ['get', 'patch', 'update'];
}

/** The kind a subresource answers with: scale is autoscaling/v1 Scale, status (and the rest) the object. */
function subresourceKind(type: ResourceType, subresource: string) {
  if (subresource === 'scale') return { group: 'autoscaling', version: 'v1', kind: 'Scale' };
  return { group: type.group, version: type.version, kind: type.kind };
}

function sortedTypes(types: ResourceType[]): ResourceType[] {
  return [...types].sort((a, b) => (a.plural < b.plural ? -1 : a.plural > b.plural ? 1 : 0));
}

function withNonEmpty(out: JsonObject, key: string, values: readonly string[]): JsonObject {
  if (values.length > 0) out[key] = [...values];
  return out;
}

/** /api/v1 and /apis/<g>/<v>: resources and their `<plural>/<subresource>` entries; undefined when not served. */
export function apiResourceList(types: ResourceType[], group: string, version: string): object | undefined {
  const served = sortedTypes(types.filter((t) => t.group === group && t.version === version));
  if (served.length === 0) return undefined;
  const resources: JsonObject[] = [];
  for (const type of served) {
    const main: JsonObject = {
      name: type.plural,
      singularName: type.singular,
      namespaced: type.namespaced,
      kind: type.kind,
      verbs: [...type.verbs],
    };
    withNonEmpty(main, 'shortNames', type.shortNames);
    withNonEmpty(main, 'categories', type.categories);
    resources.push(main);
    for (const sub of type.subresources) {
      const kind = subresourceKind(type, sub);
      const entry: JsonObject = {
        name: `${type.plural}/${sub}`,
        singularName: '',
        namespaced: type.namespaced,
        kind: kind.kind,
        verbs: subresourceVerbs(sub),
      };
      if (kind.group !== type.group || kind.version !== type.version) {
        entry.group = kind.group;
        entry.version = kind.version;
      }
      resources.push(entry);
    }
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupVersion({ group, version }),
    resources,
  };
}

export const AGGREGATED_DISCOVERY_CONTENT_TYPE =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

function resourceDiscovery(type: ResourceType): JsonObject {
  const entry: JsonObject = {
    resource: type.plural,
    responseKind: { group: type.group, version: type.version, kind: type.kind },
    scope: type.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: type.singular,
    verbs: [...type.verbs],
  };
  withNonEmpty(entry, 'shortNames', type.shortNames);
  withNonEmpty(entry, 'categories', type.categories);
  if (type.subresources.length > 0) {
    entry.subresources = type.subresources.map((sub) => ({
      subresource: sub,
      responseKind: subresourceKind(type, sub),
      verbs: subresourceVerbs(sub),
    }));
  }
  return entry;
}

/**
 * APIGroupDiscoveryList for `/api` (the core group only) or `/apis` (every other group), sent with
 * AGGREGATED_DISCOVERY_CONTENT_TYPE: client-go trusts the Content-Type and needs both endpoints in this format.
 */
export function aggregatedDiscovery(types: ResourceType[], scope: 'api' | 'apis'): object {
  const groups = groupsOf(types).filter((g) => (scope === 'api' ? g.name === '' : g.name !== ''));
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items: groups.map((g) => ({
      metadata: g.name === '' ? {} : { name: g.name },
      versions: g.versions.map((version) => ({
        version,
        resources: sortedTypes(g.types.filter((t) => t.version === version)).map(resourceDiscovery),
        freshness: 'Current',
      })),
    })),
  };
}

interface MediaRange {
  type: string;
  params: Record<string, string>;
}

/** An Accept header split into media ranges with lower-cased parameter names; q=0 ranges dropped. */
export function parseAccept(acceptHeader: string | undefined): MediaRange[] {
  if (!acceptHeader) return [];
  const ranges: MediaRange[] = [];
  for (const part of acceptHeader.split(',')) {
    const [type = '', ...rawParams] = part.split(';').map((s) => s.trim());
    const params: Record<string, string> = {};
    for (const p of rawParams) {
      const eq = p.indexOf('=');
      if (eq > 0)
        params[p.slice(0, eq).trim().toLowerCase()] = p
          .slice(eq + 1)
          .trim()
          .replace(/^"|"$/g, '');
    }
    if (params.q !== undefined && Number(params.q) === 0) continue;
    if (type !== '') ranges.push({ type: type.toLowerCase(), params });
  }
  return ranges;
}

export function wantsAggregatedDiscovery(acceptHeader: string | undefined): boolean {
  return parseAccept(acceptHeader).some(
    (r) =>
      r.type === 'application/json' &&
      r.params.g === 'apidiscovery.k8s.io' &&
      r.params.v === 'v2' &&
      r.params.as === 'APIGroupDiscoveryList',
  );
}

/** What resourceTypesFromCrd reads of a CustomResourceDefinition (the generated ones and any sent at run time). */
export interface CrdLike {
  spec: {
    group: string;
    names: {
      kind: string;
      plural: string;
      singular?: string;
      listKind?: string;
      shortNames?: readonly string[];
      categories?: readonly string[];
    };
    scope: string;
    versions: ReadonlyArray<{
      name: string;
      served?: boolean;
      schema?: { openAPIV3Schema?: Record<string, unknown> };
      subresources?: { status?: unknown; scale?: unknown };
      additionalPrinterColumns?: readonly unknown[];
    }>;
  };
}

export const CUSTOM_RESOURCE_VERBS = [
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'create',
  'update',
  'watch',
];

const COLUMN_TYPES = new Set<PrinterColumn['type']>(['string', 'integer', 'number', 'boolean', 'date']);

function printerColumn(raw: unknown): PrinterColumn | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const c = raw as Record<string, unknown>;
  if (typeof c.name !== 'string' || typeof c.jsonPath !== 'string') return undefined;
  const type = COLUMN_TYPES.has(c.type as PrinterColumn['type'])
    ? (c.type as PrinterColumn['type'])
    : 'string';
  const column: PrinterColumn = {
    name: c.name,
    type,
    jsonPath: c.jsonPath,
    description: typeof c.description === 'string' ? c.description : '',
  };
  if (typeof c.priority === 'number' && c.priority !== 0) column.priority = c.priority;
  if (typeof c.format === 'string' && c.format !== '') column.format = c.format;
  return column;
}

/** One ResourceType per served version of a CRD. */
export function resourceTypesFromCrd(crd: CrdLike): ResourceType[] {
  const { group, names, scope } = crd.spec;
  return crd.spec.versions
    .filter((v) => v.served !== false)
    .map((v) => {
      const subresources: string[] = [];
      if (v.subresources?.status !== undefined && v.subresources.status !== null) subresources.push('status');
      if (v.subresources?.scale !== undefined && v.subresources.scale !== null) subresources.push('scale');
      const type: ResourceType = {
        group,
        version: v.name,
        kind: names.kind,
        listKind: names.listKind || `${names.kind}List`,
        plural: names.plural,
        singular: names.singular || names.kind.toLowerCase(),
        namespaced: scope === 'Namespaced',
        shortNames: [...(names.shortNames ?? [])],
        categories: [...(names.categories ?? [])],
        verbs: [...CUSTOM_RESOURCE_VERBS],
        subresources,
        printerColumns: (v.additionalPrinterColumns ?? []).flatMap((c) => printerColumn(c) ?? []),
        builtin: false,
      };
      if (v.schema?.openAPIV3Schema) type.schema = v.schema.openAPIV3Schema;
      return type;
    });
}
