// Durability of the embedded control plane: an append-only write-ahead log with group commit, plus snapshots.
//
// Why this design: the store lives in memory (reads must be fast and never touch the disk), so durability
// only needs an ordered record of writes. Each write appends one line to the current log segment and the
// response waits until that line is on disk (the segment is opened O_DSYNC, so a write returns only once its
// data is synced, like write + fdatasync in one call). Writes that arrive while a write is in flight are
// batched into the next one ("group commit"): one synced write then acknowledges every write of the batch,
// so throughput grows with concurrency instead of being bounded by the disk's sync latency. A `kill -9`
// therefore loses only writes that were never acknowledged; a torn last line is detected by its CRC and cut
// off at replay. To keep replay short, the log is compacted: the in-memory state at resourceVersion S (cheap
// to capture, since stored entries are immutable strings) is written to `snapshot.tmp`, fsynced, renamed over
// `snapshot.ndjson`, and the directory fsynced; only then are the segments that hold nothing newer than S
// deleted. Replay reads the snapshot, then every segment in order, skipping records at or below S.
// The in-memory index changes when the write is made, so for the ~0.2 ms of the sync another reader may see
// a write that a crash could still lose; its writer was never told it succeeded, and watchers only hear of
// it once it is durable. A database (SQLite, LevelDB) would do the same with more moving parts and a native
// dependency.
//
// Line format, both files: `<crc32 of the JSON as 8 hex digits>\t<JSON>\n`.
//   log record:      {"rv":12,"r":"deployments.apps","o":{...object...}}   (put)
//                    {"rv":13,"r":"deployments.apps","d":["namespace","name"]} (delete)
//   snapshot header: {"rv":S,"format":1}, then one {"r":"...","o":{...}} per object.
import { constants } from 'node:fs';
import { type FileHandle, open, readdir, readFile, rm, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

export function frame(json: string): string {
  return `${crc32(json).toString(16).padStart(8, '0')}\t${json}\n`;
}

/** Parses the framed lines of a file; stops at the first torn or corrupt line and reports its offset. */
export function* unframe(text: string): Generator<{ json: string; end: number }, number> {
  let offset = 0;
  while (offset < text.length) {
    const newline = text.indexOf('\n', offset);
    if (newline < 0) return offset;
    const line = text.slice(offset, newline);
    const tab = line.indexOf('\t');
    const json = tab === 8 ? line.slice(9) : '';
    if (tab !== 8 || crc32(json).toString(16).padStart(8, '0') !== line.slice(0, 8)) return offset;
    offset = newline + 1;
    yield { json, end: offset };
  }
  return offset;
}

/**
 * Segments are opened with O_DSYNC: each write returns once its data is on disk, so a batch costs one
 * write call (one trip to libuv's thread pool) instead of a write and then an fdatasync.
 */
const SEGMENT_FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_DSYNC;

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
 * Reads one segment, yielding its records; a torn tail (the write a crash interrupted, never acknowledged)
 * is truncated away so the next append starts on a clean line.
 */
export async function readSegment(path: string): Promise<string[]> {
  const text = await readFile(path, 'utf8');
  const lines: string[] = [];
  const reader = unframe(text);
  let step = reader.next();
  while (!step.done) {
    lines.push(step.value.json);
    step = reader.next();
  }
  const good = step.value;
  if (good < text.length) await truncate(path, Buffer.byteLength(text.slice(0, good)));
  return lines;
}

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class WriteAheadLog {
  private pending: string[] = [];
  private waiters: Waiter[] = [];
  private flushing: Promise<void> | undefined;
  private rotateTo: number | undefined;
  private failed: unknown;
  /** Bytes appended since the last rotation. */
  bytes = 0;
  /** Synced writes so far: with group commit, far fewer than appends under concurrency. */
  syncs = 0;

  private constructor(
    private readonly dir: string,
    private handle: FileHandle,
    private seq: number,
  ) {}

  static async create(dir: string, seq: number): Promise<WriteAheadLog> {
    const handle = await open(join(dir, segmentName(seq)), SEGMENT_FLAGS);
    await fsyncDir(dir);
    return new WriteAheadLog(dir, handle, seq);
  }

  get segment(): number {
    return this.seq;
  }

  /** Queues one record; resolves once it is on disk. */
  append(json: string): Promise<void> {
    if (this.failed !== undefined) return Promise.reject(this.failed);
    this.pending.push(frame(json));
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (!this.flushing) this.flushing = this.flushLoop();
    return done;
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
    await this.handle.close();
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending;
        const waiters = this.waiters;
        this.pending = [];
        this.waiters = [];
        try {
          if (this.rotateTo !== undefined) await this.switchSegment(this.rotateTo);
          const data = batch.length === 1 ? (batch[0] as string) : batch.join('');
          await this.handle.write(data);
          this.syncs++;
          this.bytes += data.length;
          for (const waiter of waiters) waiter.resolve();
        } catch (error) {
          // A log that cannot be written must not acknowledge anything again.
          this.failed = error;
          for (const waiter of [...waiters, ...this.waiters]) waiter.reject(error);
          this.pending = [];
          this.waiters = [];
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private async switchSegment(seq: number): Promise<void> {
    this.rotateTo = undefined;
    const next = await open(join(this.dir, segmentName(seq)), SEGMENT_FLAGS);
    await fsyncDir(this.dir);
    const previous = this.handle;
    this.handle = next;
    this.seq = seq;
    await previous.close();
  }
}

/** Deletes the segments numbered below `seq`. */
export async function removeSegmentsBefore(dir: string, seq: number): Promise<void> {
  for (const old of await listSegments(dir)) {
    if (old < seq) await rm(join(dir, segmentName(old)), { force: true });
  }
}
