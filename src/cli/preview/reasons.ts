// The table says why an update will not happen, not only its code: the one-line explanation is the one
// written beside the reason in the API's reasons table.
import { BLOCKED_REASON_EXPLANATIONS } from '../../api/v1alpha1/index.js';

/** `Reason (source): what it means`, the reason as the core gives it, explained when it is a known code. */
export function explainReason(reason: string, source: string): string {
  const explanation = (BLOCKED_REASON_EXPLANATIONS as Record<string, string>)[reason];
  return explanation === undefined ? `${reason} (${source})` : `${reason} (${source}): ${explanation}`;
}
