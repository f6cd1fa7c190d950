// Random API requests for the fuzz test: a tiny seeded PRNG (mulberry32, so a failing seed replays the
// same requests) and a generator of verbs, paths (odd ones included), query strings, content types and
// bodies (random JSON, garbage, deep nesting, large bodies, patches of the four kinds, objects with
// metadata of random types) aimed at the built-in kinds and a custom resource.
import { stringify as toYaml } from 'yaml';

export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(below: number): number {
    return Math.floor(this.next() * below);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
}

export interface FuzzRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** The route the request aims at, to count failures by: `PATCH configmaps/{name}`. */
  route: string;
}

const COLLECTIONS = [
  { route: 'configmaps', path: '/api/v1/namespaces/default/configmaps' },
  { route: 'configmaps', path: '/api/v1/namespaces/fuzz/configmaps' },
  { route: 'configmaps(all)', path: '/api/v1/configmaps' },
  { route: 'secrets', path: '/api/v1/namespaces/default/secrets' },
  { route: 'namespaces', path: '/api/v1/namespaces' },
  { route: 'services', path: '/api/v1/namespaces/default/services' },
  { route: 'pods', path: '/api/v1/namespaces/default/pods' },
  { route: 'events', path: '/api/v1/namespaces/default/events' },
  { route: 'deployments', path: '/apis/apps/v1/namespaces/default/deployments' },
  { route: 'leases', path: '/apis/coordination.k8s.io/v1/namespaces/default/leases' },
  { route: 'roles', path: '/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles' },
  { route: 'teamsdevices', path: '/apis/teamsdevices.io/v1alpha1/namespaces/default/teamsdevices' },
  { route: 'crds', path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions' },
  { route: 'selfsubjectaccessreviews', path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews' },
  { route: 'watch-configmaps', path: '/api/v1/watch/namespaces/default/configmaps' },
] as const;

const ODD_PATHS = [
  '/',
  '/api',
  '/apis',
  '/api/v2',
  '/apis/apps',
  '/apis/apps/v1',
  '/apis/teamsdevices.io/v1alpha1',
  '/api/v1/namespaces/%ZZ/configmaps',
  '/api/v1/namespaces/default/configmaps/%2e%2e',
  '/api/v1/namespaces/default/configmaps/a/b/c/d/e',
  '/api/v1/namespaces//configmaps',
  '/api/v1//namespaces',
  '/apis//v1/x',
  '/api/v1/namespaces/default/nosuchthings',
  '/api/v1/namespaces/default/configmaps/x/nosuchsub',
  '/api/v1/namespaces/default/deployments/x/scale',
  '/apis/apps/v1/namespaces/default/deployments/fuzz-a/scale',
  '/api/v1/namespaces/fuzz/finalize',
  '/api/v1/namespaces/fuzz/status',
  '/openapi/v2',
  '/openapi/v3',
  '/openapi/v3/apis/apps/v1',
  '/openapi/v3/apis/nope/v9',
  '/version',
  '/healthz',
  '/readyz',
  '/livez/etcd',
  '/metrics',
  '/api/v1/namespaces/default/configmaps/\u00e9\u00e8',
  `/api/v1/namespaces/default/configmaps/${'n'.repeat(300)}`,
];

/** Mostly the objects the test created, so writes reach real objects; then odd and missing names. */
const NAMES = [
  'fuzz-a',
  'fuzz-a',
  'fuzz-a',
  'fuzz-b',
  'fuzz-b',
  'fuzz-b',
  'fuzz-c',
  'default',
  'x',
  'A_B',
  '-',
  '..',
  'a.b.c',
];
const METHODS = [
  'GET',
  'GET',
  'GET',
  'POST',
  'POST',
  'POST',
  'PUT',
  'PUT',
  'PATCH',
  'PATCH',
  'PATCH',
  'PATCH',
  'DELETE',
];
const ODD_METHODS = ['HEAD', 'OPTIONS', 'TRACE', 'FOO', 'get'];
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/yaml',
  'application/vnd.kubernetes.protobuf',
  'application/merge-patch+json',
  'application/json-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
  'text/plain',
  '',
  'application/JSON;;;=',
  'multipart/form-data; boundary=x',
];
const ACCEPTS = [
  undefined,
  'application/json',
  'application/json;as=Table;v=v1;g=meta.k8s.io',
  'application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json',
  'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io',
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
  'application/vnd.kubernetes.protobuf',
  'application/com.github.proto-openapi.spec.v2@v1.0+protobuf',
  '*/*;q=0.x',
  'as=Table',
];
const SELECTORS = [
  'a=b',
  'a==b,c!=d',
  'a in (b,c)',
  'a notin (',
  '!a',
  'a,!b',
  '=',
  '(((',
  'a=b=c',
  'x in (a,b),y',
  'metadata.name=fuzz-a',
  'metadata.namespace!=x',
  'involvedObject.kind=Pod',
  'spec.type=Phone',
  'status.phase==Running',
  `${'k'.repeat(400)}=v`,
  '%zz',
  'a=\u0000',
];
const SCALARS: unknown[] = [
  0,
  -1,
  1.5,
  1e308,
  2 ** 63,
  '',
  'x',
  'a b',
  '__proto__',
  'constructor',
  'prototype',
  true,
  false,
  null,
  'ünïcödé',
  '\u0000',
  '$patch',
  'delete',
  'replace',
  'merge',
];
const KEYS = [
  'metadata',
  'spec',
  'status',
  'data',
  'labels',
  'annotations',
  'finalizers',
  'ownerReferences',
  'name',
  'namespace',
  'resourceVersion',
  'uid',
  'generateName',
  'kind',
  'apiVersion',
  'items',
  'containers',
  'ports',
  'conditions',
  'type',
  'replicas',
  'selector',
  'matchLabels',
  'template',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '$patch',
  '$retainKeys',
  '$setElementOrder/containers',
  '$deleteFromPrimitiveList/finalizers',
  'f:metadata',
  'x',
  '',
  'a.b/c',
];

export class RequestGenerator {
  constructor(private readonly random: Random) {}

  private value(depth: number): unknown {
    const r = this.random;
    if (depth <= 0 || r.chance(0.45)) return r.pick(SCALARS);
    if (r.chance(0.4)) return Array.from({ length: r.int(4) }, () => this.value(depth - 1));
    const out: Record<string, unknown> = {};
    for (let i = r.int(5); i > 0; i--) out[r.pick(KEYS)] = this.value(depth - 1);
    return out;
  }

  private metadata(): Record<string, unknown> {
    const r = this.random;
    const meta: Record<string, unknown> = {};
    if (r.chance(0.8)) meta.name = r.chance(0.8) ? r.pick(NAMES) : this.value(1);
    if (r.chance(0.1)) meta.generateName = r.pick(['fuzz-', 'Bad_', '', 5]);
    if (r.chance(0.3)) meta.labels = r.chance(0.7) ? { [r.pick(KEYS)]: r.pick(SCALARS) } : this.value(2);
    if (r.chance(0.2)) meta.annotations = r.chance(0.7) ? { [r.pick(KEYS)]: r.pick(SCALARS) } : this.value(2);
    if (r.chance(0.2)) meta.finalizers = r.chance(0.5) ? [r.pick(['a/b', 'x', 'a/b/c', ''])] : this.value(2);
    if (r.chance(0.15)) {
      meta.ownerReferences = r.chance(0.5)
        ? [
            {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              name: 'fuzz-a',
              uid: r.pick(['u', 5, '']),
              controller: r.chance(0.5),
            },
          ]
        : this.value(2);
    }
    if (r.chance(0.2)) meta.resourceVersion = r.pick(['1', '999999', 'abc', 5, '']);
    if (r.chance(0.05)) meta.namespace = r.pick(['default', 'other', 7]);
    return meta;
  }

  /** An object shaped like the kinds served, with random fields and random-typed metadata. */
  private object(): Record<string, unknown> {
    const r = this.random;
    const obj: Record<string, unknown> = { metadata: this.metadata() };
    if (r.chance(0.3)) obj.apiVersion = r.pick(['v1', 'apps/v1', 'teamsdevices.io/v1alpha1', 'nope/v9', 3]);
    if (r.chance(0.3)) obj.kind = r.pick(['ConfigMap', 'TeamsDevice', 'Deployment', 'Wrong', {}]);
    if (r.chance(0.5)) obj.data = r.chance(0.5) ? { a: r.pick(SCALARS) } : this.value(3);
    if (r.chance(0.5)) {
      obj.spec = r.chance(0.4)
        ? { type: 'Phone', manufacturer: 'Yealink', model: 'MP56', firmware: this.value(2) }
        : this.value(4);
    }
    if (r.chance(0.2)) obj.status = this.value(3);
    return obj;
  }

  /** A valid ConfigMap or TeamsDevice with one field changed at random: what gets past the first checks. */
  private nearlyValid(): Record<string, unknown> {
    const r = this.random;
    const obj: Record<string, unknown> = r.chance(0.5)
      ? { metadata: { name: r.pick(NAMES), labels: { app: 'fuzz' } }, data: { a: 'b' } }
      : {
          metadata: { name: r.pick(NAMES), labels: { app: 'fuzz' }, finalizers: ['example.com/f'] },
          spec: { type: 'Phone', manufacturer: 'Yealink', model: 'MP56' },
        };
    const meta = obj.metadata as Record<string, unknown>;
    const spec = obj.spec as Record<string, unknown> | undefined;
    switch (r.int(8)) {
      case 0:
        meta[r.pick(KEYS)] = this.value(2);
        break;
      case 1:
        (meta.labels as Record<string, unknown>)[r.pick(KEYS)] = r.pick(SCALARS);
        break;
      case 2:
        meta.annotations = { [r.pick(KEYS)]: r.chance(0.9) ? r.pick(SCALARS) : 'x'.repeat(r.int(300_000)) };
        break;
      case 3:
        if (spec) spec[r.pick(['type', 'manufacturer', 'model', 'firmware', 'x'])] = this.value(2);
        else obj.data = this.value(2);
        break;
      case 4:
        meta.ownerReferences = [this.value(2)];
        break;
      case 5:
        obj.status = this.value(3);
        break;
      case 6:
        meta.finalizers = r.chance(0.5) ? null : [r.pick(SCALARS)];
        break;
      default:
        obj[r.pick(KEYS)] = this.value(3);
    }
    return obj;
  }

  private deep(): string {
    const r = this.random;
    const depth = r.pick([100, 511, 513, 600, 2000, 10_000]);
    if (r.chance(0.5))
      return `{"metadata":{"name":"fuzz-deep"},"data":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    return `{"metadata":{"name":"fuzz-deep"},"spec":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
  }

  private jsonPatch(): unknown {
    const r = this.random;
    const paths = [
      '/metadata/labels/x',
      '/metadata/finalizers/-',
      '/data',
      '/spec/a',
      '/',
      '',
      'x',
      '/a~2b',
      '/metadata/labels',
      '/__proto__/x',
      '/constructor/prototype/x',
      '/data/0',
      '/metadata/ownerReferences/0/uid',
    ];
    return Array.from({ length: 1 + r.int(3) }, () => {
      const op: Record<string, unknown> = {
        op: r.pick(['add', 'remove', 'replace', 'move', 'copy', 'test', 'bogus', 5]),
      };
      if (r.chance(0.9)) op.path = r.pick(paths);
      if (r.chance(0.5)) op.from = r.pick(paths);
      if (r.chance(0.8)) op.value = this.value(2);
      return op;
    });
  }

  private strategicPatch(): unknown {
    const r = this.random;
    const patch = this.object();
    if (r.chance(0.3)) patch.$patch = r.pick(['replace', 'delete', 'merge', 'bogus', 3]);
    if (r.chance(0.3)) patch['$setElementOrder/finalizers'] = this.value(2);
    if (r.chance(0.3)) patch.$retainKeys = this.value(1);
    if (r.chance(0.3)) {
      patch.spec = {
        template: {
          spec: { containers: [{ name: r.pick(['a', 5, null]), $patch: r.pick(['delete', 'replace']) }] },
        },
      };
    }
    if (r.chance(0.2)) patch['$deleteFromPrimitiveList/finalizers'] = this.value(1);
    return patch;
  }

  private body(contentType: string): Buffer | undefined {
    const r = this.random;
    const kind = r.int(100);
    if (kind < 5) return undefined;
    if (kind < 12) return Buffer.from(Array.from({ length: r.int(200) }, () => r.int(256)));
    if (kind < 17) return Buffer.from(this.deep());
    if (kind < 18)
      return Buffer.alloc(r.chance(0.3) ? 3.5 * 1024 * 1024 : 600 * 1024, r.chance(0.5) ? 0x61 : 0x7b);
    if (kind < 19) {
      return Buffer.from(
        JSON.stringify({ metadata: { name: 'fuzz-big', annotations: { a: 'x'.repeat(300_000) } } }),
      );
    }
    if (kind < 24) {
      // a YAML alias chain: each level doubles what a naive expansion would build
      const lines = ['a: &a ["x","x"]'];
      for (let i = 1; i < 25; i++)
        lines.push(`a${i}: &a${i} [*a${i === 1 ? '' : i - 1},*a${i === 1 ? '' : i - 1}]`);
      return Buffer.from(lines.join('\n'));
    }
    let value: unknown;
    if (contentType.includes('json-patch')) value = r.chance(0.85) ? this.jsonPatch() : this.value(3);
    else if (contentType.includes('strategic'))
      value = r.chance(0.5) ? this.nearlyValid() : this.strategicPatch();
    else if (kind < 35) value = this.value(5);
    else if (kind < 65) value = this.object();
    else value = this.nearlyValid();
    if (contentType.includes('yaml') && r.chance(0.7)) return Buffer.from(toYaml(value));
    if (r.chance(0.03)) return Buffer.from(`${JSON.stringify(value)} trailing`);
    return Buffer.from(JSON.stringify(value));
  }

  private query(watch: boolean): string {
    const r = this.random;
    const params: string[] = [];
    const add = (key: string, value: string) => params.push(`${key}=${encodeURIComponent(value)}`);
    if (r.chance(0.25)) add('labelSelector', r.pick(SELECTORS));
    if (r.chance(0.2)) add('fieldSelector', r.pick(SELECTORS));
    if (r.chance(0.2))
      add('resourceVersion', r.pick(['0', '1', '', 'abc', '-1', '99999999', '1e3', '18446744073709551616']));
    if (r.chance(0.1)) add('resourceVersionMatch', r.pick(['NotOlderThan', 'Exact', 'x']));
    if (r.chance(0.1)) add('limit', r.pick(['0', '1', '-5', 'x', '500']));
    if (r.chance(0.05)) add('continue', r.pick(['x', '', '%%%']));
    if (r.chance(0.15)) add('dryRun', r.pick(['All', 'all', '']));
    if (r.chance(0.15)) add('fieldManager', r.pick(['fuzz', '', 'm'.repeat(200)]));
    if (r.chance(0.1)) add('fieldValidation', r.pick(['Strict', 'Warn', 'Ignore', 'x']));
    if (r.chance(0.1)) add('force', r.pick(['true', 'false', 'x']));
    if (r.chance(0.05)) add('propagationPolicy', r.pick(['Orphan', 'Foreground', 'Background', 'x']));
    if (r.chance(0.05)) add('gracePeriodSeconds', r.pick(['0', '-1', 'x', '1.5']));
    if (r.chance(0.05)) add('includeObject', r.pick(['Object', 'None', 'Metadata', 'x']));
    if (watch || r.chance(0.05)) {
      add('watch', r.pick(['true', '1', 'false', 'x']));
      add('timeoutSeconds', r.pick(['1', '0', 'x', '-3']));
      if (r.chance(0.3)) add('allowWatchBookmarks', r.pick(['true', 'false']));
      if (r.chance(0.2)) add('sendInitialEvents', r.pick(['true', 'false']));
    }
    if (r.chance(0.03)) params.push('%zz=%zz', '&&', '=x', 'a=%');
    return params.length === 0 ? '' : `?${params.join('&')}`;
  }

  next(): FuzzRequest {
    const r = this.random;
    const method = r.chance(0.04) ? r.pick(ODD_METHODS) : r.pick(METHODS);
    const named = method === 'POST' ? r.chance(0.05) : r.chance(method === 'GET' ? 0.5 : 0.85);
    let path: string;
    let route: string;
    if (r.chance(0.12)) {
      path = r.pick(ODD_PATHS);
      route = path.length > 60 ? `${path.slice(0, 60)}...` : path;
    } else {
      const collection = r.pick(COLLECTIONS);
      path = collection.path;
      route = collection.route;
      if (named) {
        path += `/${encodeURIComponent(r.pick(NAMES))}`;
        route += '/{name}';
        if (r.chance(0.2)) {
          const sub = r.pick(['status', 'scale', 'finalize', 'x']);
          path += `/${sub}`;
          route += `/${sub}`;
        }
      }
    }
    path += this.query(r.chance(0.05));
    const contentType = r.pick(CONTENT_TYPES);
    const headers: Record<string, string> = {};
    if (contentType !== '') headers['content-type'] = contentType;
    const accept = r.pick(ACCEPTS);
    if (accept !== undefined) headers.accept = accept;
    if (r.chance(0.1)) headers['user-agent'] = r.pick(['kubectl/v1.32', '', '/', 'x'.repeat(300)]);
    const body =
      method === 'GET' || method === 'HEAD'
        ? r.chance(0.05)
          ? Buffer.from('{}')
          : undefined
        : this.body(contentType);
    return { method, path, headers, ...(body ? { body } : {}), route: `${method} ${route}` };
  }
}
