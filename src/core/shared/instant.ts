// Small helpers over instants; no clock here, every `now` is passed in. The time constants of the product
// live here, once.

export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

/**
 * metav1.Time: ISO 8601 in UTC with whole seconds and a Z suffix, as status, Events and the timeline print it:
 * 2026-12-05T17:00:00Z.
 */
export { toIsoSeconds } from '@teams-device-operator/apimachinery';

export function later(a: Date, b: Date): Date {
  return a.getTime() >= b.getTime() ? a : b;
}

export function earlier(a: Date, b: Date): Date {
  return a.getTime() <= b.getTime() ? a : b;
}
