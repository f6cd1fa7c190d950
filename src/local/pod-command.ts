// How this machine runs pods of the operator's own image (the embedded control plane's local pods): the
// image's entrypoint is this program, so a container becomes `node <bin> <args…>` — with tsx when running
// from source. Any `teams-device-operator` image (any registry, any tag) and the configured image count as
// ours; a container's `command` is not looked at, since the image's entrypoint is always the program.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_IMAGE } from '../operator/operator.js';

const FROM_SOURCE = import.meta.url.endsWith('.ts');
const BIN = join(import.meta.dirname, '..', 'cli', FROM_SOURCE ? 'bin.ts' : 'bin.js');

/** True for an image of this program. */
export function isOwnImage(image: string, configured: string = DEFAULT_IMAGE): boolean {
  return image === configured || /(^|\/)teams-device-operator(:[^/]+)?(@sha256:[0-9a-f]+)?$/.test(image);
}

/** The node command line of a container of our image. */
export function ownImageCommand(args: readonly string[]): { file: string; args: string[] } {
  // tsx by its resolved URL: the pod's working directory is its own folder, where `tsx` resolves to nothing.
  const loader = FROM_SOURCE
    ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href]
    : [];
  return { file: process.execPath, args: [...loader, BIN, ...args] };
}

/**
 * The images and command of startLocalCluster's localPods for this program (written without importing the
 * control plane, which only the commands that serve it import), pods' folders under `dir`; `extra` adds
 * the runner's other options (back-off, probe periods).
 */
export interface OwnImagePods {
  dir: string;
  images(image: string): boolean;
  command(container: { args: string[] }): { file: string; args: string[] };
}

export function localPodsOptions<T extends object>(dir: string, extra?: T, image?: string): T & OwnImagePods {
  return {
    ...(extra ?? ({} as T)),
    dir,
    images: (candidate) => isOwnImage(candidate, image),
    command: (container) => ownImageCommand(container.args),
  };
}
