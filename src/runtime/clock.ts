// One clock, injected everywhere: real time in production, a fake clock in tests, an accelerated clock for
// `npm start --clock-speed`. This file is the only place that reads the system time.
//
// A timer is one setTimeout armed for its instant (re-armed if it fires early): nothing polls, so an idle
// process sleeps until the next instant that matters.

import type { Clock, TimerCallback, TimerHandle } from '../core/clock.js';

export type { Clock, TimerCallback, TimerHandle } from '../core/clock.js';

/** A timer `ms` from now on `clock`. */
export function setTimerIn(clock: Clock, ms: number, fn: TimerCallback): TimerHandle {
  return clock.setTimer(new Date(clock.now().getTime() + Math.max(0, ms)), fn);
}

/** Resolves after `ms` on `clock`, or at once when `signal` aborts. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const onAbort = () => {
      handle.cancel();
      resolve();
    };
    const handle = setTimerIn(clock, ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

// setTimeout takes at most 2^31-1 ms (~24.8 days); longer timers are armed in steps.
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Wall-clock time. */
export class RealClock implements Clock {
  now(): Date {
    return new Date(Date.now());
  }

  setTimer(at: Date, fn: TimerCallback): TimerHandle {
    const target = at.getTime();
    let timeout: NodeJS.Timeout | undefined;
    let cancelled = false;
    const arm = () => {
      const remaining = target - Date.now();
      if (cancelled) return;
      if (remaining > 0) {
        timeout = setTimeout(arm, Math.min(Math.ceil(remaining), MAX_TIMEOUT_MS));
        return;
      }
      cancelled = true;
      void fn();
    };
    timeout = setTimeout(arm, Math.min(Math.max(0, Math.ceil(target - Date.now())), MAX_TIMEOUT_MS));
    return {
      cancel() {
        cancelled = true;
        clearTimeout(timeout);
      },
    };
  }
}

interface FakeTimer {
  at: number;
  seq: number;
  fn: TimerCallback;
}

/** Lets pending I/O callbacks and promise continuations run. */
export function nextTick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Time that moves only when a test says so. `advance`/`advanceTo` run the timers that come due, in order of
 * their instant (then of creation), each at its own instant, awaiting a callback's promise and letting
 * pending promise continuations run before the next one, so timers set by a callback fire in the same call
 * when they are due. A timer set for the past runs on the next `advance` (even `advance(0)`).
 */
export class FakeClock implements Clock {
  private current: number;
  private seq = 0;
  private timers: FakeTimer[] = [];

  constructor(start: Date | string = '2026-01-01T00:00:00Z') {
    this.current = new Date(start).getTime();
    if (Number.isNaN(this.current)) throw new Error(`FakeClock: invalid start ${String(start)}`);
  }

  now(): Date {
    return new Date(this.current);
  }

  setTimer(at: Date, fn: TimerCallback): TimerHandle {
    const timer: FakeTimer = { at: at.getTime(), seq: this.seq++, fn };
    this.timers.push(timer);
    return {
      cancel: () => {
        this.timers = this.timers.filter((t) => t !== timer);
      },
    };
  }

  /** Timers not yet fired or cancelled. */
  pendingTimers(): number {
    return this.timers.length;
  }

  /** The instant of the next timer, if any. */
  nextTimerAt(): Date | undefined {
    const next = this.earliest();
    return next ? new Date(next.at) : undefined;
  }

  advance(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new Error(`FakeClock: cannot advance by ${ms} ms`);
    return this.advanceTo(new Date(this.current + ms));
  }

  async advanceTo(target: Date): Promise<void> {
    const end = target.getTime();
    if (end < this.current) {
      throw new Error(
        `FakeClock: cannot go back from ${this.now().toISOString()} to ${target.toISOString()}`,
      );
    }
    await nextTick();
    for (let next = this.earliest(); next && next.at <= end; next = this.earliest()) {
      this.timers = this.timers.filter((t) => t !== next);
      this.current = Math.max(this.current, next.at);
      await next.fn();
      await nextTick();
    }
    this.current = end;
  }

  private earliest(): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const t of this.timers) {
      if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    }
    return best;
  }
}

export interface AcceleratedClockOptions {
  /** The simulated instant at which the clock starts. */
  start: Date;
  /** Simulated seconds per real second (> 0). */
  speed: number;
  /** The real time it runs on; default RealClock (tests pass a FakeClock). */
  base?: Clock;
}

/**
 * Simulated time running `speed` times faster than `base` from `start`: a timer for a simulated instant is a
 * base timer for the matching real instant, so a 90-day rollout at speed 86400 takes 90 real seconds.
 */
export class AcceleratedClock implements Clock {
  readonly speed: number;
  private readonly base: Clock;
  private readonly simStart: number;
  private readonly realStart: number;

  constructor(options: AcceleratedClockOptions) {
    if (!(options.speed > 0) || !Number.isFinite(options.speed)) {
      throw new Error(`AcceleratedClock: speed must be a positive number, got ${options.speed}`);
    }
    this.speed = options.speed;
    this.base = options.base ?? new RealClock();
    this.simStart = options.start.getTime();
    if (Number.isNaN(this.simStart)) throw new Error('AcceleratedClock: invalid start');
    this.realStart = this.base.now().getTime();
  }

  now(): Date {
    return new Date(this.simStart + (this.base.now().getTime() - this.realStart) * this.speed);
  }

  /** The real instant at which the simulated instant `at` comes. */
  toReal(at: Date): Date {
    return new Date(this.realStart + Math.ceil((at.getTime() - this.simStart) / this.speed));
  }

  setTimer(at: Date, fn: TimerCallback): TimerHandle {
    let handle: TimerHandle;
    // Rounding may bring the real instant a fraction of a millisecond early: then wait again.
    const fire = (): void | Promise<void> => {
      if (this.now().getTime() < at.getTime()) {
        handle = this.base.setTimer(new Date(this.base.now().getTime() + 1), fire);
        return;
      }
      return fn();
    };
    handle = this.base.setTimer(this.toReal(at), fire);
    return { cancel: () => handle.cancel() };
  }
}
