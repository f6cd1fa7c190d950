// One watch connection: a chunked 200 whose body is one JSON event per line. Filters changes by selector
// (turning a label change into ADDED/DELETED as kube-apiserver does), serializes each change once per
// representation however many watchers share it, sends bookmarks, and ends on timeout or a slow reader.
import type { ServerResponse } from 'node:http';
import type { Served } from '../registry.js';
import type { Filter } from '../rest/filter.js';
import type { Entry } from '../store/entry.js';
import type { Change, ChangeType } from '../store/store.js';
import type { Watcher, WatchHub } from './hub.js';

export type EventType = ChangeType | 'BOOKMARK' | 'ERROR';

/** Renders the `object` of an event in the representation the watcher asked for. */
export interface EventRenderer {
  /** Identifies the representation: equal keys render equal JSON, so a rendering is shared. */
  key: string;
  render(served: Served, entry: Entry): string;
  bookmark(served: Served, rv: number, annotations?: Record<string, string>): string;
}

const FLUSH_INTERVAL_MS = 2;

/** Drop a watcher whose unread output exceeds this: it reconnects and relists, as with kube-apiserver. */
const MAX_BUFFERED = 32 * 1024 * 1024;

type Rendered = Map<string, string>;
const renderings = new WeakMap<Change, Rendered>();

export class WatchStream implements Watcher {
  readonly resource: string;
  readonly namespace?: string;
  private lastRv: number;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private pending: string[] = [];
  private lastFlush = 0;

  constructor(
    private readonly res: ServerResponse,
    private readonly hub: WatchHub,
    private readonly served: Served,
    namespace: string | undefined,
    private readonly filter: Filter | undefined,
    private readonly renderer: EventRenderer,
    private readonly wantsBookmarks: boolean,
    startRv: number,
  ) {
    this.resource = served.key;
    if (namespace !== undefined) this.namespace = namespace;
    this.lastRv = startRv;
    res.on('close', () => this.close());
  }

  /** Ends the watch after `seconds`. */
  expireAfter(seconds: number): void {
    this.timer = setTimeout(() => this.close(), seconds * 1000);
    this.timer.unref();
  }

  /** Writes one event for a stored entry (initial state and replay). */
  sendEntry(type: ChangeType, entry: Entry): void {
    this.write(type, this.renderer.render(this.served, entry));
  }

  sendBookmark(rv: number, annotations?: Record<string, string>): void {
    this.write('BOOKMARK', this.renderer.bookmark(this.served, rv, annotations));
  }

  sendError(status: object): void {
    this.write('ERROR', JSON.stringify(status));
  }

  deliver(change: Change): void {
    if (this.closed || change.rv <= this.lastRv) return;
    this.lastRv = change.rv;
    const type = this.eventType(change);
    if (type === undefined) return;
    let rendered = renderings.get(change);
    if (!rendered) {
      rendered = new Map();
      renderings.set(change, rendered);
    }
    const key = `${type}\u0000${this.renderer.key}`;
    let line = rendered.get(key);
    if (line === undefined) {
      line = `{"type":"${type}","object":${this.renderer.render(this.served, change.entry)}}\n`;
      rendered.set(key, line);
    }
    this.writeLine(line);
  }

  bookmark(rv: number): void {
    if (!this.wantsBookmarks || this.closed) return;
    if (rv > this.lastRv) this.lastRv = rv;
    this.sendBookmark(this.lastRv);
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.hub.unsubscribe(this);
    if (!this.res.writableEnded) this.res.end();
  }

  private eventType(change: Change): ChangeType | undefined {
    const filter = this.filter;
    if (!filter) return change.type;
    const now = filter.matches(change.entry);
    if (change.type !== 'MODIFIED') return now ? change.type : undefined;
    const before = change.old ? filter.matches(change.old) : false;
    if (now) return before ? 'MODIFIED' : 'ADDED';
    return before ? 'DELETED' : undefined;
  }

  private write(type: EventType, object: string): void {
    this.writeLine(`{"type":"${type}","object":${object}}\n`);
  }

  /**
   * Lines go out in one write per turn of the event loop; when the previous write was less than
   * FLUSH_INTERVAL_MS ago (a busy server), lines gather for that long, so a burst of changes costs each
   * watcher a few writes instead of one per change.
   */
  private writeLine(line: string): void {
    if (this.closed) return;
    if (this.pending.length === 0) {
      if (performance.now() - this.lastFlush < FLUSH_INTERVAL_MS)
        setTimeout(() => this.flush(), FLUSH_INTERVAL_MS);
      else setImmediate(() => this.flush());
    }
    this.pending.push(line);
  }

  private flush(): void {
    if (this.closed || this.pending.length === 0) return;
    this.lastFlush = performance.now();
    if (this.res.destroyed || this.res.writableEnded) {
      this.pending = [];
      return;
    }
    const data = this.pending.length === 1 ? (this.pending[0] as string) : this.pending.join('');
    this.pending = [];
    this.res.write(data);
    if (this.res.writableLength > MAX_BUFFERED) this.close();
  }
}
