// Kubernetes timestamps: RFC 3339 in UTC with whole seconds (metav1.Time).
export type Now = () => Date;

export function rfc3339(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
