// How much input preview accepts: bounds that keep a hostile or mistaken input from exhausting memory.

/** The input preview reads: all files and streams together. */
export const DEFAULT_MAX_INPUT_BYTES = 256 * 1024 * 1024;

/**
 * Objects read (documents and List items, of every kind). A TeamsDevice costs about 10 KB of memory from
 * parse to output, so 1,000,000 of them (about 160 MB of YAML, within the byte limit) would need some 10 GB
 * and end in an out-of-memory crash; 250,000 stay within Node's default heap on a machine with 4 GB.
 */
export const DEFAULT_MAX_OBJECTS = 250_000;

/**
 * Nodes one document may gain through aliases (`*ref`): a few shared label maps stay far below it, while
 * an alias bomb ("billion laughs", nine levels of nine aliases) would expand to 387,420,489.
 */
export const MAX_ALIAS_EXPANSION = 100_000;

/** Nesting of collections in one document; Kubernetes objects stay below 20. */
export const MAX_DEPTH = 100;

export interface InputLimits {
  readonly maxInputBytes: number;
  readonly maxObjects: number;
}

export const DEFAULT_LIMITS: InputLimits = Object.freeze({
  maxInputBytes: DEFAULT_MAX_INPUT_BYTES,
  maxObjects: DEFAULT_MAX_OBJECTS,
});

const UNITS: Record<string, number> = { '': 1, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 };

/** `1048576`, `512Ki`, `256Mi` or `2Gi` as bytes; undefined when it is none of these. */
export function parseByteSize(text: string): number | undefined {
  const match = /^(\d+)(Ki|Mi|Gi)?$/.exec(text.trim());
  if (!match) return undefined;
  const bytes = Number(match[1]) * (UNITS[match[2] ?? ''] ?? 1);
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}

/** `256 MiB`, `512 KiB` or `1000 bytes`, for messages. */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`;
  }
  return `${bytes} bytes`;
}
