// OpenAPI v3 as kube-apiserver serves it: /openapi/v3 lists one document per group-version, each addressed
// with a content hash so clients (which cache by URL) refetch after a change. Each document holds the kinds'
// component schemas (tagged with x-kubernetes-group-version-kind, which `kubectl explain` and kubectl's
// strategic-merge-patch builder look up) and the REST paths; every PATCH operation carries the GVK and a
// `fieldValidation` parameter, which is how kubectl decides that the server validates fields itself.
import { createHash } from 'node:crypto';
import { KUBERNETES_VERSION } from '../discovery.js';
import type { JsonObject, ResourceType } from '../resource-type.js';
import {
  BUILTIN_COMPONENTS,
  builtinKindSchema,
  listSchema,
  META,
  OBJECT_META_DESCRIPTION,
  referencedSchemas,
  refTo,
  schemaName,
} from './builtin-schemas.js';

type Schema = JsonObject;

/** 'api/v1' for the core group, 'apis/<group>/<version>' for the others. */
export function openapiGroupVersionPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

function parseGroupVersionPath(path: string): { group: string; version: string } | undefined {
  const parts = path.replace(/^\/+|\/+$/g, '').split('/');
  if (parts.length === 2 && parts[0] === 'api' && parts[1]) return { group: '', version: parts[1] };
  if (parts.length === 3 && parts[0] === 'apis' && parts[1] && parts[2])
    return { group: parts[1], version: parts[2] };
  return undefined;
}

/** /openapi/v3: where each group-version document lives, with the hash of its current content. */
export function openapiV3Index(types: ResourceType[]): object {
  const keys = [...new Set(types.map((t) => openapiGroupVersionPath(t.group, t.version)))].sort();
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const key of keys) {
    const doc = openapiV3Document(types, key);
    if (doc) paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${doc.hash}` };
  }
  return { paths };
}

/** The document of one group-version ('api/v1' or 'apis/<g>/<v>'), or undefined when none of it is served. */
export function openapiV3Document(
  types: ResourceType[],
  groupVersionPath: string,
): { body: object; hash: string } | undefined {
  const gv = parseGroupVersionPath(groupVersionPath);
  if (!gv) return undefined;
  const served = types
    .filter((t) => t.group === gv.group && t.version === gv.version)
    .sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
  if (served.length === 0) return undefined;
  const body = buildDocument(gv.group, gv.version, served);
  const hash = createHash('sha512').update(JSON.stringify(body)).digest('hex').toUpperCase();
  return { body, hash };
}

function buildDocument(group: string, version: string, types: ResourceType[]): JsonObject {
  const own: Record<string, Schema> = {};
  const paths: Record<string, JsonObject> = {};
  for (const type of types) {
    own[schemaName(group, version, type.kind)] = kindSchema(type);
    // A kind nobody lists (the create-only reviews) has no list kind.
    if (type.verbs.includes('list')) {
      own[schemaName(group, version, type.listKind)] = listSchema(group, version, type.kind, type.listKind);
    }
    Object.assign(paths, resourcePaths(type));
  }
  const roots = [own, ...['Status', 'DeleteOptions', 'Patch'].map((k) => refTo(`${META}.${k}`))];
  const shared = referencedSchemas(roots, { ...BUILTIN_COMPONENTS, ...own });
  const schemas: Record<string, Schema> = {};
  for (const name of [...new Set([...Object.keys(own), ...shared])].sort()) {
    const schema = own[name] ?? BUILTIN_COMPONENTS[name];
    if (schema) schemas[name] = schema;
  }
  const builtin = types.every((t) => t.builtin);
  return {
    openapi: '3.0.0',
    info: builtin
      ? { title: 'Kubernetes', version: KUBERNETES_VERSION.gitVersion }
      : { title: 'Kubernetes CRD Swagger', version: 'v0.1.0' },
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => (a < b ? -1 : 1))),
    components: {
      schemas,
      securitySchemes: {
        BearerToken: {
          type: 'apiKey',
          description: 'Bearer Token authentication',
          name: 'authorization',
          in: 'header',
        },
      },
    },
  };
}

const TYPE_META_PROPERTIES = {
  apiVersion: {
    description:
      'APIVersion defines the versioned schema of this representation of an object. Servers should convert ' +
      'recognized schemas to the latest internal value, and may reject unrecognized values.',
    type: 'string',
  },
  kind: {
    description:
      'Kind is a string value representing the REST resource this object represents. Servers may infer this from ' +
      'the endpoint the client submits requests to. Cannot be updated. In CamelCase.',
    type: 'string',
  },
};

function gvkList(type: ResourceType) {
  return [{ group: type.group, kind: type.kind, version: type.version }];
}

/**
 * The component schema of a kind. A CRD's openAPIV3Schema is published as it is, with the standard apiVersion,
 * kind and a metadata that points at ObjectMeta (so `kubectl explain x.metadata` works); a built-in kind uses
 * its modelled schema, or an open object when none is modelled.
 */
function kindSchema(type: ResourceType): Schema {
  if (type.builtin && !type.schema) {
    const modelled = builtinKindSchema(type.group, type.version, type.kind);
    if (modelled) return modelled;
  }
  const base: Schema = type.schema
    ? (JSON.parse(JSON.stringify(type.schema)) as Schema)
    : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  const properties = { ...((base.properties as Record<string, Schema> | undefined) ?? {}) };
  Object.assign(properties, TYPE_META_PROPERTIES, {
    metadata: { description: OBJECT_META_DESCRIPTION, allOf: [refTo(`${META}.ObjectMeta`)] },
  });
  return {
    ...base,
    type: 'object',
    properties: Object.fromEntries(Object.entries(properties).sort(([a], [b]) => (a < b ? -1 : 1))),
    'x-kubernetes-group-version-kind': gvkList(type),
  };
}

// ---- paths ---------------------------------------------------------------------------------------------------

function param(name: string, location: 'query' | 'path', type: string, description: string): JsonObject {
  const out: JsonObject = { name, in: location, description, schema: { type, uniqueItems: true } };
  if (location === 'path') out.required = true;
  return out;
}

const PARAMS = {
  pretty: param('pretty', 'query', 'string', "If 'true', then the output is pretty printed."),
  name: (kind: string) => param('name', 'path', 'string', `name of the ${kind}`),
  namespace: param(
    'namespace',
    'path',
    'string',
    'object name and auth scope, such as for teams and projects',
  ),
  dryRun: param(
    'dryRun',
    'query',
    'string',
    'When present, indicates that modifications should not be persisted. The only valid value is All.',
  ),
  fieldManager: param(
    'fieldManager',
    'query',
    'string',
    'fieldManager is a name associated with the actor or entity that is making these changes.',
  ),
  fieldValidation: param(
    'fieldValidation',
    'query',
    'string',
    'fieldValidation instructs the server on how to handle objects in the request containing unknown or ' +
      'duplicate fields. Valid values are: Ignore, Warn (the default) and Strict.',
  ),
  force: param(
    'force',
    'query',
    'boolean',
    'Force is going to "force" Apply requests: re-acquire conflicting fields owned by other people.',
  ),
  list: [
    param(
      'allowWatchBookmarks',
      'query',
      'boolean',
      'allowWatchBookmarks requests watch events with type "BOOKMARK".',
    ),
    param(
      'continue',
      'query',
      'string',
      'The continue option should be set when retrieving more results from the server.',
    ),
    param(
      'fieldSelector',
      'query',
      'string',
      'A selector to restrict the list of returned objects by their fields.',
    ),
    param(
      'labelSelector',
      'query',
      'string',
      'A selector to restrict the list of returned objects by their labels.',
    ),
    param('limit', 'query', 'integer', 'limit is a maximum number of responses to return for a list call.'),
    param(
      'resourceVersion',
      'query',
      'string',
      'resourceVersion sets a constraint on what resource versions a request may be served from.',
    ),
    param(
      'resourceVersionMatch',
      'query',
      'string',
      'resourceVersionMatch determines how resourceVersion is applied to list calls.',
    ),
    param(
      'sendInitialEvents',
      'query',
      'boolean',
      'With watch=true, starts the stream with synthetic ADDED events of the current state.',
    ),
    param('timeoutSeconds', 'query', 'integer', 'Timeout for the list/watch call.'),
    param(
      'watch',
      'query',
      'boolean',
      'Watch for changes to the described resources and return them as a stream.',
    ),
  ],
  delete: [
    param(
      'gracePeriodSeconds',
      'query',
      'integer',
      'The duration in seconds before the object should be deleted.',
    ),
    param('orphanDependents', 'query', 'boolean', 'Deprecated: please use the PropagationPolicy.'),
    param(
      'propagationPolicy',
      'query',
      'string',
      "Whether and how garbage collection will be performed: 'Orphan', 'Background' or 'Foreground'.",
    ),
  ],
};

function content(schemaRef: string): JsonObject {
  const schema = refTo(schemaRef);
  return { 'application/json': { schema }, 'application/yaml': { schema } };
}

function responses(codes: string[], schemaRef: string): JsonObject {
  const out: JsonObject = {};
  const text: Record<string, string> = { '200': 'OK', '201': 'Created', '202': 'Accepted' };
  for (const code of codes) out[code] = { description: text[code] ?? code, content: content(schemaRef) };
  out['401'] = { description: 'Unauthorized' };
  return out;
}

function camel(text: string): string {
  return text
    .split(/[.-]/)
    .filter((s) => s !== '')
    .map((s) => s[0]!.toUpperCase() + s.slice(1))
    .join('');
}

function resourcePaths(type: ResourceType): Record<string, JsonObject> {
  const { group, version, kind, plural } = type;
  const kindRef = schemaName(group, version, kind);
  const listRef = schemaName(group, version, type.listKind);
  const statusRef = `${META}.Status`;
  const groupName = group === '' ? 'core' : group.replace(/\.k8s\.io$/, '');
  const gvId = camel(groupName) + camel(version);
  const tag = `${groupName.replace(/[.-](\w)/g, (_, c: string) => c.toUpperCase())}_${version}`;
  const gvk = { group, kind, version };
  const ns = type.namespaced ? 'Namespaced' : '';
  const has = (verb: string) => type.verbs.includes(verb);
  const patchTypes = [
    'application/apply-patch+yaml',
    'application/json-patch+json',
    'application/merge-patch+json',
  ];
  // Custom resources answer 415 to strategic merge patches, so only built-in kinds offer them. kubectl computes
  // such a patch from this document, so a built-in kind without a modelled schema (no merge keys, no fields)
  // does not offer it either: kubectl then falls back, silently, to the Go types compiled into it.
  if (type.builtin && !type.schema && builtinKindSchema(group, version, kind)) {
    patchTypes.push('application/strategic-merge-patch+json');
  }

  const op = (
    action: string,
    verb: string,
    id: string,
    description: string,
    extra: JsonObject,
    parameters: JsonObject[] = [],
  ): JsonObject => ({
    tags: [tag],
    description,
    operationId: `${verb}${gvId}${id}`,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...extra,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
  });
  const writeParams = [PARAMS.dryRun, PARAMS.fieldManager, PARAMS.fieldValidation];
  const body = (ref: string) => ({
    requestBody: { content: { '*/*': { schema: refTo(ref) } }, required: true },
  });
  const patch = (id: string, description: string) =>
    op(
      'patch',
      'patch',
      id,
      description,
      {
        requestBody: {
          content: Object.fromEntries(patchTypes.map((t) => [t, { schema: refTo(`${META}.Patch`) }])),
          required: true,
        },
        responses: responses(['200', '201'], kindRef),
      },
      [...writeParams, PARAMS.force],
    );

  const prefix = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
  const collection = type.namespaced ? `${prefix}/namespaces/{namespace}/${plural}` : `${prefix}/${plural}`;
  const scopeParams = type.namespaced ? [PARAMS.namespace] : [];
  const paths: Record<string, JsonObject> = {};

  const collectionOps: JsonObject = {};
  if (has('list')) {
    collectionOps.get = op(
      'list',
      'list',
      `${ns}${kind}`,
      `list or watch objects of kind ${kind}`,
      {
        responses: responses(['200'], listRef),
      },
      PARAMS.list,
    );
  }
  if (has('create')) {
    collectionOps.post = op(
      'post',
      'create',
      `${ns}${kind}`,
      `create a ${kind}`,
      {
        ...body(kindRef),
        responses: responses(['200', '201', '202'], kindRef),
      },
      writeParams,
    );
  }
  if (has('deletecollection')) {
    collectionOps.delete = op(
      'deletecollection',
      'delete',
      `Collection${ns}${kind}`,
      `delete collection of ${kind}`,
      {
        ...body(`${META}.DeleteOptions`),
        responses: responses(['200'], statusRef),
      },
      [...PARAMS.list, PARAMS.dryRun, ...PARAMS.delete],
    );
  }
  paths[collection] = { ...collectionOps, parameters: [...scopeParams, PARAMS.pretty] };

  if (type.namespaced && has('list')) {
    paths[`${prefix}/${plural}`] = {
      get: op(
        'list',
        'list',
        `${kind}ForAllNamespaces`,
        `list or watch objects of kind ${kind}`,
        {
          responses: responses(['200'], listRef),
        },
        PARAMS.list,
      ),
      parameters: [PARAMS.pretty],
    };
  }

  const itemOps: JsonObject = {};
  if (has('get')) {
    itemOps.get = op('get', 'read', `${ns}${kind}`, `read the specified ${kind}`, {
      responses: responses(['200'], kindRef),
    });
  }
  if (has('update')) {
    itemOps.put = op(
      'put',
      'replace',
      `${ns}${kind}`,
      `replace the specified ${kind}`,
      {
        ...body(kindRef),
        responses: responses(['200', '201'], kindRef),
      },
      writeParams,
    );
  }
  if (has('patch')) itemOps.patch = patch(`${ns}${kind}`, `partially update the specified ${kind}`);
  if (has('delete')) {
    itemOps.delete = op(
      'delete',
      'delete',
      `${ns}${kind}`,
      `delete a ${kind}`,
      {
        requestBody: { content: { '*/*': { schema: refTo(`${META}.DeleteOptions`) } } },
        responses: responses(['200', '202'], statusRef),
      },
      [PARAMS.dryRun, ...PARAMS.delete],
    );
  }
  const itemParams = [PARAMS.name(kind), ...scopeParams, PARAMS.pretty];
  if (Object.keys(itemOps).length > 0) paths[`${collection}/{name}`] = { ...itemOps, parameters: itemParams };

  if (type.subresources.includes('status')) {
    paths[`${collection}/{name}/status`] = {
      get: op('get', 'read', `${ns}${kind}Status`, `read status of the specified ${kind}`, {
        responses: responses(['200'], kindRef),
      }),
      put: op(
        'put',
        'replace',
        `${ns}${kind}Status`,
        `replace status of the specified ${kind}`,
        {
          ...body(kindRef),
          responses: responses(['200', '201'], kindRef),
        },
        writeParams,
      ),
      patch: patch(`${ns}${kind}Status`, `partially update status of the specified ${kind}`),
      parameters: itemParams,
    };
  }
  return paths;
}
