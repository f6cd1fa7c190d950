// A ConfigMap projected into a directory the way a kubelet's configMap volume is: each version in a
// timestamped folder, a `..data` symlink swapped atomically (rename) to the newest, and one symlink per key
// through `..data`, so a reader never sees half of an update and a watcher of the key sees it change.
import { mkdir, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export class ConfigMapVolume {
  private projected: string | undefined;
  private serial = 0;

  constructor(readonly dir: string) {}

  /** Projects `data` as version `version` (e.g. the resourceVersion); nothing happens for the same version. */
  async project(version: string, data: Readonly<Record<string, string>>): Promise<void> {
    if (version === this.projected) return;
    await mkdir(this.dir, { recursive: true });
    const stamp = `..${Date.now().toString(36)}_${process.pid}_${this.serial++}`;
    const folder = join(this.dir, stamp);
    await mkdir(folder);
    for (const [key, value] of Object.entries(data)) await writeFile(join(folder, key), value);
    const previous = await readlink(join(this.dir, '..data')).catch(() => undefined);
    await rm(join(this.dir, '..data_tmp'), { force: true });
    await symlink(stamp, join(this.dir, '..data_tmp'));
    await rename(join(this.dir, '..data_tmp'), join(this.dir, '..data'));
    for (const key of Object.keys(data)) {
      await symlink(join('..data', key), join(this.dir, key)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      });
    }
    if (previous && previous !== stamp) await rm(join(this.dir, previous), { recursive: true, force: true });
    this.projected = version;
  }
}
