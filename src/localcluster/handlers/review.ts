// POST of a review kind (auth/reviews.ts): decoded like any object, answered at once, stored nowhere, so
// dryRun=All changes nothing. Reviews take no other verb (405) and have no items (404).

import { GoDecoder } from '../auth/go-json.js';
import type { ReviewKind } from '../auth/reviews.js';
import { methodNotAllowed, pathNotFound } from '../errors.js';
import { decodeObject, readBody } from '../http/body.js';
import { sendJson } from '../http/respond.js';
import { fromRequest } from '../rest/convert.js';
import { checkUnknownFields, invalidObject, parseFieldValidation } from '../rest/fields.js';
import type { ResourceRequest } from './context.js';
import { parseDryRun } from './options.js';

export async function createReview(r: ResourceRequest, review: ReviewKind): Promise<void> {
  if (r.route.name !== undefined) throw pathNotFound();
  if (r.req.method !== 'POST') {
    throw methodNotAllowed();
  }
  if (r.served.type.namespaced && r.namespace === undefined) throw pathNotFound();
  parseDryRun(r.query);
  const fieldValidation = parseFieldValidation(r.query.get('fieldValidation'));
  const body = fromRequest(r.served, decodeObject(await readBody(r.req), r.req.headers['content-type']));
  const decoder = new GoDecoder(r.served.type.kind);
  const decoded = decoder.decode(body, review.struct);
  const warnings: string[] = [];
  checkUnknownFields(decoder.unknownFields, fieldValidation, warnings);
  const answer = review.answer(decoded, {
    user: r.user,
    namespace: r.namespace,
    now: r.ctx.api.now(),
    authenticateToken: (token) => r.ctx.authenticator.authenticateToken(token),
    invalid: (causes) => invalidObject(r.served, '', causes),
  });
  sendJson(r.res, 201, JSON.stringify(answer), undefined, warnings);
}
