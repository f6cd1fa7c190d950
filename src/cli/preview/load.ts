// Reads the files and folders given with -f into plain objects, each with the place it came from.
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { type SourceRef, UsageError } from './errors.js';

export const STDIN = '-';
const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

export interface RawObject {
  ref: SourceRef;
  value: unknown;
}

export interface LoadedInput {
  files: string[];
  objects: RawObject[];
}

function walk(dir: string, out: string[]): void {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else if (EXTENSIONS.has(extname(entry.name).toLowerCase())) out.push(path);
  }
}

/** The files behind the -f paths, in order, each once. A file named explicitly is read whatever its name. */
export function expandPaths(paths: readonly string[]): string[] {
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
        walk(path, found);
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

function lineOf(text: string, line: number): string {
  return text.split(/\r?\n/)[line - 1] ?? '';
}

function isListObject(value: Record<string, unknown>): boolean {
  const kind = value.kind;
  return typeof kind === 'string' && kind.endsWith('List') && Array.isArray(value.items);
}

/** Parses one file's text: every YAML document, and the items of every `kind: List`. */
export function parseText(file: string, text: string): RawObject[] {
  const objects: RawObject[] = [];
  const lines = new LineCounter();
  const documents = parseAllDocuments(text, {
    merge: true,
    prettyErrors: false,
    uniqueKeys: true,
    lineCounter: lines,
  });
  const list = Array.isArray(documents) ? documents : [];
  list.forEach((doc, index) => {
    const document = index + 1;
    const error = doc.errors[0];
    if (error) {
      const pos = lines.linePos(error.pos[0]);
      const message = error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '');
      throw new UsageError(
        `${file}:${pos.line}:${pos.col}: unparsable YAML: ${message}\n    ${pos.line} | ${lineOf(text, pos.line)}`,
      );
    }
    const value: unknown = doc.toJS({ maxAliasCount: 1000 });
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

export async function readStdin(stream: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

export async function loadInput(paths: readonly string[]): Promise<LoadedInput> {
  const files = expandPaths(paths);
  const objects: RawObject[] = [];
  for (const file of files) {
    const text = file === STDIN ? await readStdin() : readFileSync(file, 'utf8');
    objects.push(...parseText(file === STDIN ? '<stdin>' : file, text));
  }
  return { files: files.map((file) => (file === STDIN ? '<stdin>' : file)), objects };
}
