import { hash } from 'node:crypto';
import { MS_PER_DAY, MS_PER_MINUTE } from '../shared/instant.js';

/**
 * The device's place in the gradual rollout of a release (rule 6): a stable offset in
 * [0, rolloutSpreadDays) days, whole minutes, from a SHA-256 of (deviceId, release name). The same inputs
 * always give the same offset, so a restart never reshuffles devices; 0 days gives 0.
 */
export function spreadOffsetMs(deviceId: string, releaseName: string, rolloutSpreadDays: number): number {
  if (!(rolloutSpreadDays > 0)) return 0;
  const digest = hash('sha256', `${deviceId}\u0000${releaseName}`, 'buffer');
  const fraction = digest.readUIntBE(0, 6) / 2 ** 48; // [0, 1)
  const minutes = Math.floor((rolloutSpreadDays * MS_PER_DAY) / MS_PER_MINUTE);
  return Math.floor(fraction * minutes) * MS_PER_MINUTE;
}
