// client-go's retry.RetryOnConflict: re-run a read-modify-write when the write lost a 409 race.
import type { Clock } from '../core/clock.js';
import { isConflict } from './errors.js';

export interface RetryOnConflictOptions {
  /** Tries in all; default 5 (client-go DefaultRetry). */
  attempts?: number;
  /** Pause between tries on `clock`; default 10 ms. */
  delayMs?: number;
  /** Without a clock, tries again at once. */
  clock?: Clock;
}

/** Resolves `ms` later on `clock` (a plain timer on the injected clock; abort is not needed here). */
function pause(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => {
    clock.setTimer(new Date(clock.now().getTime() + ms), () => resolve());
  });
}

/** Runs `fn` (which must re-read what it writes) until it does not fail with 409 Conflict. */
export async function retryOnConflict<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOnConflictOptions = {},
): Promise<T> {
  const attempts = options.attempts ?? 5;
  const delayMs = options.delayMs ?? 10;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!isConflict(err) || attempt >= attempts) throw err;
      if (options.clock && delayMs > 0) await pause(options.clock, delayMs);
    }
  }
}
