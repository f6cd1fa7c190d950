// Kubernetes timestamps: RFC 3339 in UTC with whole seconds (metav1.Time), cached per second.
import { toIsoSeconds } from '@teams-device-operator/apimachinery';

export type Now = () => Date;

// Writes come by the thousand per second: the text of the current second is computed once.
let cachedSecond = Number.NaN;
let cachedText = '';

export function rfc3339(date: Date): string {
  const ms = date.getTime();
  const second = Math.floor(ms / 1000);
  if (second === cachedSecond) return cachedText;
  if (Number.isNaN(ms)) return toIsoSeconds(date); // throws RangeError, as before
  cachedText = toIsoSeconds(date);
  cachedSecond = second;
  return cachedText;
}
