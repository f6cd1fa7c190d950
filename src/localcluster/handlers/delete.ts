// DELETE of one object (with DeleteOptions from the body or the query) and of a collection.
import { type GoStruct, goTypeError } from '@teams-device-operator/apimachinery';
import { badRequest } from '../errors.js';
import { decodeObject, readBody } from '../http/body.js';
import { contentTypeOf } from '../http/negotiate.js';
import { sendJson } from '../http/respond.js';
import { makeFilter, selectEntries } from '../rest/filter.js';
import type { DeleteOptions, WriteResult } from '../rest/objects.js';
import { isObject } from '../util/json.js';
import type { ResourceRequest } from './context.js';
import { parseDryRun, queryFlag } from './options.js';
import { presentObject } from './present.js';

/** metav1.DeleteOptions as encoding/json decodes it: a field of the wrong type is a 400, nothing deleted. */
const DELETE_OPTIONS: GoStruct = {
  struct: 'DeleteOptions',
  fields: {
    kind: 'string',
    apiVersion: 'string',
    gracePeriodSeconds: 'int64',
    preconditions: {
      struct: 'Preconditions',
      fields: { uid: 'types.UID', resourceVersion: 'string' },
    },
    orphanDependents: 'bool',
    propagationPolicy: 'string',
    dryRun: '[]string',
    ignoreStoreReadErrorWithClusterBreakingPotential: 'bool',
  },
};
const POLICIES = ['Foreground', 'Background', 'Orphan'];

async function deleteOptions(r: ResourceRequest): Promise<DeleteOptions> {
  const raw = await readBody(r.req);
  const body = raw.length > 0 ? decodeObject(raw, r.req.headers['content-type']) : {};
  if (!isObject(body)) throw badRequest('DeleteOptions must be an object');
  const typeError = goTypeError(body, DELETE_OPTIONS);
  if (typeError !== undefined) {
    throw badRequest(`DeleteOptions in version "v1" cannot be handled as a DeleteOptions: ${typeError}`);
  }
  const grace = r.query.get('gracePeriodSeconds');
  if (grace !== null && !/^-?\d+$/.test(grace)) {
    throw badRequest(`gracePeriodSeconds: invalid value "${grace}": must be an integer`);
  }
  const options: DeleteOptions = {};
  let policy = typeof body.propagationPolicy === 'string' ? body.propagationPolicy : undefined;
  if (body.orphanDependents === true) policy = 'Orphan';
  const queryPolicy = r.query.get('propagationPolicy');
  if (queryPolicy !== null) policy = queryPolicy;
  if (queryFlag(r.query, 'orphanDependents') === true) policy = 'Orphan';
  if (policy !== undefined && policy !== '') {
    if (!POLICIES.includes(policy)) {
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
  const dryRun = Array.isArray(body.dryRun) ? body.dryRun : [];
  for (const value of dryRun) {
    if (value !== 'All') throw badRequest(`Invalid dryRun value: ${String(value)}. Valid values: All`);
  }
  options.dryRun = dryRun.length > 0 || parseDryRun(r.query);
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
