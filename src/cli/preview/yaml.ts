// Parses one input's text into its YAML documents (js-yaml, YAML 1.2 core schema with merge keys), refusing
// what would exhaust memory later: alias bombs, aliases that contain themselves, and deep nesting.
import { CORE_SCHEMA, loadAll, mergeTag, YAMLException } from 'js-yaml';
import { UsageError } from './errors.js';
import { MAX_ALIAS_EXPANSION, MAX_DEPTH } from './limits.js';

// The core schema reads scalars as the `yaml` package and kubectl do: `2026-12-01T00:00:00Z` and `0b1` stay
// strings (no YAML 1.1 timestamps or binary numbers); merge keys (`<<: *base`) are read.
const SCHEMA = CORE_SCHEMA.withTags(mergeTag);
const SNIPPET_COLUMNS = 160;

/** The line a parse error points at, cut around the column so a 10 MB line does not flood the terminal. */
function snippet(text: string, line: number, column: number): string {
  let start = 0;
  for (let i = 0; i < line && start !== -1; i++) {
    start = text.indexOf('\n', start);
    if (start !== -1) start += 1;
  }
  if (start === -1) return '';
  const end = text.indexOf('\n', start);
  const whole = text.slice(start, end === -1 ? text.length : end).replace(/\r$/, '');
  if (whole.length <= SNIPPET_COLUMNS) return whole;
  const from = Math.max(0, column - SNIPPET_COLUMNS / 2);
  return `${from > 0 ? '…' : ''}${whole.slice(from, from + SNIPPET_COLUMNS)}…`;
}

function parseError(file: string, text: string, error: unknown): UsageError {
  if (error instanceof YAMLException && error.mark) {
    const line = error.mark.line + 1;
    const column = error.mark.column + 1;
    return new UsageError(
      `${file}:${line}:${column}: unparsable YAML: ${error.reason}\n    ${line} | ${snippet(text, error.mark.line, error.mark.column)}`,
    );
  }
  const reason = error instanceof YAMLException ? error.reason : (error as Error).message;
  return new UsageError(`${file}: unparsable YAML: ${reason}`);
}

interface Walk {
  /** Nodes and heights of the collections seen so far, so each shared one is measured once. */
  seen: Map<object, { nodes: number; height: number }>;
  open: Set<object>;
  /** Nodes reached again through an alias. */
  aliased: number;
}

type Refusal = 'alias bomb' | 'cycle' | 'depth';

/** Nodes and height of `value`, or why it is refused. Recursion stops at MAX_DEPTH, so the stack stays small. */
function measure(value: unknown, depth: number, walk: Walk): { nodes: number; height: number } | Refusal {
  if (value === null || typeof value !== 'object') return { nodes: 1, height: 0 };
  const known = walk.seen.get(value);
  if (known) {
    walk.aliased += known.nodes;
    if (walk.aliased > MAX_ALIAS_EXPANSION) return 'alias bomb';
    if (depth + known.height > MAX_DEPTH) return 'depth';
    return known;
  }
  if (walk.open.has(value)) return 'cycle';
  if (depth >= MAX_DEPTH) return 'depth';
  walk.open.add(value);
  let nodes = 1;
  let height = 0;
  for (const child of Array.isArray(value) ? value : Object.values(value)) {
    const measured = measure(child, depth + 1, walk);
    if (typeof measured === 'string') return measured;
    nodes += measured.nodes;
    height = Math.max(height, measured.height + 1);
  }
  walk.open.delete(value);
  const result = { nodes, height };
  walk.seen.set(value, result);
  return result;
}

const REFUSALS: Record<Refusal, string> = {
  'alias bomb': `its aliases (*name) expand to more than ${MAX_ALIAS_EXPANSION.toLocaleString('en-US')} nodes, as in an alias bomb ("billion laughs"); preview refuses it`,
  cycle: 'an alias (*name) refers to a node that contains it; a Kubernetes object cannot be recursive',
  depth: `collections are nested more than ${MAX_DEPTH} levels deep through aliases (*name)`,
};

/** Refuses the first document whose aliases expand too far; `first` is the index of `documents[0]` less one. */
function checkAliases(
  file: string,
  text: string,
  documents: readonly unknown[],
  first: number,
  before: () => void,
): void {
  // js-yaml shares one object between an anchor and its aliases; what reads the objects later walks them
  // expanded, so their expanded size is checked here. Without a `*` in the text there is no alias.
  if (!text.includes('*')) return;
  documents.forEach((document, index) => {
    const refusal = measure(document, 0, { seen: new Map(), open: new Set(), aliased: 0 });
    if (typeof refusal === 'string') {
      before();
      throw new UsageError(`${file} (document ${first + index + 1}): ${REFUSALS[refusal]}`);
    }
  });
}

function loadText(file: string, text: string): unknown[] {
  return loadAll(text, { schema: SCHEMA, filename: file, maxDepth: MAX_DEPTH });
}

/** Every YAML document of one input, in order (an empty one as null). */
export function parseDocuments(file: string, text: string, pieceChars = PIECE_CHARS): unknown[] {
  const documents: unknown[] = [];
  eachDocument(file, text, (document) => documents.push(document), pieceChars);
  return documents;
}

/**
 * Parts of the text about this long are parsed at once: some 20,000 documents of a large fleet. Smaller
 * pieces keep fewer of the parser's events alive but cost more CPU in all (with 100,000 devices in 41 MB,
 * 2 MiB pieces took about 7.3 s of CPU, 8 MiB 5.9 s, the whole text 3.8 s and twice the memory).
 */
export const PIECE_CHARS = 8 * 1024 * 1024;

/**
 * Where the text can be cut into pieces that parse as the whole does: before a line that opens a
 * document (`---` at the start of a line, then a space, a tab, a line break or the end). Such a line ends
 * the document before it wherever it stands (YAML 1.2 forbids it inside any scalar or collection), and
 * anchors do not cross documents. Directives (`%YAML`, `%TAG`) belong to the document after them, so a
 * text with one is not cut at all.
 */
function pieces(text: string, size: number): string[] {
  if (text.length <= size || /^%/m.test(text)) return [text];
  const out: string[] = [];
  let start = 0;
  let from = size;
  while (from < text.length) {
    const marker = text.indexOf('\n---', from);
    if (marker === -1) break;
    const after = text.charCodeAt(marker + 4);
    // space, tab, CR, LF, or the end of the text (NaN)
    if (after === 32 || after === 9 || after === 13 || after === 10 || Number.isNaN(after)) {
      out.push(text.slice(start, marker + 1));
      start = marker + 1;
      from = start + size;
    } else {
      from = marker + 4;
    }
  }
  out.push(text.slice(start));
  return out;
}

/**
 * Calls `visit` with every YAML document of one input, in order (an empty one as null), and its 1-based
 * index. A large text is parsed a piece at a time (see pieces), so the parser's events of only one piece
 * are alive at once; when a piece does not parse, the whole text is parsed again, so a message names the
 * line and column of the file exactly as a parse of the whole would.
 */
export function eachDocument(
  file: string,
  text: string,
  visit: (document: unknown, index: number) => void,
  pieceChars = PIECE_CHARS,
): void {
  const parts = pieces(text, pieceChars);
  let index = 0;
  for (const part of parts) {
    let documents: unknown[];
    let rest = false;
    try {
      documents = loadText(file, part);
    } catch (error) {
      if (parts.length === 1) throw parseError(file, text, error);
      documents = wholeText(file, text).slice(index);
      rest = true;
    }
    // A parse error anywhere in the text is reported before a refused alias, as when it was parsed whole.
    checkAliases(file, rest ? text : part, documents, index, () => parts.length > 1 && wholeText(file, text));
    for (const document of documents) visit(document, ++index);
    if (rest) return;
  }
}

/**
 * The documents of the whole text, for a piece that would not parse alone: the whole text's own error when
 * it does not parse either (the usual case), its documents should a cut ever fall where it must not.
 */
function wholeText(file: string, text: string): unknown[] {
  try {
    return loadText(file, text);
  } catch (error) {
    throw parseError(file, text, error);
  }
}

/** Documents in a text: one more than its `---` lines at most, counted without parsing. */
export function countDocumentMarkers(text: string): number {
  return (text.match(/^---(?=[ \t\r\n]|$)/gm) ?? []).length;
}
