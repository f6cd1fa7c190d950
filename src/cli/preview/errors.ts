// Problems with what the user gave preview: each one names where it is, and preview exits 2.

/** Where an object came from: the file as the user would open it, the YAML document and the List item. */
export interface SourceRef {
  file: string;
  /** 1-based index of the YAML document in the file. */
  document: number;
  /** 1-based index in `items` when the object came from a `kind: List`. */
  item?: number;
}

export function describeSource(ref: SourceRef): string {
  return ref.item === undefined ? `document ${ref.document}` : `document ${ref.document}, item ${ref.item}`;
}

/** Invalid flags or input: printed line by line to stderr, exit code 2. */
export class UsageError extends Error {
  readonly problems: readonly string[];
  /** True when the problem is with the flags, so the message points at --help. */
  readonly aboutFlags: boolean;

  constructor(problems: string | readonly string[], options: { aboutFlags?: boolean } = {}) {
    const list = typeof problems === 'string' ? [problems] : problems;
    super(list.join('\n'));
    this.name = 'UsageError';
    this.problems = list;
    this.aboutFlags = options.aboutFlags ?? false;
  }
}
