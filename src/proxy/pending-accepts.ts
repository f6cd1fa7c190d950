// The `accepted` events a proxy holds back for a moment. A command that finishes at once (the artifact
// cached, download and install time zero) would cost the broker and the operator an `accepted` that says
// nothing its final event does not: it is left out, and the final event is the first and only one. A command
// still running after the grace gets its `accepted`, before any later event of it (release()), so the events
// of a command always come in their order.
//
// The operator frees a command's pacing slot on its first event, whichever it is, so a folded `accepted`
// holds the slot only until the final event (a few tens of milliseconds: the ledger write).

import { type Clock, setTimerIn, type TimerHandle } from '../runtime/clock.js';
import type { CommandEvent } from '../transport/protocol.js';

/** How long an `accepted` waits for its command to finish; a command finishing later gets one. */
export const ACCEPT_GRACE_MS = 25;

interface Pending {
  deviceId: string;
  event: CommandEvent;
  /** Real ms when it was held. */
  at: number;
}

export class PendingAccepts {
  private readonly pending = new Map<string, Pending>();
  private timer: TimerHandle | undefined;

  constructor(
    /** Real time: the grace is real whatever the simulated clock does. */
    private readonly clock: Clock,
    private readonly publish: (deviceId: string, event: CommandEvent) => void,
    private readonly graceMs = ACCEPT_GRACE_MS,
  ) {}

  /** Holds the `accepted` of a command just taken. */
  hold(deviceId: string, event: CommandEvent): void {
    this.pending.set(event.commandId, { deviceId, event, at: this.now() });
    this.arm(this.graceMs);
  }

  /**
   * Another event of the command is about to go out (or the command came again): its `accepted`, if still
   * held, goes now. Returns whether one was.
   */
  release(commandId: string): boolean {
    const held = this.pending.get(commandId);
    if (!held) return false;
    this.pending.delete(commandId);
    this.publish(held.deviceId, held.event);
    return true;
  }

  /** The command finished within the grace (or is forgotten): its `accepted` is never published. */
  drop(commandId: string): void {
    this.pending.delete(commandId);
  }

  /** Forgets everything held (the proxy stops). */
  clear(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.pending.clear();
  }

  private arm(ms: number): void {
    this.timer ??= setTimerIn(this.clock, ms, () => {
      this.timer = undefined;
      this.flush();
    });
  }

  /** Publishes what has waited its grace out (the map is in the order held), and waits for the rest. */
  private flush(): void {
    const due = this.now() - this.graceMs;
    for (const [commandId, held] of this.pending) {
      if (held.at > due) {
        this.arm(held.at - due);
        return;
      }
      this.pending.delete(commandId);
      this.publish(held.deviceId, held.event);
    }
  }

  private now(): number {
    return this.clock.now().getTime();
  }
}
