// The one Clock interface, as a type only: decisions take `now` as an argument, while the I/O layers (k8s
// wrappers, the runtime) are handed a Clock. It lives here, below both, so src/k8s never imports src/runtime;
// the implementations (RealClock, FakeClock, the accelerated clock) are in src/runtime/clock.ts.

/** What a timer runs. A returned promise is awaited by FakeClock; the callback owns its errors. */
export type TimerCallback = () => void | Promise<void>;

export interface TimerHandle {
  /** Stops the timer; a no-op once it has fired. */
  cancel(): void;
}

export interface Clock {
  now(): Date;
  /** Runs `fn` once the clock reaches `at` (soon, if `at` has passed). Never early. */
  setTimer(at: Date, fn: TimerCallback): TimerHandle;
}
