// Writes a set of files into a volume folder the way the kubelet's AtomicWriter does: the files go into a
// new timestamped folder, the `..data` symlink is swapped to it by rename (atomic), each key is a symlink
// `key -> ..data/key`, and the previous folder is removed. A reader that opens `key` sees either the old or
// the new content, never a mix, and a watcher of the folder sees the `..data` rename.
import { mkdir, readdir, readlink, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

const DATA = '..data';

function stamp(): string {
  const iso = new Date().toISOString().replace(/[-:T.Z]/g, '_');
  return `..${iso}${Math.random().toString(36).slice(2, 8)}`;
}

export async function project(
  dir: string,
  files: Readonly<Record<string, Buffer>>,
  mode = 0o644,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const folder = stamp();
  for (const [path, content] of Object.entries(files)) {
    const target = join(dir, folder, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content, { mode });
  }
  await mkdir(join(dir, folder), { recursive: true });
  const previous = await readlink(join(dir, DATA)).catch(() => undefined);
  await rm(join(dir, `${DATA}_tmp`), { force: true });
  await symlink(folder, join(dir, `${DATA}_tmp`));
  await rename(join(dir, `${DATA}_tmp`), join(dir, DATA));
  const tops = new Set(Object.keys(files).map((p) => p.split('/')[0] as string));
  for (const top of tops) {
    await symlink(join(DATA, top), join(dir, top)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
  }
  // Keys gone from the source lose their link.
  for (const name of await readdir(dir)) {
    if (!name.startsWith('..') && !tops.has(name)) await unlink(join(dir, name)).catch(() => {});
  }
  if (previous && previous !== folder) await rm(join(dir, previous), { recursive: true, force: true });
}
