// Kubernetes timestamps: metav1.Time is RFC 3339 in whole seconds, metav1.MicroTime has six fractional digits.
// metav1.Time is toIsoSeconds (src/core/shared/instant.ts), the one format status and Events share.

/** metav1.MicroTime: 'YYYY-MM-DDTHH:MM:SS.ffffffZ' (a Date holds milliseconds; the rest is zeros). */
export function formatMicroTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
