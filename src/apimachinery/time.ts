// metav1.Time on the wire: RFC 3339 in UTC with whole seconds, as kube-apiserver writes creationTimestamp.

/** ISO 8601 in UTC with seconds and a Z suffix: 2026-12-05T17:00:00Z. */
export function toIsoSeconds(instant: Date): string {
  return `${instant.toISOString().slice(0, 19)}Z`;
}
