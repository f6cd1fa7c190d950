// notAfter of an update command: the last instant its proxy may start it. A proxy that receives it later
// rejects it, so a command delayed on its way (a broker or proxy outage, a queue) never starts an automatic
// installation inside business hours or a blackout, nor any installation long after it was decided.
import type { WindowRules } from '../rules/windows.js';
import { nextForbiddenInstant } from '../rules/windows.js';
import { MS_PER_MINUTE } from '../shared/instant.js';
import { AUTO_SOURCE, type UpdateSource } from './history.js';

/** How long a command may wait for its proxy, at most, before the proxy must reject it. */
export const COMMAND_TTL_MS = 60 * MS_PER_MINUTE;

/**
 * notAfter of a command sent at `now`: for an automatic update the end of the allowed window it is sent in
 * (the next instant business hours or a blackout forbid it, in the device's zone), capped at now +
 * COMMAND_TTL_MS; for an UpdatePlan (immediate or scheduled, windows ignored: rule 9) now + COMMAND_TTL_MS.
 */
export function commandNotAfter(source: UpdateSource, rules: WindowRules, now: Date): Date {
  const cap = new Date(now.getTime() + COMMAND_TTL_MS);
  if (source !== AUTO_SOURCE) return cap;
  try {
    return nextForbiddenInstant(now, cap, rules) ?? cap;
  } catch {
    // Unreadable windows send no automatic update at all (eligibility); nothing narrower to say here.
    return cap;
  }
}
