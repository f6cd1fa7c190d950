// Durability of the embedded control plane: an append-only write-ahead log with group commit, plus snapshots.
//
// Why this design: the store lives in memory (reads must be fast and never touch the disk), so durability
// only needs an ordered record of writes. Each write appends one line to the current log segment and the
// response waits until that line is on disk (the segment is opened O_DSYNC, so a write returns only once its
// data is synced, like write + fdatasync in one call). A write is complete or it fails: a short write is
// continued, and one the disk refuses (ENOSPC, EIO) rejects its whole batch and every write queued behind
// it; the caller undoes them in memory (newest first) and the bytes of the failed write are truncated away
// before the next write, so the log recovers by itself once the disk has room again. Writes that arrive while a write is in flight are
// batched into the next one ("group commit"): one synced write then acknowledges every write of the batch,
// so throughput grows with concurrency instead of being bounded by the disk's sync latency. A `kill -9`
// therefore loses only writes that were never acknowledged; a torn last line is detected by its CRC and cut
// off at replay. A bad line with a valid record after it, or a bad line in any segment but the last, is not
// a torn write but damage: replay stops with the file and the byte offset (StorageDamage) and changes nothing. To keep replay short, the log is compacted: the in-memory state at resourceVersion S (cheap
// to capture, since stored entries are immutable strings) is written to `snapshot.tmp`, fsynced, renamed over
// `snapshot.ndjson`, and the directory fsynced; only then are the segments that hold nothing newer than S
// deleted. Replay reads the snapshot, then every segment in order, skipping records at or below S.
// The in-memory index changes when the write is made (the next write checks against it), but nobody sees it
// before it is durable: its writer and watchers hear of it once it is synced, and a read first waits for the
// writes before it to be stored or undone (Database.settled), as etcd's linearizable reads wait for commit. A database (SQLite, LevelDB) would do the same with more moving parts and a native
// dependency.
//
// Line format, both files: `<crc32 of the JSON as 8 hex digits>\t<JSON>\n`.
//   log record:      {"rv":12,"r":"deployments.apps","o":{...object...}}   (put)
//                    {"rv":13,"r":"deployments.apps","d":["namespace","name"]} (delete)
//   snapshot header: {"rv":S,"format":1}, then one {"r":"...","o":{...}} per object.
import { constants } from 'node:fs';
import { open, readdir, readFile, rm, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { StorageDamage } from './errors.js';

/** Files in the data directory are private: they hold every Secret. */
export const FILE_MODE = 0o600;

export function frame(json: string): string {
  return `${crc32(json).toString(16).padStart(8, '0')}\t${json}\n`;
}

function validLine(line: string): string | undefined {
  const tab = line.indexOf('\t');
  if (tab !== 8) return undefined;
  const json = line.slice(9);
  return crc32(json).toString(16).padStart(8, '0') === line.slice(0, 8) ? json : undefined;
}

/** Parses the framed lines of a file; stops at the first torn or corrupt line and reports its offset. */
export function* unframe(text: string): Generator<{ json: string; end: number }, number> {
  let offset = 0;
  while (offset < text.length) {
    const newline = text.indexOf('\n', offset);
    if (newline < 0) return offset;
    const json = validLine(text.slice(offset, newline));
    if (json === undefined) return offset;
    offset = newline + 1;
    yield { json, end: offset };
  }
  return offset;
}

/** Whether a valid record follows `offset`: then the bad bytes there are damage, not a torn tail. */
function validRecordAfter(text: string, offset: number): boolean {
  let at = text.indexOf('\n', offset);
  while (at >= 0 && at + 1 < text.length) {
    const next = text.indexOf('\n', at + 1);
    if (next < 0) return false;
    if (validLine(text.slice(at + 1, next)) !== undefined) return true;
    at = next;
  }
  return false;
}

/**
 * Segments are opened with O_DSYNC: each write returns once its data is on disk, so a batch costs one
 * write call (one trip to libuv's thread pool) instead of a write and then an fdatasync. Writes go to an
 * explicit position (not O_APPEND) so that a failed write's bytes can be truncated and written over.
 */
const SEGMENT_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_DSYNC;

/** The file operations the log needs; a test passes a layer that fails like a full disk. */
export interface LogFile {
  write(
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
  ): Promise<{ bytesWritten: number }>;
  truncate(length: number): Promise<void>;
  close(): Promise<void>;
}

export type OpenLogFile = (path: string) => Promise<LogFile>;

export const openSegmentFile: OpenLogFile = (path) => open(path, SEGMENT_FLAGS, FILE_MODE);

const SEGMENT = /^wal-(\d{10})\.log$/;

export function segmentName(seq: number): string {
  return `wal-${String(seq).padStart(10, '0')}.log`;
}

export async function listSegments(dir: string): Promise<number[]> {
  const names = await readdir(dir);
  return names
    .map((name) => SEGMENT.exec(name)?.[1])
    .filter((seq): seq is string => seq !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Reads one segment, yielding its records. In the last segment a torn tail (the write a crash interrupted,
 * never acknowledged) is truncated away so the next start sees a clean file; anything else that does not
 * read is damage (StorageDamage), and the file is left as it is.
 */
export async function readSegment(path: string, last = true): Promise<string[]> {
  const text = await readFile(path, 'utf8');
  const lines: string[] = [];
  const reader = unframe(text);
  let step = reader.next();
  while (!step.done) {
    lines.push(step.value.json);
    step = reader.next();
  }
  const good = step.value;
  if (good === text.length) return lines;
  const offset = Buffer.byteLength(text.slice(0, good));
  if (validRecordAfter(text, good))
    throw new StorageDamage(
      path,
      offset,
      `record ${lines.length + 1} fails its checksum and valid records follow it`,
    );
  if (!last)
    throw new StorageDamage(
      path,
      offset,
      `record ${lines.length + 1} is incomplete in a segment that was closed`,
    );
  await truncate(path, offset);
  return lines;
}

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
  /** Takes the record's change back out of memory when it cannot be written. */
  undo: (() => void) | undefined;
}

export class WriteAheadLog {
  private pending: string[] = [];
  private waiters: Waiter[] = [];
  private flushing: Promise<void> | undefined;
  private rotateTo: number | undefined;
  /** Bytes of the current segment known good; a failed write may have left bytes after them. */
  private size = 0;
  private dirty = false;
  private appended = 0;
  private settled = 0;
  private settleWaiters: Array<{ mark: number; wake: () => void }> = [];
  /** Why the last write failed; undefined once a write succeeds again. */
  lastError: unknown;
  /** Bytes appended since the last rotation. */
  bytes = 0;
  /** Synced writes so far: with group commit, far fewer than appends under concurrency. */
  syncs = 0;
  /** Failed writes so far. */
  failures = 0;

  private constructor(
    private readonly dir: string,
    private readonly openFile: OpenLogFile,
    private file: LogFile,
    private seq: number,
  ) {}

  static async create(
    dir: string,
    seq: number,
    openFile: OpenLogFile = openSegmentFile,
  ): Promise<WriteAheadLog> {
    const file = await openFile(join(dir, segmentName(seq)));
    await fsyncDir(dir);
    return new WriteAheadLog(dir, openFile, file, seq);
  }

  get segment(): number {
    return this.seq;
  }

  /** Records appended so far; `settle(mark)` waits until the first `mark` are written or failed. */
  get mark(): number {
    return this.appended;
  }

  /** Queues one record; resolves once it is on disk, rejects (after calling `undo`) when it cannot be. */
  append(json: string, undo?: () => void): Promise<void> {
    this.pending.push(frame(json));
    this.appended++;
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject, undo }));
    if (!this.flushing) this.flushing = this.flushLoop();
    return done;
  }

  /** Whether every record appended so far is settled. */
  get idle(): boolean {
    return this.settled === this.appended;
  }

  /**
   * Resolves once the first `mark` records are written or failed (not waiting for later ones, so a steady
   * stream of writes cannot hold a reader back); true when none failed.
   */
  settle(mark: number): Promise<boolean> {
    if (this.settled >= mark) return Promise.resolve(true);
    const failures = this.failures;
    return new Promise((resolve) =>
      this.settleWaiters.push({ mark, wake: () => resolve(this.failures === failures) }),
    );
  }

  private wakeSettled(): void {
    if (this.settleWaiters.length === 0) return;
    const waiting: typeof this.settleWaiters = [];
    for (const waiter of this.settleWaiters) {
      if (waiter.mark <= this.settled) waiter.wake();
      else waiting.push(waiter);
    }
    this.settleWaiters = waiting;
  }

  /**
   * Directs every record not yet written to a new segment and returns its number: records written before
   * the call are all in older segments.
   */
  rotate(): number {
    this.rotateTo = this.seq + 1;
    this.bytes = 0;
    return this.rotateTo;
  }

  /** Resolves when every queued record is on disk. */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  async close(): Promise<void> {
    await this.drain();
    if (this.dirty) await this.cutFailedWrite().catch(() => undefined);
    await this.file.close();
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending;
        const waiters = this.waiters;
        this.pending = [];
        this.waiters = [];
        try {
          await this.cutFailedWrite();
          if (this.rotateTo !== undefined) await this.switchSegment(this.rotateTo);
          const data = Buffer.from(batch.length === 1 ? (batch[0] as string) : batch.join(''));
          await this.writeAll(data);
          this.syncs++;
          this.bytes += data.length;
          this.lastError = undefined;
          this.settled += waiters.length;
          for (const waiter of waiters) waiter.resolve();
        } catch (error) {
          this.failures++;
          this.lastError = error;
          // Cut the failed write's bytes now, before anyone hears of the failure, so that a crash cannot
          // bring back records whose writers were told they failed; if that fails too, before the next write.
          await this.cutFailedWrite().catch(() => undefined);
          // Everything queued behind a failed write fails with it (it may build on it), newest undone first.
          const failed = [...waiters, ...this.waiters];
          this.pending = [];
          this.waiters = [];
          this.settled += failed.length;
          for (const waiter of [...failed].reverse()) waiter.undo?.();
          for (const waiter of failed) waiter.reject(error);
        }
        this.wakeSettled();
      }
    } finally {
      this.flushing = undefined;
    }
  }

  /** Writes all of `data` at the end of the good bytes; a short write is continued, never taken as done. */
  private async writeAll(data: Buffer): Promise<void> {
    let done = 0;
    this.dirty = true;
    while (done < data.length) {
      const { bytesWritten } = await this.file.write(data, done, data.length - done, this.size + done);
      if (bytesWritten <= 0) {
        throw Object.assign(new Error(`short write: ${done} of ${data.length} bytes written`), {
          code: 'ENOSPC',
        });
      }
      done += bytesWritten;
    }
    this.size += data.length;
    this.dirty = false;
  }

  private async cutFailedWrite(): Promise<void> {
    if (!this.dirty) return;
    await this.file.truncate(this.size);
    this.dirty = false;
  }

  private async switchSegment(seq: number): Promise<void> {
    const next = await this.openFile(join(this.dir, segmentName(seq)));
    await fsyncDir(this.dir);
    this.rotateTo = undefined;
    const previous = this.file;
    this.file = next;
    this.seq = seq;
    this.size = 0;
    await previous.close();
  }
}

/** Deletes the segments numbered below `seq`. */
export async function removeSegmentsBefore(dir: string, seq: number): Promise<void> {
  for (const old of await listSegments(dir)) {
    if (old < seq) await rm(join(dir, segmentName(old)), { force: true });
  }
}
