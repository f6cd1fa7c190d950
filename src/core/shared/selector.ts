import type { LabelSelector as LabelSelectorSchema, Static } from '../../api/v1alpha1/schema-kit.js';

export type LabelSelector = Static<typeof LabelSelectorSchema>;

/**
 * metav1.LabelSelector semantics: every matchLabels pair and every matchExpressions requirement must hold
 * (In: the label is one of values; NotIn: absent or not one of values; Exists; DoesNotExist). An empty
 * selector matches every object.
 */
export function matchesSelector(
  labels: Record<string, string> | undefined,
  selector: LabelSelector,
): boolean {
  const have = labels ?? {};
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (have[key] !== value) return false;
  }
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const present = Object.hasOwn(have, key);
    const value = have[key];
    const ok =
      operator === 'In'
        ? present && values.includes(value as string)
        : operator === 'NotIn'
          ? !present || !values.includes(value as string)
          : operator === 'Exists'
            ? present
            : !present;
    if (!ok) return false;
  }
  return true;
}
