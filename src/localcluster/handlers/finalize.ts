// PUT /api/v1/namespaces/<name>/finalize: sets spec.finalizers; an empty list lets a terminating
// namespace go.
import { type GoStruct, goTypeError } from '@teams-device-operator/apimachinery';
import { decodeObject, readBody } from '../http/body.js';
import { sendJson } from '../http/respond.js';
import { servedJson, undecodable } from '../rest/convert.js';
import { isObject } from '../util/json.js';
import type { ResourceRequest } from './context.js';
import { parseDryRun } from './options.js';

/** The finalizers of a Namespace are names, never anything else (a list of lists once blocked a deletion). */
const NAMESPACE_SPEC: GoStruct = { struct: 'NamespaceSpec', fields: { finalizers: '[]string' } };

export async function finalizeNamespace(r: ResourceRequest, name: string): Promise<void> {
  const body = decodeObject(await readBody(r.req), r.req.headers['content-type']);
  const entry = r.ctx.api.get(r.served, '', name);
  const obj = entry.object();
  const wanted = isObject(body) && isObject(body.spec) ? body.spec.finalizers : undefined;
  const why = goTypeError(wanted === undefined ? {} : { finalizers: wanted }, NAMESPACE_SPEC, 'spec');
  if (why !== undefined) throw undecodable(r.served, why);
  obj.spec = { ...(isObject(obj.spec) ? obj.spec : {}), finalizers: Array.isArray(wanted) ? wanted : [] };
  const result = r.ctx.api.update(r.served, '', name, obj, { internal: true, dryRun: parseDryRun(r.query) });
  await result.durable;
  const answer = result.entry ? servedJson(r.served, result.entry) : JSON.stringify(result.object ?? obj);
  sendJson(r.res, 200, answer);
}
