// The message of kube-apiserver's 422 Invalid (apimachinery api/errors.NewInvalid).
import { goQuote } from './go-format.js';
import type { FieldCause } from './types.js';

/**
 * `TeamsDevice.teamsdevices.io "p1" is invalid: spec.type: Unsupported value: ...`; several causes are
 * joined as `[a, b]` and repeated ones printed once, like an aggregated field.ErrorList.
 * `group` is the API group (`teamsdevices.io`); '' for the core group.
 */
export function formatInvalidMessage(
  kind: string,
  group: string,
  name: string,
  causes: FieldCause[],
): string {
  const qualified = group === '' ? kind : `${kind}.${group}`;
  const head = `${qualified} ${goQuote(name)} is invalid`;
  const errors = [...new Set(causes.map((c) => `${c.field}: ${c.message}`))];
  if (errors.length === 0) return head;
  return errors.length === 1 ? `${head}: ${errors[0]}` : `${head}: [${errors.join(', ')}]`;
}
