// The store, its write-ahead log and the watch hub, committed together: a write changes the in-memory
// index at once (so the next write checks against it), is appended to the log, and is published to watchers
// and acknowledged once the log is synced (see wal.ts); reads wait for `settled()` so they see it only then. A write the log cannot store is undone in memory and
// fails with a 500 Status, so a retry finds no trace of it; `health()` reports the failing log until a write
// succeeds again. Without a data directory, publication is immediate.
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { JsonObject } from '../resource-type.js';
import { WatchHub } from '../watch/hub.js';
import { Entry } from './entry.js';
import { errorText, StorageDamage, writeFailed } from './errors.js';
import { type DataDirLock, lockDataDir } from './lock.js';
import { secureDataDir } from './permissions.js';
import { readSnapshot, writeSnapshot } from './snapshot.js';
import { type Change, Store } from './store.js';
import {
  listSegments,
  type OpenLogFile,
  readSegment,
  removeSegmentsBefore,
  segmentName,
  WriteAheadLog,
} from './wal.js';

export interface DatabaseOptions {
  dataDir?: string;
  watchHistory: number;
  logger: Logger;
  /** Log bytes after which the state is compacted into a snapshot (at least twice the last snapshot). */
  compactBytes?: number;
  /** Opens log segments; a test passes a layer that fails like a full disk. */
  openLogFile?: OpenLogFile;
}

export interface Health {
  ok: boolean;
  /** Why not, when not ok. */
  message?: string;
}

export interface Committed {
  change: Change;
  /** Resolves when the change is durable (and published to watchers). */
  durable: Promise<void>;
}

const DONE = Promise.resolve();

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
    private readonly lock: DataDirLock | undefined,
  ) {
    this.store = store;
    this.hub = new WatchHub(options.watchHistory, store.rv);
  }

  static async open(options: DatabaseOptions): Promise<Database> {
    const store = new Store();
    const dir = options.dataDir;
    if (dir === undefined) return new Database(store, options, undefined, undefined);
    await secureDataDir(dir);
    const lock = await lockDataDir(dir);
    try {
      const { replayed, segments, snapshotBytes } = await load(store, dir);
      const wal = await WriteAheadLog.create(dir, (segments.at(-1) ?? 0) + 1, options.openLogFile);
      const db = new Database(store, options, wal, lock);
      db.snapshotBytes = snapshotBytes;
      // A full disk must not keep the server from starting: the segments stay until a compaction succeeds.
      if (segments.length > 0)
        await db
          .compact()
          .catch((error: unknown) => options.logger.warn({ err: error }, 'compaction failed'));
      options.logger.info({ dataDir: dir, resourceVersion: store.rv, replayed }, 'state loaded');
      return db;
    } catch (error) {
      if (error instanceof StorageDamage)
        options.logger.error({ dataDir: dir, file: error.file, offset: error.offset }, error.message);
      await lock.release();
      throw error;
    }
  }

  get durable(): boolean {
    return this.wal !== undefined;
  }

  /** Whether writes can be stored: not while the log's last write failed. */
  health(): Health {
    const error = this.wal?.lastError;
    if (error === undefined) return { ok: true };
    return { ok: false, message: `the write-ahead log cannot be written: ${errorText(error)}` };
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

  /** Resolves once every write made so far is stored or undone; at once when none is on its way. */
  settled(): Promise<unknown> {
    return this.wal && !this.wal.idle ? this.wal.settle(this.wal.mark) : DONE;
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
    await this.wal?.close();
    await this.lock?.release();
  }

  private commit(change: Change, record: string): Promise<void> {
    if (!this.wal) {
      this.hub.publish(change);
      return DONE;
    }
    const durable = this.wal
      .append(record, () => this.store.undo(change))
      .then(
        () => this.stored(change),
        (error: unknown) => {
          this.failedWrite(error);
          throw writeFailed(error);
        },
      );
    // Some writers (a controller's cleanup) never await; a failure is still logged once above.
    durable.catch(() => undefined);
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

  private lastFailure = 0;
  private failing = false;

  /** One error line per failed write of the log (a batch, not each of its records). */
  private failedWrite(error: unknown): void {
    const failures = this.wal?.failures ?? 0;
    if (failures === this.lastFailure) return;
    this.lastFailure = failures;
    this.failing = true;
    this.options.logger.error({ err: error, dataDir: this.options.dataDir }, 'write-ahead log write failed');
  }

  private stored(change: Change): void {
    if (this.failing) {
      this.failing = false;
      this.options.logger.warn({ dataDir: this.options.dataDir }, 'write-ahead log writable again');
    }
    this.hub.publish(change);
  }

  /**
   * Snapshot of the state now; then the segments it covers are removed. The state captured may hold writes
   * still on their way to the log: the snapshot is written only once they are all stored, and not at all if
   * one of them failed (it was undone in memory, so the captured state is not the stored one).
   */
  private async compact(): Promise<void> {
    const wal = this.wal;
    const dir = this.options.dataDir;
    if (!wal || dir === undefined) return;
    const seq = wal.rotate();
    const mark = wal.mark;
    const items: Array<{ resource: string; entry: Entry }> = [];
    for (const resource of this.store.resourceKeys()) {
      for (const entry of this.store.list(resource)) items.push({ resource, entry });
    }
    const rv = this.store.rv;
    if (!(await wal.settle(mark))) return;
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

/** Reads the snapshot and then every segment in order; damage anywhere stops the start (StorageDamage). */
async function load(store: Store, dir: string) {
  const snapshot = await readSnapshot(dir);
  for (const record of snapshot.records) store.load(record.resource, Entry.fromJson(record.json));
  store.advanceTo(snapshot.rv);
  const segments = await listSegments(dir);
  let replayed = 0;
  for (const seq of segments) {
    const path = join(dir, segmentName(seq));
    const lines = await readSegment(path, seq === segments.at(-1));
    for (const [index, line] of lines.entries()) {
      try {
        if (replayRecord(store, line, snapshot.rv)) replayed++;
      } catch (error) {
        throw new StorageDamage(path, undefined, `record ${index + 1} does not decode (${errorText(error)})`);
      }
    }
  }
  return { replayed, segments, snapshotBytes: snapshot.bytes };
}
