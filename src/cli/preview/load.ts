// Reads the files and folders given with -f into plain objects, each with the place it came from.
import { type Dirent, readdirSync, realpathSync, type Stats, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { type SourceRef, UsageError } from './errors.js';
import { DEFAULT_LIMITS, type InputLimits } from './limits.js';
import { readInput } from './read.js';
import { countDocumentMarkers, eachDocument } from './yaml.js';

export const STDIN = '-';
const STDIN_NAME = '<stdin>';
const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

export interface RawObject {
  ref: SourceRef;
  value: unknown;
}

export interface LoadedInput {
  files: string[];
  objects: RawObject[];
  /** Things worth knowing that do not stop the preview, e.g. a FIFO skipped in a folder. */
  warnings: string[];
}

function kindOf(stats: Stats | Dirent): string {
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/**
 * Only regular files are read from a folder (a symbolic link to one included): a FIFO would wait for a
 * writer forever and a device never ends. Symbolic links to folders are not followed, so a loop cannot
 * make the walk endless.
 */
function walk(dir: string, out: string[], warnings: string[]): void {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      walk(path, out, warnings);
      continue;
    }
    if (!EXTENSIONS.has(extname(entry.name).toLowerCase())) continue;
    let stats: Stats | Dirent = entry;
    if (entry.isSymbolicLink()) {
      try {
        stats = statSync(path);
      } catch {
        warnings.push(`warning: skipped ${path}: a symbolic link to nothing`);
        continue;
      }
    }
    if (stats.isFile()) out.push(path);
    else if (!stats.isDirectory()) {
      warnings.push(`warning: skipped ${path}: ${kindOf(stats)}; only regular files are read from a folder`);
    }
  }
}

/**
 * The files behind the -f paths, in order, each once. A file named explicitly is read whatever its name
 * and type: a FIFO or `-f <(kubectl get …)` is read as a stream, like stdin.
 */
export function expandPaths(paths: readonly string[], warnings: string[] = []): string[] {
  const files: string[] = [];
  const seen = new Set<string>();
  for (const path of paths) {
    if (path === STDIN) {
      if (!seen.has(STDIN)) files.push(STDIN);
      seen.add(STDIN);
      continue;
    }
    let found: string[];
    try {
      if (statSync(path).isDirectory()) {
        found = [];
        walk(path, found, warnings);
        if (found.length === 0)
          throw new UsageError(`-f ${path}: no *.yaml, *.yml or *.json files in this folder`);
      } else {
        found = [path];
      }
    } catch (error) {
      if (error instanceof UsageError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      throw new UsageError(
        `-f ${path}: ${code === 'ENOENT' ? 'no such file or folder' : (error as Error).message}`,
      );
    }
    for (const file of found) {
      const real = realpathSync(file);
      if (seen.has(real)) continue;
      seen.add(real);
      files.push(file);
    }
  }
  return files;
}

function isListObject(value: Record<string, unknown>): boolean {
  const kind = value.kind;
  return typeof kind === 'string' && kind.endsWith('List') && Array.isArray(value.items);
}

/** Parses one file's text: every YAML document, and the items of every `kind: List`, each given to `take`. */
export function eachObject(file: string, text: string, take: (object: RawObject) => void): void {
  eachDocument(file, text, (value, document) => {
    if (value === null || value === undefined) return; // an empty document, e.g. after a trailing ---
    if (
      typeof value === 'object' &&
      !Array.isArray(value) &&
      isListObject(value as Record<string, unknown>)
    ) {
      ((value as { items: unknown[] }).items ?? []).forEach((item, i) => {
        take({ ref: { file, document, item: i + 1 }, value: item });
      });
      return;
    }
    take({ ref: { file, document }, value });
  });
}

/** Parses one file's text: every YAML document, and the items of every `kind: List`. */
export function parseText(file: string, text: string, objects: RawObject[] = []): RawObject[] {
  eachObject(file, text, (object) => objects.push(object));
  return objects;
}

function tooMany(file: string, limits: InputLimits): UsageError {
  return new UsageError(
    `${file}: the input holds more than ${limits.maxObjects.toLocaleString('en-US')} objects (YAML documents ` +
      'and List items); raise the limit with --max-objects if the memory allows (about 700 MB per 100,000 TeamsDevices)',
  );
}

/**
 * Reads every -f path. With `take`, each object is handed over as soon as it is parsed and not kept (so a
 * large fleet's objects as read are not all alive at once) and `objects` stays empty; objects already
 * handed over count for nothing when a later one is refused (the error is thrown).
 */
export async function loadInput(
  paths: readonly string[],
  limits: InputLimits = DEFAULT_LIMITS,
  take?: (object: RawObject) => void,
): Promise<LoadedInput> {
  const warnings: string[] = [];
  const files = expandPaths(paths, warnings);
  const objects: RawObject[] = [];
  let count = 0;
  const budget = { left: limits.maxInputBytes, limit: limits.maxInputBytes };
  for (const file of files) {
    const name = file === STDIN ? STDIN_NAME : file;
    const text = await readInput(name, file === STDIN ? undefined : file, budget);
    // Refused before parsing where the document markers already tell, so the parse cannot run out of memory.
    if (count + countDocumentMarkers(text) > limits.maxObjects + 1) throw tooMany(name, limits);
    // Past the limit the file is still parsed to its end, so a YAML error in it is the one reported.
    eachObject(name, text, (object) => {
      if (++count > limits.maxObjects) return;
      if (take) take(object);
      else objects.push(object);
    });
    if (count > limits.maxObjects) throw tooMany(name, limits);
  }
  return { files: files.map((file) => (file === STDIN ? STDIN_NAME : file)), objects, warnings };
}
