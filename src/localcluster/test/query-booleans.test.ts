// Boolean query parameters spelled as clients spell them: kube-apiserver reads "0" and "false" (any case)
// as false and every other value as true, so the Python client's `watch=True` must watch here as there.
import { expect } from 'chai';
import { type LocalCluster, startLocalCluster } from '../index.js';
import { rawCall } from './support/raw-api.js';

const NS = 'flags';
const CM = `/api/v1/namespaces/${NS}/configmaps`;

interface WatchEvent {
  type: string;
  // biome-ignore lint/suspicious/noExplicitAny: assertions walk the JSON freely
  object: any;
}

/**
 * Opens `path` and reads newline-delimited watch events until `until` holds for those read so far, the
 * stream ends, or the deadline passes; then closes it and returns what arrived. `afterFirst` runs once the
 * first event is in (a change made then must arrive as a live event).
 */
async function readWatch(
  cluster: LocalCluster,
  path: string,
  until: (events: WatchEvent[]) => boolean,
  options: { afterFirst?: () => Promise<unknown>; timeoutMs?: number } = {},
): Promise<{ status: number; events: WatchEvent[] }> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), options.timeoutMs ?? 10_000);
  const events: WatchEvent[] = [];
  let afterFirst = options.afterFirst;
  const res = await fetch(`${cluster.url}${path}`, {
    headers: { authorization: `Bearer ${cluster.token}` },
    signal: abort.signal,
  });
  try {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        events.push(JSON.parse(buffer.slice(0, nl)) as WatchEvent);
        buffer = buffer.slice(nl + 1);
      }
      if (events.length > 0 && afterFirst) {
        await afterFirst();
        afterFirst = undefined;
      }
      if (until(events)) break;
    }
  } catch {
    // aborted at the deadline: the caller sees what arrived
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  return { status: res.status, events };
}

const names = (events: WatchEvent[]) =>
  events.map((e) => `${e.type} ${e.object.metadata?.name ?? ''}`.trim());

describe('localcluster boolean query parameters', () => {
  let cluster: LocalCluster;

  before(async () => {
    cluster = await startLocalCluster({ tls: false });
    await rawCall(cluster, 'POST', '/api/v1/namespaces', { metadata: { name: NS } });
    await rawCall(cluster, 'POST', CM, { metadata: { name: 'seen' }, data: { a: '1' } });
  });

  after(() => cluster.stop());

  for (const spelling of ['True', 'TRUE', 't', '1', 'yes', '']) {
    it(`should watch on watch=${spelling} and deliver the current object then a live change`, async () => {
      const { status, events } = await readWatch(
        cluster,
        `${CM}?watch=${spelling}`,
        (got) => got.length >= 2,
        {
          afterFirst: () =>
            rawCall(
              cluster,
              'PATCH',
              `${CM}/seen`,
              { data: { a: `watch=${spelling}` } },
              {
                'content-type': 'application/merge-patch+json',
              },
            ),
        },
      );
      expect(status).to.equal(200);
      expect(names(events)).to.deep.equal(['ADDED seen', 'MODIFIED seen']);
      expect(events[1]?.object.data).to.deep.equal({ a: `watch=${spelling}` });
    });
  }

  for (const spelling of ['False', 'FALSE', 'false', '0']) {
    it(`should answer a list, not a watch, on watch=${spelling}`, async () => {
      const reply = await rawCall(cluster, 'GET', `${CM}?watch=${spelling}`);
      expect(reply.status).to.equal(200);
      expect(reply.body.kind).to.equal('ConfigMapList');
      expect(reply.body.items.map((i: { metadata: { name: string } }) => i.metadata.name)).to.include('seen');
    });
  }

  it('should end the initial events with a BOOKMARK on sendInitialEvents=True&allowWatchBookmarks=True', async () => {
    const { events } = await readWatch(
      cluster,
      `${CM}?watch=1&sendInitialEvents=True&allowWatchBookmarks=True&resourceVersionMatch=NotOlderThan`,
      (got) => got.some((e) => e.type === 'BOOKMARK'),
    );
    expect(names(events)).to.deep.equal(['ADDED seen', 'BOOKMARK']);
    expect(events[1]?.object.metadata.annotations).to.deep.equal({ 'k8s.io/initial-events-end': 'true' });
  });

  it('should refuse sendInitialEvents=True with allowWatchBookmarks=False, as the server does', async () => {
    const reply = await rawCall(
      cluster,
      'GET',
      `${CM}?watch=True&sendInitialEvents=True&allowWatchBookmarks=False&resourceVersionMatch=NotOlderThan`,
    );
    expect(reply.status).to.equal(422);
    expect(reply.body.message).to.include('sendInitialEvents requires setting allowWatchBookmarks=true');
  });

  it('should take a field from its owner on an apply with force=True, and conflict with force=False', async () => {
    const apply = (manager: string, force: string) =>
      rawCall(
        cluster,
        'PATCH',
        `${CM}/owned?fieldManager=${manager}${force ? `&force=${force}` : ''}`,
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owned' }, data: { k: manager } },
        { 'content-type': 'application/apply-patch+yaml' },
      );
    expect((await apply('first', '')).status).to.equal(201);
    const refused = await apply('second', 'False');
    expect(refused.status).to.equal(409);
    expect(refused.body.message).to.include('conflict with "first": .data.k');
    const forced = await apply('second', 'True');
    expect(forced.status).to.equal(200);
    expect(forced.body.data).to.deep.equal({ k: 'second' });
  });

  it('should orphan the dependents of a delete with orphanDependents=True', async () => {
    const owner = await rawCall(cluster, 'POST', CM, { metadata: { name: 'owner' } });
    const ownerRef = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.body.metadata.uid };
    await rawCall(cluster, 'POST', CM, { metadata: { name: 'dependent', ownerReferences: [ownerRef] } });
    const deleted = await rawCall(cluster, 'DELETE', `${CM}/owner?orphanDependents=True`);
    expect(deleted.status).to.be.oneOf([200, 202]);
    const deadline = Date.now() + 10_000;
    let dependent = await rawCall(cluster, 'GET', `${CM}/dependent`);
    while (dependent.body.metadata?.ownerReferences !== undefined && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      dependent = await rawCall(cluster, 'GET', `${CM}/dependent`);
    }
    expect(dependent.status).to.equal(200);
    expect(dependent.body.metadata.ownerReferences).to.equal(undefined);
  });
});
