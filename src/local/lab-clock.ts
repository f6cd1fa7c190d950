// The simulated clock of `local`: like AcceleratedClock (src/runtime/clock.ts), simulated time running
// `speed` times faster than real time, but one a lab can pause and speed up or slow down while it runs. Every
// change starts a new segment (the simulated and real instants it began at) and re-arms the pending timers
// for the real instants their simulated instants now fall on; while paused no timer fires.

import type { Clock, TimerCallback, TimerHandle } from '../runtime/clock.js';
import { RealClock } from '../runtime/clock.js';

interface Pending {
  at: number;
  fn: TimerCallback;
  base: TimerHandle | undefined;
}

export interface LabClockOptions {
  start: Date;
  /** Simulated seconds per real second (> 0). */
  speed: number;
  /** The real time it runs on; default RealClock (tests pass a FakeClock). */
  base?: Clock;
}

export class LabClock implements Clock {
  private readonly base: Clock;
  private simAt: number;
  private realAt: number;
  private currentSpeed: number;
  private isPaused = false;
  private readonly pending = new Set<Pending>();

  constructor(options: LabClockOptions) {
    checkSpeed(options.speed);
    this.base = options.base ?? new RealClock();
    this.simAt = options.start.getTime();
    if (Number.isNaN(this.simAt)) throw new Error('LabClock: invalid start');
    this.realAt = this.base.now().getTime();
    this.currentSpeed = options.speed;
  }

  get speed(): number {
    return this.currentSpeed;
  }

  get paused(): boolean {
    return this.isPaused;
  }

  now(): Date {
    if (this.isPaused) return new Date(this.simAt);
    return new Date(this.simAt + (this.base.now().getTime() - this.realAt) * this.currentSpeed);
  }

  setSpeed(speed: number): void {
    checkSpeed(speed);
    this.rebase(() => {
      this.currentSpeed = speed;
    });
  }

  setPaused(paused: boolean): void {
    if (paused === this.isPaused) return;
    this.rebase(() => {
      this.isPaused = paused;
    });
  }

  setTimer(at: Date, fn: TimerCallback): TimerHandle {
    const timer: Pending = { at: at.getTime(), fn, base: undefined };
    this.pending.add(timer);
    this.arm(timer);
    return {
      cancel: () => {
        timer.base?.cancel();
        this.pending.delete(timer);
      },
    };
  }

  /** Starts a new segment at the current instant, applies `change`, and re-arms every pending timer. */
  private rebase(change: () => void): void {
    const sim = this.now().getTime();
    change();
    this.simAt = sim;
    this.realAt = this.base.now().getTime();
    for (const timer of this.pending) this.arm(timer);
  }

  private arm(timer: Pending): void {
    timer.base?.cancel();
    timer.base = undefined;
    if (this.isPaused) return;
    const real = this.realAt + Math.ceil((timer.at - this.simAt) / this.currentSpeed);
    timer.base = this.base.setTimer(new Date(Math.max(real, this.base.now().getTime())), () => {
      // Rounding may bring the real instant a fraction of a millisecond early: then wait again.
      if (this.now().getTime() < timer.at) return this.arm(timer);
      this.pending.delete(timer);
      return timer.fn();
    });
  }
}

function checkSpeed(speed: number): void {
  if (!(speed > 0) || !Number.isFinite(speed)) {
    throw new Error(`clock speed must be a positive number, got ${speed}`);
  }
}
