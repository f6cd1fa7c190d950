// Kubernetes timestamps: metav1.Time is RFC 3339 in whole seconds, metav1.MicroTime has six fractional digits.
import { toIsoSeconds } from '../core/shared/instant.js';

/** metav1.Time: 'YYYY-MM-DDTHH:MM:SSZ'. */
export function formatTime(date: Date): string {
  return toIsoSeconds(date);
}

/** metav1.MicroTime: 'YYYY-MM-DDTHH:MM:SS.ffffffZ' (a Date holds milliseconds; the rest is zeros). */
export function formatMicroTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
