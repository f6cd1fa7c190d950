// An aggregate controller (UpdatePlan, FirmwareRelease) hears its own status writes back through its
// informer. Reconciling at once on that echo re-decided the status over every device and wrote it again as
// soon as one more device had changed: with a plan over 2,000 devices updating, a write of a row per device
// several times a second, each costing the API server and the informers the whole object. The echo is
// handled like a device change (after AGGREGATE_DEBOUNCE_MS, so a burst of changes costs one write); a change
// a user makes (spec, labels, annotations, finalizers, deletion) is still reconciled at once.
import { jsonEqual } from '../core/shared/json-equal.js';

interface Metadata {
  generation?: number;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
}

/** Whether an update changed more of the object than its status. */
export function changedBeyondStatus(old: { metadata?: Metadata }, current: { metadata?: Metadata }): boolean {
  const a = old.metadata ?? {};
  const b = current.metadata ?? {};
  return (
    a.generation !== b.generation ||
    a.deletionTimestamp !== b.deletionTimestamp ||
    !jsonEqual(a.labels ?? {}, b.labels ?? {}) ||
    !jsonEqual(a.annotations ?? {}, b.annotations ?? {}) ||
    !jsonEqual(a.finalizers ?? [], b.finalizers ?? [])
  );
}
