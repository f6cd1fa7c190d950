// How long a key waits before it is retried, after client-go's workqueue rate limiters: per-key exponential
// backoff (5 ms doubling up to 5 min, reset by forget on success) combined with an overall token bucket
// (10 per second, bursts of 100) so that many failing keys cannot flood the API server.
import type { Clock } from './clock.js';

export interface RateLimiter {
  /** The delay (ms) before `key` may be processed again; counts a retry. */
  when(key: string): number;
  /** Stops tracking `key` (call after it succeeded): its next failure starts from the base delay. */
  forget(key: string): void;
  /** Failures counted for `key` since it was last forgotten. */
  retries(key: string): number;
}

export interface ExponentialBackoffOptions {
  baseMs?: number;
  maxMs?: number;
}

/** base * 2^failures, capped at max. */
export class ExponentialBackoffRateLimiter implements RateLimiter {
  private readonly failures = new Map<string, number>();
  private readonly baseMs: number;
  private readonly maxMs: number;

  constructor(options: ExponentialBackoffOptions = {}) {
    this.baseMs = options.baseMs ?? 5;
    this.maxMs = options.maxMs ?? 5 * 60_000;
  }

  when(key: string): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    // 2^n overflows to Infinity past n = 1023; min() keeps the cap.
    return Math.min(this.baseMs * 2 ** n, this.maxMs);
  }

  forget(key: string): void {
    this.failures.delete(key);
  }

  retries(key: string): number {
    return this.failures.get(key) ?? 0;
  }
}

export interface TokenBucketOptions {
  clock: Clock;
  /** Tokens added per second. */
  qps?: number;
  /** Bucket size: how many may go at once. */
  burst?: number;
}

/** An overall limit shared by all keys: each call reserves a token and waits until it is there. */
export class TokenBucketRateLimiter implements RateLimiter {
  private readonly clock: Clock;
  private readonly qps: number;
  private readonly burst: number;
  private tokens: number;
  private last: number;

  constructor(options: TokenBucketOptions) {
    this.clock = options.clock;
    this.qps = options.qps ?? 10;
    this.burst = options.burst ?? 100;
    this.tokens = this.burst;
    this.last = this.clock.now().getTime();
  }

  when(_key: string): number {
    const now = this.clock.now().getTime();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.qps) * 1000);
  }

  forget(_key: string): void {}

  retries(_key: string): number {
    return 0;
  }
}

/** The longest delay of several limiters. */
export class MaxOfRateLimiter implements RateLimiter {
  private readonly limiters: readonly RateLimiter[];

  constructor(...limiters: RateLimiter[]) {
    this.limiters = limiters;
  }

  when(key: string): number {
    return Math.max(0, ...this.limiters.map((l) => l.when(key)));
  }

  forget(key: string): void {
    for (const l of this.limiters) l.forget(key);
  }

  retries(key: string): number {
    return Math.max(0, ...this.limiters.map((l) => l.retries(key)));
  }
}

/** client-go's DefaultTypedControllerRateLimiter: 5 ms..5 min per key, 10 qps / 100 burst overall. */
export function defaultControllerRateLimiter(clock: Clock): RateLimiter {
  return new MaxOfRateLimiter(
    new ExponentialBackoffRateLimiter({ baseMs: 5, maxMs: 5 * 60_000 }),
    new TokenBucketRateLimiter({ clock, qps: 10, burst: 100 }),
  );
}
