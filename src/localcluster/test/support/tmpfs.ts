// A small real tmpfs for full-disk tests, where the machine lets this process mount one (root, or a
// permitted user namespace); otherwise the reason, which the test prints when it reports itself pending.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Mounted = { dir: string; unmount(): void } | { dir: undefined; reason: string };

export function mountTmpfs(size: string): Mounted {
  const dir = mkdtempSync(join(tmpdir(), 'tdo-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '').trim();
    return { dir: undefined, reason: `mount not permitted: ${stderr || (error as Error).message}` };
  }
  return {
    dir,
    unmount() {
      execFileSync('umount', [dir], { stdio: 'pipe' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
