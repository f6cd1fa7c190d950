import type { TeamsDeviceSpec } from '../api/v1alpha1/teamsdevice.js';

/** The message of the CRD's CEL rule on spec.firmwareAutoUpdate.phase (kept equal by a test). */
export const BASIC_PHASE_MESSAGE =
  'phase assignment is a Teams Rooms Pro feature: a Basic TeamsRoomsAndroid device is created in General ' +
  'and keeps the phase it already had; change license to Pro to choose its phase';

type PhaseFields = Pick<TeamsDeviceSpec, 'type' | 'license' | 'firmwareAutoUpdate'>;

/**
 * The Basic license rule of TeamsDevice (rule 10), as the API server's CEL transition rule decides it:
 * a Basic TeamsRoomsAndroid device is created in General, and keeps its phase while it is Basic (including
 * a phase it had as Pro before becoming Basic). Other types, and Pro devices, may choose any phase.
 * `old` is the spec before the change, undefined on create. Returns null when allowed, else the message.
 */
export function checkPhaseChange(old: PhaseFields | undefined, next: PhaseFields): string | null {
  if (next.type !== 'TeamsRoomsAndroid' || next.license !== 'Basic') return null;
  const allowed = old
    ? next.firmwareAutoUpdate.phase === old.firmwareAutoUpdate.phase
    : next.firmwareAutoUpdate.phase === 'General';
  return allowed ? null : BASIC_PHASE_MESSAGE;
}
