// POST (create), PUT (update) and PATCH of objects and of their status.
import { decodeObject, readBody } from '../http/body.js';
import { contentTypeOf } from '../http/negotiate.js';
import { sendJson } from '../http/respond.js';
import { fromRequest } from '../rest/convert.js';
import type { WriteResult } from '../rest/objects.js';
import { patchObject } from '../rest/patch.js';
import type { ResourceRequest } from './context.js';
import { writeOptions } from './options.js';
import { presentObject } from './present.js';

async function respond(r: ResourceRequest, result: WriteResult): Promise<void> {
  await result.durable;
  const body = presentObject(r.served, result.entry, result.object, r.presentation);
  sendJson(r.res, result.code, body, contentTypeOf(r.presentation.format), result.warnings);
}

export async function createObject(r: ResourceRequest): Promise<void> {
  const body = decodeObject(await readBody(r.req), r.req.headers['content-type']);
  const obj = fromRequest(r.served, body);
  const result = r.ctx.api.create(
    r.served,
    r.namespace ?? '',
    obj,
    writeOptions(r.query, undefined, r.req.headers['user-agent']),
  );
  await respond(r, result);
}

export async function updateObject(r: ResourceRequest, name: string, subresource?: string): Promise<void> {
  const body = decodeObject(await readBody(r.req), r.req.headers['content-type']);
  const obj = fromRequest(r.served, body);
  const result = r.ctx.api.update(
    r.served,
    r.namespace ?? '',
    name,
    obj,
    writeOptions(r.query, subresource, r.req.headers['user-agent']),
  );
  await respond(r, result);
}

export async function patch(r: ResourceRequest, name: string, subresource?: string): Promise<void> {
  const body = await readBody(r.req);
  const result = patchObject(
    r.ctx.api,
    r.served,
    r.namespace ?? '',
    name,
    r.req.headers['content-type'],
    body,
    writeOptions(r.query, subresource, r.req.headers['user-agent']),
  );
  await respond(r, result);
}
