// The data directory holds every object, Secrets included, so only its owner may read it: the directory is
// 0700 and its files 0600. Directories and files made by older versions (0755 and 0644) are fixed at start;
// new files are created 0600 (wal.ts, snapshot.ts, lock.ts).
import { chmod, lstat, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FILE_MODE } from './wal.js';

export const DIR_MODE = 0o700;

export async function secureDataDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: DIR_MODE });
  await chmod(dir, DIR_MODE);
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    const stat = await lstat(path);
    if (stat.isFile() && (stat.mode & 0o777) !== FILE_MODE) await chmod(path, FILE_MODE);
    else if (stat.isDirectory() && (stat.mode & 0o777) !== DIR_MODE) await chmod(path, DIR_MODE);
  }
}
