// Helpers of the runtime tests.

import { Writable } from 'node:stream';
import { setImmediate as nextTurn, setTimeout as pause } from 'node:timers/promises';
import pino, { type Logger } from 'pino';

export interface Deferred<T = void> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(err: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets queued promise continuations and I/O callbacks run. */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await nextTurn();
}

/**
 * Waits until `check` holds, for things that happen over real I/O (API server round trips). It asserts
 * an outcome, not a duration: the limit only keeps a broken test from hanging.
 */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  limitMs = 10_000,
): Promise<void> {
  for (let waited = 0; !(await check()); waited += 10) {
    if (waited > limitMs) throw new Error(`gave up waiting until ${what}`);
    await pause(10);
  }
}

/** A pino logger that keeps its JSON lines for assertions. */
export function capturingLogger(level: pino.Level = 'debug'): {
  logger: Logger;
  lines: Record<string, unknown>[];
} {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n'))
        if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level }, stream), lines };
}

export const silentLogger = (): Logger => pino({ level: 'silent' });
