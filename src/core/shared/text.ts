// A version read from an annotation or a report: blank and absent mean the same (not known), so the
// device view and the simulator fall through to the next source on either.

/** The trimmed text, or null when it is absent or only whitespace. */
export function nonEmpty(value: string | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}
