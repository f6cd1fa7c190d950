// Snapshots of the whole store, written atomically: temp file (0600), fsync, rename, fsync of the directory.
// A snapshot that cannot be written whole (a full disk) is removed and the log it would replace is kept.
// See wal.ts for the format and why.
import { open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Entry } from './entry.js';
import { StorageDamage } from './errors.js';
import { FILE_MODE, frame, fsyncDir, unframe } from './wal.js';

export const SNAPSHOT = 'snapshot.ndjson';
const TEMP = 'snapshot.tmp';
const CHUNK = 1 << 20;

export interface SnapshotSource {
  rv: number;
  /** Captured synchronously; entries are immutable, so this is a consistent view at `rv`. */
  items: Array<{ resource: string; entry: Entry }>;
}

/** Writes the snapshot; resolves with its size in bytes once it is durable under its final name. */
export async function writeSnapshot(dir: string, source: SnapshotSource): Promise<number> {
  const temp = join(dir, TEMP);
  const handle = await open(temp, 'w', FILE_MODE);
  let size = 0;
  let written = false;
  try {
    let chunk = frame(JSON.stringify({ rv: source.rv, format: 1 }));
    for (const { resource, entry } of source.items) {
      chunk += frame(`{"r":${JSON.stringify(resource)},"o":${entry.json}}`);
      if (chunk.length >= CHUNK) {
        size += chunk.length;
        await handle.writeFile(chunk);
        chunk = '';
      }
    }
    size += chunk.length;
    await handle.writeFile(chunk);
    await handle.sync();
    written = true;
  } finally {
    await handle.close();
    if (!written) await rm(temp, { force: true });
  }
  await rename(temp, join(dir, SNAPSHOT));
  await fsyncDir(dir);
  return size;
}

export interface LoadedSnapshot {
  rv: number;
  records: Array<{ resource: string; json: string }>;
  bytes: number;
}

/** Reads the snapshot, or an empty one when there is none yet. A corrupt snapshot is an error. */
export async function readSnapshot(dir: string): Promise<LoadedSnapshot> {
  await rm(join(dir, TEMP), { force: true });
  let text: string;
  try {
    text = await readFile(join(dir, SNAPSHOT), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { rv: 0, records: [], bytes: 0 };
    throw error;
  }
  const path = join(dir, SNAPSHOT);
  const reader = unframe(text);
  const first = reader.next();
  if (first.done) throw new StorageDamage(path, 0, 'its header fails its checksum');
  const header = JSON.parse(first.value.json) as { rv: number };
  const records: Array<{ resource: string; json: string }> = [];
  let step = reader.next();
  while (!step.done) {
    // {"r":"<resource>","o":<object>}: cut the object out without parsing it twice.
    const line = step.value.json;
    const split = line.indexOf(',"o":');
    records.push({ resource: JSON.parse(line.slice(5, split)) as string, json: line.slice(split + 5, -1) });
    step = reader.next();
  }
  if (step.value < text.length) {
    const offset = Buffer.byteLength(text.slice(0, step.value));
    throw new StorageDamage(path, offset, `record ${records.length + 1} fails its checksum`);
  }
  return { rv: header.rv, records, bytes: text.length };
}
