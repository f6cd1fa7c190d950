// GET ...?watch=true: initial state or replay from a resourceVersion, then live events (see watch/stream.ts).
import type { ServerResponse } from 'node:http';
import { badRequest, expired, invalid, tooLargeResourceVersion } from '../errors.js';
import { contentTypeOf } from '../http/negotiate.js';
import type { Served } from '../registry.js';
import { servedJson, toServed } from '../rest/convert.js';
import { type Filter, selectEntries } from '../rest/filter.js';
import type { Database } from '../store/database.js';
import { type EventRenderer, WatchStream } from '../watch/stream.js';
import { queryFlag } from './options.js';
import { type Presentation, tableJson } from './present.js';

export interface WatchRequest {
  served: Served;
  /** undefined for a watch across namespaces. */
  namespace: string | undefined;
  filter: Filter | undefined;
  query: URLSearchParams;
  presentation: Presentation;
}

export const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';

function renderer(presentation: Presentation): EventRenderer {
  const { format } = presentation;
  if (format.as === 'table') {
    return {
      key: `table/${format.version}/${presentation.includeObject ?? ''}`,
      render: (served, entry) => tableJson(served, [toServed(served, entry.object())], presentation),
      bookmark: (served, rv) => tableJson(served, [], presentation, String(rv)),
    };
  }
  if (format.as === 'partial') {
    return {
      key: `partial/${format.version}`,
      render: (served, entry) =>
        JSON.stringify({
          kind: 'PartialObjectMetadata',
          apiVersion: `meta.k8s.io/${format.version}`,
          metadata: toServed(served, entry.object()).metadata ?? {},
        }),
      bookmark: (_served, rv, annotations) =>
        JSON.stringify({
          kind: 'PartialObjectMetadata',
          apiVersion: `meta.k8s.io/${format.version}`,
          metadata: { resourceVersion: String(rv), ...(annotations ? { annotations } : {}) },
        }),
    };
  }
  return {
    key: 'object',
    render: servedJson,
    bookmark: (served, rv, annotations) =>
      JSON.stringify({
        kind: served.type.kind,
        apiVersion: served.apiVersion,
        metadata: { resourceVersion: String(rv), ...(annotations ? { annotations } : {}) },
      }),
  };
}

/** How long a watch from a resourceVersion not reached yet waits for it (the watch cache waits 3 s). */
const TOO_LARGE_WAIT_MS = 1000;

/**
 * A watch from ahead of the store (a client that saw a newer server, e.g. before a data dir was replaced)
 * waits briefly for that version, then gets kube-apiserver's "Too large resource version" ERROR event and
 * the end of the stream, so it relists instead of waiting forever; the wait keeps a client that retries
 * at once from spinning.
 */
function waitForVersion(
  db: Database,
  res: ServerResponse,
  stream: WatchStream,
  rvParam: string,
  begin: () => void,
): void {
  const stop = () => {
    clearTimeout(timer);
    stopListening();
  };
  const timer = setTimeout(() => {
    stop();
    stream.sendError(tooLargeResourceVersion(rvParam, db.store.rv).toStatus());
    stream.close();
  }, TOO_LARGE_WAIT_MS);
  const rv = Number(rvParam);
  const stopListening = db.hub.listen(() => {
    if (db.store.rv < rv) return;
    stop();
    begin();
  });
  res.on('close', stop);
}

export function startWatch(db: Database, res: ServerResponse, request: WatchRequest): WatchStream {
  const { served, namespace, filter, query, presentation } = request;
  const rvParam = query.get('resourceVersion') ?? '';
  const sendInitialEvents = queryFlag(query, 'sendInitialEvents') === true;
  const bookmarks = queryFlag(query, 'allowWatchBookmarks') === true;
  const timeout = Number(query.get('timeoutSeconds') ?? '0');
  if (rvParam !== '' && !/^\d+$/.test(rvParam)) throw badRequest(`invalid resource version: ${rvParam}`);
  if (sendInitialEvents && !bookmarks) {
    const cause = {
      reason: 'FieldValueRequired',
      message: 'Required value: sendInitialEvents requires setting allowWatchBookmarks=true',
      field: 'allowWatchBookmarks',
    };
    throw invalid(
      'ListOptions',
      'meta.k8s.io',
      '',
      `ListOptions.meta.k8s.io "" is invalid: allowWatchBookmarks: ${cause.message}`,
      [cause],
    );
  }

  res.writeHead(200, {
    'Content-Type': contentTypeOf(presentation.format),
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  res.flushHeaders();

  const fromState = sendInitialEvents || rvParam === '' || rvParam === '0';
  const store = db.store;
  const startRv = fromState ? store.rv : Number(rvParam);
  const stream = new WatchStream(
    res,
    db.hub,
    served,
    namespace,
    filter,
    renderer(presentation),
    bookmarks,
    startRv,
  );
  const begin = () => {
    const subscription = db.hub.subscribe(stream, fromState ? undefined : startRv);
    if (subscription.expired) {
      stream.sendError(expired(`too old resource version: ${startRv} (${subscription.oldest})`).toStatus());
      stream.close();
      return;
    }
    if (fromState) {
      for (const entry of selectEntries(store, served, namespace, filter)) stream.sendEntry('ADDED', entry);
      if (sendInitialEvents) stream.sendBookmark(startRv, { [INITIAL_EVENTS_END]: 'true' });
    } else {
      for (const change of subscription.replay) stream.deliver(change);
    }
  };
  if (!fromState && startRv > store.rv) waitForVersion(db, res, stream, rvParam, begin);
  else begin();
  if (Number.isFinite(timeout) && timeout > 0) stream.expireAfter(timeout);
  return stream;
}
