// DELETE of one object (with DeleteOptions from the body or the query) and of a collection.
import { badRequest } from '../errors.js';
import { decodeObject, readBody } from '../http/body.js';
import { contentTypeOf } from '../http/negotiate.js';
import { sendJson } from '../http/respond.js';
import { makeFilter, selectEntries } from '../rest/filter.js';
import type { DeleteOptions, WriteResult } from '../rest/objects.js';
import { isObject } from '../util/json.js';
import type { ResourceRequest } from './context.js';
import { parseDryRun } from './options.js';
import { presentObject } from './present.js';

async function deleteOptions(r: ResourceRequest): Promise<DeleteOptions> {
  const raw = await readBody(r.req);
  const body = raw.length > 0 ? decodeObject(raw, r.req.headers['content-type']) : {};
  if (!isObject(body)) throw badRequest('DeleteOptions must be an object');
  const options: DeleteOptions = {};
  let policy = typeof body.propagationPolicy === 'string' ? body.propagationPolicy : undefined;
  if (body.orphanDependents === true) policy = 'Orphan';
  const queryPolicy = r.query.get('propagationPolicy');
  if (queryPolicy) policy = queryPolicy;
  if (r.query.get('orphanDependents') === 'true') policy = 'Orphan';
  if (policy !== undefined) {
    if (!['Orphan', 'Background', 'Foreground'].includes(policy)) {
      throw badRequest(
        `propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`,
      );
    }
    options.propagationPolicy = policy;
  }
  if (isObject(body.preconditions)) {
    const { uid, resourceVersion } = body.preconditions;
    options.preconditions = {
      ...(typeof uid === 'string' ? { uid } : {}),
      ...(typeof resourceVersion === 'string' ? { resourceVersion } : {}),
    };
  }
  const dryRun = Array.isArray(body.dryRun) && body.dryRun.includes('All');
  options.dryRun = dryRun || parseDryRun(r.query);
  return options;
}

function successStatus(r: ResourceRequest, name: string, uid: string): string {
  return JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: {
      name,
      ...(r.served.type.group ? { group: r.served.type.group } : {}),
      kind: r.served.type.plural,
      uid,
    },
  });
}

export async function deleteObject(r: ResourceRequest, name: string): Promise<void> {
  const options = await deleteOptions(r);
  const result = r.ctx.api.delete(r.served, r.namespace ?? '', name, options);
  await result.durable;
  if (result.statusOnly && result.entry) {
    sendJson(r.res, 200, successStatus(r, name, result.entry.uid));
    return;
  }
  sendJson(
    r.res,
    result.code,
    presentObject(r.served, result.entry, result.object, r.presentation),
    contentTypeOf(r.presentation.format),
  );
}

export async function deleteCollection(r: ResourceRequest): Promise<void> {
  const options = await deleteOptions(r);
  const labelSelector = r.query.get('labelSelector');
  const fieldSelector = r.query.get('fieldSelector');
  const filter =
    labelSelector || fieldSelector ? makeFilter(r.served, labelSelector, fieldSelector) : undefined;
  const entries = selectEntries(r.ctx.db.store, r.served, r.namespace, filter);
  const results: WriteResult[] = [];
  for (const entry of entries) {
    results.push(r.ctx.api.delete(r.served, entry.namespace, entry.name, options));
  }
  await Promise.all(results.map((x) => x.durable));
  const items = results.map((x) => presentObject(r.served, x.entry, x.object, { format: { as: 'object' } }));
  const body = `{"kind":${JSON.stringify(r.served.type.listKind)},"apiVersion":${JSON.stringify(r.served.apiVersion)},"metadata":{"resourceVersion":"${r.ctx.db.store.rv}"},"items":[${items.join(',')}]}`;
  sendJson(r.res, 200, body);
}
