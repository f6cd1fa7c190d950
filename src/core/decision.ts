// The one shape every decide* of src/core returns, so the controllers apply it the same way: the status to
// write, the Events to record once it is written, and when to look again. `requeueAfterMs` is absent when
// nothing changes by itself; a decision that knows an instant turns it into milliseconds with requeueAfter.

/** An Event a decision asks for; recorded after the status write. */
export interface StatusEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export interface Decision<Status> {
  status: Status;
  events: StatusEvent[];
  /** Milliseconds until the next instant at which the decision changes by itself (a due time, a phase start). */
  requeueAfterMs?: number;
}

/** `{ requeueAfterMs }` for the instant `at` (0 when it has passed), or nothing when there is none. */
export function requeueAfter(at: Date | null | undefined, now: Date): { requeueAfterMs?: number } {
  return at ? { requeueAfterMs: Math.max(0, at.getTime() - now.getTime()) } : {};
}
