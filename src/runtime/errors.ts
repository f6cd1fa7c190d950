// Typed errors of the runtime: a TerminalError is not retried (the reconciler has recorded why, e.g. in a
// condition, and only a change to the object can help); any other thrown error is retried with backoff.

export class TerminalError extends Error {
  /** A CamelCase reason, fit for a condition or an Event. */
  readonly reason: string;

  constructor(message: string, options: { reason?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TerminalError';
    this.reason = options.reason ?? 'TerminalError';
  }
}

export function isTerminalError(err: unknown): err is TerminalError {
  return err instanceof TerminalError;
}
