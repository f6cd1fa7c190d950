// Kubernetes timestamps: RFC 3339 in UTC with whole seconds (metav1.Time).
export type Now = () => Date;

// Writes come by the thousand per second: the text of the current second is computed once.
let cachedSecond = Number.NaN;
let cachedText = '';

export function rfc3339(date: Date): string {
  const ms = date.getTime();
  const second = Math.floor(ms / 1000);
  if (second === cachedSecond) return cachedText;
  if (Number.isNaN(ms)) return `${date.toISOString().slice(0, 19)}Z`; // throws RangeError, as before
  cachedText = `${date.toISOString().slice(0, 19)}Z`;
  cachedSecond = second;
  return cachedText;
}
