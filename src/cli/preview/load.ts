// Reads the files and folders given with -f into plain objects, each with the place it came from.
import { type Dirent, readdirSync, realpathSync, type Stats, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { type SourceRef, UsageError } from './errors.js';
import { DEFAULT_LIMITS, type InputLimits } from './limits.js';
import { readInput } from './read.js';
import { countDocumentMarkers, parseDocuments } from './yaml.js';

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

/** Parses one file's text: every YAML document, and the items of every `kind: List`. */
export function parseText(file: string, text: string, objects: RawObject[] = []): RawObject[] {
  parseDocuments(file, text).forEach((value, index) => {
    const document = index + 1;
    if (value === null || value === undefined) return; // an empty document, e.g. after a trailing ---
    if (
      typeof value === 'object' &&
      !Array.isArray(value) &&
      isListObject(value as Record<string, unknown>)
    ) {
      ((value as { items: unknown[] }).items ?? []).forEach((item, i) => {
        objects.push({ ref: { file, document, item: i + 1 }, value: item });
      });
      return;
    }
    objects.push({ ref: { file, document }, value });
  });
  return objects;
}

function tooMany(file: string, limits: InputLimits): UsageError {
  return new UsageError(
    `${file}: the input holds more than ${limits.maxObjects.toLocaleString('en-US')} objects (YAML documents ` +
      'and List items); raise the limit with --max-objects if the memory allows (about 1 GB per 100,000 TeamsDevices)',
  );
}

export async function loadInput(
  paths: readonly string[],
  limits: InputLimits = DEFAULT_LIMITS,
): Promise<LoadedInput> {
  const warnings: string[] = [];
  const files = expandPaths(paths, warnings);
  const objects: RawObject[] = [];
  const budget = { left: limits.maxInputBytes, limit: limits.maxInputBytes };
  for (const file of files) {
    const name = file === STDIN ? STDIN_NAME : file;
    const text = await readInput(name, file === STDIN ? undefined : file, budget);
    // Refused before parsing where the document markers already tell, so the parse cannot run out of memory.
    if (objects.length + countDocumentMarkers(text) > limits.maxObjects + 1) throw tooMany(name, limits);
    parseText(name, text, objects);
    if (objects.length > limits.maxObjects) throw tooMany(name, limits);
  }
  return { files: files.map((file) => (file === STDIN ? STDIN_NAME : file)), objects, warnings };
}
