// Dispatch of /api/v1/... and /apis/<g>/<v>/... requests to the verb handlers.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { UserInfo } from '../auth/identity.js';
import { methodNotAllowed, methodNotSupported, pathNotFound } from '../errors.js';
import { responseFormat } from '../http/negotiate.js';
import type { ResourceRoute } from '../http/route.js';
import type { ResourceRequest, ServerContext } from './context.js';
import { deleteCollection, deleteObject } from './delete.js';
import { finalizeNamespace } from './finalize.js';
import { getPodLog } from './pod-log.js';
import { getObject, listObjects } from './read.js';
import { createReview } from './review.js';
import { getScale, writeScale } from './scale.js';
import { createObject, patch, updateObject } from './write.js';

export async function handleResource(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  route: ResourceRoute,
  query: URLSearchParams,
  user: UserInfo,
): Promise<void> {
  const served = ctx.registry.lookup(route.group, route.version, route.plural);
  if (!served) throw pathNotFound();
  if (route.namespace !== undefined && !served.type.namespaced) throw pathNotFound();
  const sub = route.subresource;
  if (sub !== undefined && (!served.type.subresources.includes(sub) || route.name === undefined)) {
    throw pathNotFound();
  }
  const r: ResourceRequest = {
    ctx,
    req,
    res,
    route,
    query,
    served,
    namespace: served.type.namespaced ? route.namespace : undefined,
    presentation: {
      format: responseFormat(req.headers.accept),
      ...(query.get('includeObject') ? { includeObject: query.get('includeObject') as string } : {}),
    },
    user,
  };
  if (served.review) return createReview(r, served.review);
  const name = route.name;
  const method = req.method ?? 'GET';
  // A namespaced kind addressed without a namespace: lists and watches across namespaces only.
  if (served.type.namespaced && r.namespace === undefined && (name !== undefined || method !== 'GET')) {
    throw name === undefined ? methodNotSupported(served.gr, method) : pathNotFound();
  }

  // A read answers once the writes before it are stored or undone: no reader sees a write the disk refuses.
  if (method === 'GET') await r.ctx.db.settled();
  if (name === undefined) {
    if (method === 'GET') return listObjects(r);
    if (method === 'POST') return createObject(r);
    if (method === 'DELETE') return deleteCollection(r);
    throw methodNotSupported(served.gr, method);
  }
  if (sub === 'scale') {
    if (method === 'GET') return getScale(r, name);
    if (method === 'PUT' || method === 'PATCH') return writeScale(r, name, method);
    throw methodNotSupported(served.gr, method);
  }
  if (sub === 'log')
    return method === 'GET' ? getPodLog(r, name) : Promise.reject(methodNotSupported(served.gr, method));
  if (sub === 'finalize') {
    if (method === 'PUT') return finalizeNamespace(r, name);
    throw methodNotSupported(served.gr, method);
  }
  switch (method) {
    case 'GET':
      return getObject(r, name);
    case 'PUT':
      return updateObject(r, name, sub);
    case 'PATCH':
      return patch(r, name, sub);
    case 'DELETE':
      if (sub !== undefined) throw methodNotSupported(served.gr, method);
      return deleteObject(r, name);
    default:
      throw methodNotAllowed();
  }
}
