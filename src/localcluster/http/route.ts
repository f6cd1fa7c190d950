// URL paths of kube-apiserver, parsed into what a request addresses.

export interface ResourceRoute {
  kind: 'resource';
  group: string;
  version: string;
  /** Set for /namespaces/<ns>/<plural>... paths. */
  namespace?: string;
  plural: string;
  name?: string;
  subresource?: string;
  /** The deprecated /watch/ path prefix. */
  watchPath: boolean;
}

export type Route =
  | { kind: 'version' }
  | { kind: 'health' }
  | { kind: 'ready' }
  | { kind: 'api' }
  | { kind: 'apis' }
  | { kind: 'group'; group: string }
  | { kind: 'resourceList'; group: string; version: string }
  | { kind: 'openapiIndex' }
  | { kind: 'openapiV2' }
  | { kind: 'openapiDocument'; groupVersion: string }
  | ResourceRoute
  | { kind: 'notFound' };

const NOT_FOUND: Route = { kind: 'notFound' };
const HEALTH = new Set(['healthz', 'livez']);

export function parseRoute(pathname: string): Route {
  let parts: string[];
  try {
    parts = pathname
      .split('/')
      .filter((p) => p !== '')
      .map((p) => (p.includes('%') ? decodeURIComponent(p) : p));
  } catch {
    return NOT_FOUND;
  }
  const [first, second, third] = parts;
  if (first === 'version' && parts.length === 1) return { kind: 'version' };
  if (first !== undefined && HEALTH.has(first)) return { kind: 'health' };
  // Readiness also asks the store whether it can write (handlers/ready.ts).
  if (first === 'readyz') return { kind: 'ready' };
  if (first === 'openapi' && second === 'v2' && parts.length === 2) return { kind: 'openapiV2' };
  if (first === 'openapi' && second === 'v3') {
    if (parts.length === 2) return { kind: 'openapiIndex' };
    return { kind: 'openapiDocument', groupVersion: parts.slice(2).join('/') };
  }
  if (first === 'api') {
    if (parts.length === 1) return { kind: 'api' };
    if (second !== 'v1') return NOT_FOUND;
    if (parts.length === 2) return { kind: 'resourceList', group: '', version: 'v1' };
    return resourceRoute('', 'v1', parts.slice(2));
  }
  if (first === 'apis') {
    if (parts.length === 1) return { kind: 'apis' };
    if (second === undefined) return NOT_FOUND;
    if (parts.length === 2) return { kind: 'group', group: second };
    if (third === undefined) return NOT_FOUND;
    if (parts.length === 3) return { kind: 'resourceList', group: second, version: third };
    return resourceRoute(second, third, parts.slice(3));
  }
  return NOT_FOUND;
}

function resourceRoute(group: string, version: string, rest: string[]): Route {
  const watchPath = rest[0] === 'watch';
  const segments = watchPath ? rest.slice(1) : rest;
  const n = segments.length;
  const namespaceSub = n === 3 && (segments[2] === 'status' || segments[2] === 'finalize');
  const route: ResourceRoute = { kind: 'resource', group, version, plural: '', watchPath };
  let at = 0;
  if (segments[0] === 'namespaces' && n >= 3 && !namespaceSub) {
    if (n > 5) return NOT_FOUND;
    route.namespace = segments[1] as string;
    at = 2;
  } else if (n === 0 || n > 3) {
    return NOT_FOUND;
  }
  route.plural = segments[at] as string;
  const name = segments[at + 1];
  const subresource = segments[at + 2];
  if (name) route.name = name;
  if (subresource) route.subresource = subresource;
  return route;
}
