// Whether the API server answers the operator's requests: the last request that failed because the server
// could not be reached (connection refused, reset, unknown host, timed out) or refused the credentials
// (401), cleared by the next answer of any other kind. The Manager turns it into a /readyz check.

/** Network errors that mean "no API server there", by their Node error code. */
const UNREACHABLE_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

export type Unreachable = { kind: 'unauthorized' | 'unreachable'; message: string };

/** The kind of failure `err` is, when it says the API server cannot be used; else undefined. */
export function unreachableOf(err: unknown): Unreachable | undefined {
  const e = err as { code?: unknown; statusCode?: unknown; cause?: { code?: unknown } } | undefined;
  if (e?.statusCode === 401)
    return { kind: 'unauthorized', message: '401 Unauthorized: the credentials were refused' };
  const code =
    typeof e?.code === 'string' ? e.code : typeof e?.cause?.code === 'string' ? e.cause.code : undefined;
  if (code && UNREACHABLE_CODES.has(code))
    return { kind: 'unreachable', message: `${code}: the API server cannot be reached` };
  return undefined;
}

export class Reachability {
  private problem: Unreachable | undefined;
  private readonly listeners = new Set<(problem: Unreachable | undefined) => void>();

  current(): Unreachable | undefined {
    return this.problem;
  }

  /** Called with each change (a new problem, or undefined once the server answers again). */
  onChange(listener: (problem: Unreachable | undefined) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A request got an answer from the server (any status but 401). */
  answered(): void {
    if (this.problem === undefined) return;
    this.problem = undefined;
    for (const l of this.listeners) l(undefined);
  }

  /** A request failed: recorded when the failure says the server cannot be used. */
  failed(err: unknown): void {
    const problem = unreachableOf(err);
    if (!problem) return;
    const changed = problem.kind !== this.problem?.kind;
    this.problem = problem;
    if (changed) for (const l of this.listeners) l(problem);
  }
}
