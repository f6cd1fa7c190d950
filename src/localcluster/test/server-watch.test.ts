// Watches over raw HTTP: one JSON event per line on a chunked response whose headers come at once,
// initial state or replay from a resourceVersion, 410 Expired when the history no longer reaches back,
// bookmarks, sendInitialEvents, selectors, Table events and timeouts.
import { expect } from 'chai';
import { type LocalCluster, startLocalCluster } from '../index.js';

const CM = '/api/v1/namespaces/watched/configmaps';

interface WatchEvent {
  type: string;
  // biome-ignore lint/suspicious/noExplicitAny: assertions walk the JSON freely
  object: any;
}

/** A watch being read: events arrive in `events`; `next(n)` waits for the n-th. */
class Stream {
  readonly events: WatchEvent[] = [];
  ended = false;
  private readonly abort = new AbortController();
  private waiters: Array<() => void> = [];
  status = 0;
  contentType = '';

  async open(url: string, token: string, accept?: string): Promise<this> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (accept) headers.accept = accept;
    const res = await fetch(url, { headers, signal: this.abort.signal });
    this.status = res.status;
    this.contentType = res.headers.get('content-type') ?? '';
    void this.read(res);
    return this;
  }

  private async read(res: Response): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let newline = buffer.indexOf('\n');
        while (newline >= 0) {
          this.events.push(JSON.parse(buffer.slice(0, newline)) as WatchEvent);
          buffer = buffer.slice(newline + 1);
          newline = buffer.indexOf('\n');
        }
        this.wake();
      }
    } catch {
      // aborted
    }
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  /** Waits until at least `count` events arrived (or the stream ended). */
  async next(count: number, timeoutMs = 5000): Promise<WatchEvent[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.events.length < count && !this.ended) {
      if (Date.now() > deadline) throw new Error(`only ${this.events.length} of ${count} events arrived`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    return this.events;
  }

  async untilEnded(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended) {
      if (Date.now() > deadline) throw new Error('the watch did not end');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  close(): void {
    this.abort.abort();
  }
}

const summary = (events: WatchEvent[]) =>
  events.map((e) => `${e.type} ${e.object.metadata?.name ?? ''}`.trim());

describe('localcluster server watches', () => {
  let cluster: LocalCluster;
  const streams: Stream[] = [];

  const call = async (method: string, path: string, body?: unknown, contentType = 'application/json') => {
    const res = await fetch(`${cluster.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${cluster.token}`, 'content-type': contentType },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    // biome-ignore lint/suspicious/noExplicitAny: assertions walk the JSON freely
    return (await res.json()) as any;
  };
  const watch = async (query: string, accept?: string, path = CM) => {
    const stream = await new Stream().open(
      `${cluster.url}${path}?watch=true&${query}`,
      cluster.token,
      accept,
    );
    streams.push(stream);
    return stream;
  };

  before(async () => {
    cluster = await startLocalCluster({ tls: false, bookmarkIntervalMs: 200 });
    await call('POST', '/api/v1/namespaces', { metadata: { name: 'watched' } });
  });

  afterEach(() => {
    for (const stream of streams.splice(0)) stream.close();
  });

  after(() => cluster.stop());

  it('should send the headers at once, then the current state as ADDED, then live events', async () => {
    await call('POST', CM, { metadata: { name: 'w-1' } });
    const stream = await watch('');
    expect(stream.status).to.equal(200);
    expect(stream.contentType).to.equal('application/json');
    await stream.next(1);
    await call('PATCH', `${CM}/w-1`, { data: { a: '1' } }, 'application/merge-patch+json');
    await call('POST', CM, { metadata: { name: 'w-2' } });
    await call('DELETE', `${CM}/w-1`);
    const events = await stream.next(4);
    expect(summary(events)).to.deep.equal(['ADDED w-1', 'MODIFIED w-1', 'ADDED w-2', 'DELETED w-1']);
    const rvs = events.map((e) => Number(e.object.metadata.resourceVersion));
    expect(rvs).to.deep.equal([...rvs].sort((a, b) => a - b));
  });

  it('should answer an empty watch with its headers before any event', async () => {
    const stream = await watch('labelSelector=nothing%3Dhere');
    expect(stream.status).to.equal(200);
    expect(stream.events).to.deep.equal([]);
  });

  it('should send no event for a write that changes nothing', async () => {
    const created = await call('POST', CM, { metadata: { name: 'quiet' }, data: { a: '1' } });
    const stream = await watch(`resourceVersion=${created.metadata.resourceVersion}`);
    await call('PUT', `${CM}/quiet`, created);
    await call('PATCH', `${CM}/quiet`, { data: { a: '2' } }, 'application/merge-patch+json');
    const events = await stream.next(1);
    expect(summary(events)).to.deep.equal(['MODIFIED quiet']);
    expect(events[0]?.object.data).to.deep.equal({ a: '2' });
  });

  it('should replay the changes after a resourceVersion from the history', async () => {
    const first = await call('POST', CM, { metadata: { name: 'r-1' } });
    await call('POST', CM, { metadata: { name: 'r-2' } });
    await call('DELETE', `${CM}/r-1`);
    const stream = await watch(`resourceVersion=${first.metadata.resourceVersion}`);
    expect(summary(await stream.next(2))).to.deep.equal(['ADDED r-2', 'DELETED r-1']);
  });

  it('should answer a watch from a forgotten resourceVersion with one 410 ERROR event and close', async () => {
    const old = await call('POST', CM, { metadata: { name: 'gone-1' } });
    await call('POST', CM, { metadata: { name: 'gone-2' } });
    cluster.compactHistory();
    const stream = await watch(`resourceVersion=${old.metadata.resourceVersion}`);
    await stream.untilEnded();
    expect(stream.events).to.have.length(1);
    const [event] = stream.events;
    expect(event?.type).to.equal('ERROR');
    expect(event?.object).to.deep.include({
      kind: 'Status',
      status: 'Failure',
      reason: 'Expired',
      code: 410,
    });
    expect(event?.object.message).to.match(/^too old resource version: \d+ \(\d+\)$/);
  });

  it('should end a watch after timeoutSeconds', async () => {
    const started = Date.now();
    const stream = await watch('timeoutSeconds=1');
    await stream.untilEnded(3000);
    expect(Date.now() - started).to.be.within(900, 2500);
  });

  it('should send BOOKMARK events with the latest resourceVersion to a watch that allows them', async () => {
    const stream = await watch('allowWatchBookmarks=true&labelSelector=nothing%3Dhere');
    const latest = await call('POST', CM, { metadata: { name: 'bm' } });
    const events = await stream.next(1, 3000);
    const bookmark = events.find((e) => e.type === 'BOOKMARK');
    expect(bookmark?.object).to.deep.equal({
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { resourceVersion: bookmark?.object.metadata.resourceVersion },
    });
    await stream.next(events.length + 1, 3000);
    const last = stream.events.at(-1);
    expect(Number(last?.object.metadata.resourceVersion)).to.be.at.least(
      Number(latest.metadata.resourceVersion),
    );
  });

  it('should end the initial events of sendInitialEvents=true with an annotated BOOKMARK', async () => {
    const stream = await watch(
      'sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&fieldSelector=metadata.name%3Dr-2',
    );
    const events = await stream.next(2);
    expect(summary(events.slice(0, 2))).to.deep.equal(['ADDED r-2', 'BOOKMARK']);
    expect(events[1]?.object.metadata.annotations).to.deep.equal({ 'k8s.io/initial-events-end': 'true' });
  });

  it('should turn a change of labels into ADDED and DELETED for a label-selected watch', async () => {
    await call('POST', CM, { metadata: { name: 'lbl' } });
    const stream = await watch('labelSelector=team%3Dblue');
    await call(
      'PATCH',
      `${CM}/lbl`,
      { metadata: { labels: { team: 'blue' } } },
      'application/merge-patch+json',
    );
    await call('PATCH', `${CM}/lbl`, { data: { a: '1' } }, 'application/merge-patch+json');
    await call(
      'PATCH',
      `${CM}/lbl`,
      { metadata: { labels: { team: 'red' } } },
      'application/merge-patch+json',
    );
    expect(summary(await stream.next(3))).to.deep.equal(['ADDED lbl', 'MODIFIED lbl', 'DELETED lbl']);
  });

  it('should watch across namespaces on the cluster-wide path', async () => {
    await call('POST', '/api/v1/namespaces', { metadata: { name: 'other' } });
    const stream = await watch('labelSelector=wide%3Dyes', undefined, '/api/v1/configmaps');
    await call('POST', CM, { metadata: { name: 'wide-a', labels: { wide: 'yes' } } });
    await call('POST', '/api/v1/namespaces/other/configmaps', {
      metadata: { name: 'wide-b', labels: { wide: 'yes' } },
    });
    const events = await stream.next(2);
    expect(events.map((e) => `${e.object.metadata.namespace}/${e.object.metadata.name}`)).to.deep.equal([
      'watched/wide-a',
      'other/wide-b',
    ]);
  });

  it('should send Table events to a watch that accepts tables, as kubectl get -w asks', async () => {
    const stream = await watch(
      'fieldSelector=metadata.name%3Dtab',
      'application/json;as=Table;v=v1;g=meta.k8s.io',
    );
    expect(stream.contentType).to.equal('application/json;as=Table;v=v1;g=meta.k8s.io');
    await call('POST', CM, { metadata: { name: 'tab' }, data: { a: '1' } });
    const [event] = await stream.next(1);
    expect(event?.type).to.equal('ADDED');
    expect(event?.object.kind).to.equal('Table');
    expect(event?.object.rows).to.have.length(1);
    expect(event?.object.rows[0].cells[0]).to.equal('tab');
  });

  it('should fan one change out to many watchers', async () => {
    const many = await Promise.all(
      Array.from({ length: 20 }, () => watch('fieldSelector=metadata.name%3Dfan')),
    );
    await call('POST', CM, { metadata: { name: 'fan' } });
    for (const stream of many) expect(summary(await stream.next(1))).to.deep.equal(['ADDED fan']);
  });
});
