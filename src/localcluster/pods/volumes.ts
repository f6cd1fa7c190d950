// A pod's volumes on this machine: configMap and secret volumes projected into per-pod folders and kept in
// step with their source, emptyDir folders that live as long as the pod (so they survive container
// restarts). A process cannot mount at a container path, so each volumeMount's mountPath becomes the local
// folder wherever it appears in the container's args and env values (see `rewritePaths`).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { JsonObject } from '../resource-type.js';
import { isObject } from '../util/json.js';
import { keysOf } from './env.js';
import type { PodHost } from './host.js';
import { project } from './projection.js';

type Kind = 'configmaps' | 'secrets';

interface Projected {
  kind: Kind;
  source: string;
  optional: boolean;
  items: Array<{ key: string; path: string }> | undefined;
  dir: string;
  /** rv of the source last written; undefined: never written. */
  written: number | undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export class PodVolumes {
  /** volume name -> local folder */
  readonly dirs = new Map<string, string>();
  private readonly projected: Projected[] = [];
  private readonly emptyDirs: string[] = [];

  constructor(
    private readonly host: PodHost,
    private readonly namespace: string,
    podDir: string,
    spec: JsonObject,
  ) {
    for (const volume of Array.isArray(spec.volumes) ? spec.volumes.filter(isObject) : []) {
      const name = str(volume.name) ?? '';
      const dir = join(podDir, 'volumes', name);
      const source = isObject(volume.configMap)
        ? volume.configMap
        : isObject(volume.secret)
          ? volume.secret
          : undefined;
      if (source) {
        const kind: Kind = isObject(volume.configMap) ? 'configmaps' : 'secrets';
        const items = Array.isArray(source.items)
          ? source.items.filter(isObject).map((i) => ({ key: str(i.key) ?? '', path: str(i.path) ?? '' }))
          : undefined;
        this.projected.push({
          kind,
          source: str(kind === 'configmaps' ? source.name : source.secretName) ?? '',
          optional: source.optional === true,
          items,
          dir,
          written: undefined,
        });
      } else if (isObject(volume.emptyDir)) {
        this.emptyDirs.push(dir);
      } else {
        continue;
      }
      this.dirs.set(name, dir);
    }
  }

  /** Brings every volume up to date; returns what is still missing (a non-optional source not found). */
  async sync(): Promise<string | undefined> {
    for (const dir of this.emptyDirs) await mkdir(dir, { recursive: true });
    let missing: string | undefined;
    for (const p of this.projected) {
      const rv = this.host.version(p.kind, this.namespace, p.source);
      if (rv === undefined) {
        if (p.optional && p.written === undefined) {
          await project(p.dir, {});
          p.written = -1;
        } else if (!p.optional && p.written === undefined) {
          missing ??= `${p.kind === 'configmaps' ? 'configmap' : 'secret'} "${p.source}" not found`;
        }
        continue;
      }
      if (rv === p.written) continue;
      const obj = this.host.get(p.kind, this.namespace, p.source);
      if (!obj) continue;
      const keys = keysOf(p.kind, obj);
      const files: Record<string, Buffer> = {};
      if (p.items) {
        for (const { key, path } of p.items) if (keys[key]) files[path] = keys[key];
      } else {
        Object.assign(files, keys);
      }
      await project(p.dir, files, p.kind === 'secrets' ? 0o600 : 0o644);
      p.written = rv;
    }
    return missing;
  }
}

/**
 * Replaces each mountPath in an arg or env value by the volume's local folder: the whole value, or its
 * start followed by `/`, or after `=` (`--config-dir=/etc/x`). Longer mount paths are tried first.
 */
export function rewritePaths(
  text: string,
  mounts: ReadonlyArray<{ mountPath: string; dir: string }>,
): string {
  const sorted = [...mounts].sort((a, b) => b.mountPath.length - a.mountPath.length);
  for (const { mountPath, dir } of sorted) {
    const path = mountPath.replace(/\/+$/, '');
    if (path === '') continue;
    if (text === path || text.startsWith(`${path}/`)) return dir + text.slice(path.length);
    const eq = text.indexOf(`=${path}`);
    const end = eq + 1 + path.length;
    if (eq >= 0 && (end === text.length || text[end] === '/'))
      return text.slice(0, eq + 1) + dir + text.slice(end);
  }
  return text;
}

/** A container's mounts with their local folders (a subPath appended); mounts of unknown volumes are left out. */
export function mountsOf(container: JsonObject, dirs: ReadonlyMap<string, string>) {
  const mounts: Array<{ mountPath: string; dir: string }> = [];
  for (const m of Array.isArray(container.volumeMounts) ? container.volumeMounts.filter(isObject) : []) {
    const dir = dirs.get(str(m.name) ?? '');
    const mountPath = str(m.mountPath);
    if (!dir || !mountPath) continue;
    const sub = str(m.subPath);
    mounts.push({ mountPath, dir: sub ? join(dir, sub) : dir });
  }
  return mounts;
}
