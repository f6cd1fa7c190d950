// The states of status.update (and of an UpdatePlan row) while an update is on its way: sent and not
// finished. A Scheduled retry is not in flight; Succeeded and Failed have finished.
import type { UpdateState } from './teamsdevice.js';

export const IN_FLIGHT_STATES = [
  'Sent',
  'Downloading',
  'Installing',
] as const satisfies readonly UpdateState[];
export type InFlightState = (typeof IN_FLIGHT_STATES)[number];

const IN_FLIGHT: ReadonlySet<string> = new Set(IN_FLIGHT_STATES);

export function isInFlightState(state: string): state is InFlightState {
  return IN_FLIGHT.has(state);
}
