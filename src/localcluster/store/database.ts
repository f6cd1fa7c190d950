// The store, its write-ahead log and the watch hub, committed together: a write changes the in-memory
// index at once (so the next read sees it), is appended to the log, and is published to watchers and
// acknowledged once the log is synced (see wal.ts). Without a data directory, publication is immediate.
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { JsonObject } from '../resource-type.js';
import { WatchHub } from '../watch/hub.js';
import { Entry } from './entry.js';
import { readSnapshot, writeSnapshot } from './snapshot.js';
import { type Change, Store } from './store.js';
import { listSegments, readSegment, removeSegmentsBefore, segmentName, WriteAheadLog } from './wal.js';

export interface DatabaseOptions {
  dataDir?: string;
  watchHistory: number;
  logger: Logger;
  /** Log bytes after which the state is compacted into a snapshot (at least twice the last snapshot). */
  compactBytes?: number;
}

export interface Committed {
  change: Change;
  /** Resolves when the change is durable (and published to watchers). */
  durable: Promise<void>;
}

const DONE = Promise.resolve();
const LOCK = 'lock';

export class Database {
  readonly store: Store;
  readonly hub: WatchHub;
  private compacting: Promise<void> | undefined;
  private snapshotBytes = 0;
  private closed = false;

  private constructor(
    store: Store,
    private readonly options: DatabaseOptions,
    private readonly wal: WriteAheadLog | undefined,
  ) {
    this.store = store;
    this.hub = new WatchHub(options.watchHistory, store.rv);
  }

  static async open(options: DatabaseOptions): Promise<Database> {
    const store = new Store();
    const dir = options.dataDir;
    if (dir === undefined) return new Database(store, options, undefined);
    await mkdir(dir, { recursive: true });
    await lock(dir);
    const snapshot = await readSnapshot(dir);
    for (const record of snapshot.records) store.load(record.resource, Entry.fromJson(record.json));
    store.advanceTo(snapshot.rv);
    const segments = await listSegments(dir);
    let replayed = 0;
    for (const seq of segments) {
      for (const line of await readSegment(join(dir, segmentName(seq)))) {
        if (replayRecord(store, line, snapshot.rv)) replayed++;
      }
    }
    const wal = await WriteAheadLog.create(dir, (segments.at(-1) ?? 0) + 1);
    const db = new Database(store, options, wal);
    db.snapshotBytes = snapshot.bytes;
    if (segments.length > 0) await db.compact();
    options.logger.info({ dataDir: dir, resourceVersion: store.rv, replayed }, 'state loaded');
    return db;
  }

  get durable(): boolean {
    return this.wal !== undefined;
  }

  /** Stores `obj` (create or replace) under the next resourceVersion. */
  put(resource: string, obj: JsonObject): Committed {
    const change = this.store.put(resource, obj);
    const record = `{"rv":${change.rv},"r":${JSON.stringify(resource)},"o":${change.entry.json}}`;
    return { change, durable: this.commit(change, record) };
  }

  remove(resource: string, namespace: string, name: string): Committed | undefined {
    const change = this.store.remove(resource, namespace, name);
    if (!change) return undefined;
    const record = JSON.stringify({ rv: change.rv, r: resource, d: [namespace, name] });
    return { change, durable: this.commit(change, record) };
  }

  /** Waits for every write so far to be durable. */
  async flush(): Promise<void> {
    await this.wal?.drain();
    while (this.compacting) await this.compacting;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flush();
    if (this.wal && this.options.dataDir) {
      await this.wal.close();
      await rm(join(this.options.dataDir, LOCK), { force: true });
    }
  }

  private commit(change: Change, record: string): Promise<void> {
    if (!this.wal) {
      this.hub.publish(change);
      return DONE;
    }
    const durable = this.wal.append(record).then(() => this.hub.publish(change));
    const threshold = Math.max(this.options.compactBytes ?? 64 << 20, this.snapshotBytes * 2);
    if (!this.compacting && this.wal.bytes > threshold) {
      this.compacting = this.compact()
        .catch((error: unknown) => this.options.logger.error({ err: error }, 'compaction failed'))
        .finally(() => {
          this.compacting = undefined;
        });
    }
    return durable;
  }

  /** Snapshot of the state now; then the segments it covers are removed. */
  private async compact(): Promise<void> {
    const wal = this.wal;
    const dir = this.options.dataDir;
    if (!wal || dir === undefined) return;
    const seq = wal.rotate();
    const items: Array<{ resource: string; entry: Entry }> = [];
    for (const resource of this.store.resourceKeys()) {
      for (const entry of this.store.list(resource)) items.push({ resource, entry });
    }
    const rv = this.store.rv;
    this.snapshotBytes = await writeSnapshot(dir, { rv, items });
    await removeSegmentsBefore(dir, seq);
    this.options.logger.debug({ resourceVersion: rv, objects: items.length }, 'log compacted');
  }
}

function replayRecord(store: Store, line: string, snapshotRv: number): boolean {
  const split = line.indexOf(',"o":');
  if (split >= 0) {
    const head = JSON.parse(`${line.slice(0, split)}}`) as { rv: number; r: string };
    if (head.rv <= snapshotRv) return false;
    store.load(head.r, Entry.fromJson(line.slice(split + 5, -1), head.rv));
    return true;
  }
  const record = JSON.parse(line) as { rv: number; r: string; d: [string, string] };
  if (record.rv <= snapshotRv) return false;
  store.unload(record.r, record.d[0], record.d[1], record.rv);
  return true;
}

/** One server per data directory: a lock file holding the pid, taken over when that process is gone. */
async function lock(dir: string): Promise<void> {
  const path = join(dir, LOCK);
  try {
    const pid = Number((await readFile(path, 'utf8')).trim());
    if (pid > 0 && isAlive(pid)) throw new Error(`data directory ${dir} is in use by process ${pid}`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const handle = await open(path, 'w');
  await handle.writeFile(`${process.pid}\n`);
  await handle.close();
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
