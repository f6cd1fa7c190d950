// GET of one object, of a list (one namespace or all), and the watch variant of a list.
import { tooLargeResourceVersion } from '../errors.js';
import { contentTypeOf } from '../http/negotiate.js';
import { sendJson } from '../http/respond.js';
import { makeFilter, selectEntries } from '../rest/filter.js';
import type { ResourceRequest } from './context.js';
import { queryFlag } from './options.js';
import { presentList, presentOne } from './present.js';
import { startWatch } from './watch.js';

export function getObject(r: ResourceRequest, name: string): void {
  const entry = r.ctx.api.get(r.served, r.namespace ?? '', name);
  sendJson(r.res, 200, presentOne(r.served, entry, r.presentation), contentTypeOf(r.presentation.format));
}

function isWatch(r: ResourceRequest): boolean {
  return r.route.watchPath || queryFlag(r.query, 'watch') === true;
}

export function listObjects(r: ResourceRequest): void {
  const labelSelector = r.query.get('labelSelector');
  const fieldSelector = r.query.get('fieldSelector');
  const filter =
    labelSelector || fieldSelector ? makeFilter(r.served, labelSelector, fieldSelector) : undefined;
  if (isWatch(r)) {
    startWatch(r.ctx.db, r.res, {
      served: r.served,
      namespace: r.namespace,
      filter,
      query: r.query,
      presentation: r.presentation,
    });
    return;
  }
  const store = r.ctx.db.store;
  const rv = store.rv;
  const asked = r.query.get('resourceVersion') ?? '';
  if (/^\d+$/.test(asked) && Number(asked) > rv) throw tooLargeResourceVersion(asked, rv);
  const entries = selectEntries(store, r.served, r.namespace, filter);
  sendJson(
    r.res,
    200,
    presentList(r.served, entries, rv, r.presentation),
    contentTypeOf(r.presentation.format),
  );
}
