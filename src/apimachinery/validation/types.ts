// The shapes the validator hands back, worded as kube-apiserver words them (metav1.StatusCause).

/** `field.ErrorType` of k8s.io/apimachinery, as it appears in a StatusCause's `reason`. */
export type CauseReason =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTypeInvalid'
  | 'FieldValueDuplicate'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueUnknown';

export interface FieldCause {
  /** Kubernetes field path, e.g. `spec.updates[0].component`; `<nil>` for a cause without a field. */
  field: string;
  reason: CauseReason;
  /** The error body as kube-apiserver words it, e.g. `Required value`. */
  message: string;
}

export interface AdmitResult {
  /** The pruned and defaulted copy of the object. */
  object: Record<string, unknown>;
  /** Why the object is refused; empty when it is accepted. */
  causes: FieldCause[];
  /** Paths of the fields pruned because the schema does not know them, e.g. `spec.foo`. */
  unknownFields: string[];
  /**
   * Errors ratcheted on update (`field: message`): a CEL rule failing on a value the update did not
   * change is reported here instead of refusing the update, as kube-apiserver does in a Warning header.
   */
  warnings: string[];
}

export interface AdmitOptions {
  /** The stored object on update: enables transition rules (`oldSelf`) and ratcheting. */
  old?: Record<string, unknown>;
  /** Skip every rule that mentions `oldSelf`, for callers that see only one version of an object. */
  skipTransitionRules?: boolean;
  /**
   * `object` is the caller's own copy (an API server's freshly decoded request body): prune and default it in
   * place instead of copying it first.
   */
  inPlace?: boolean;
}

export interface SchemaValidator {
  /** Prunes, defaults and validates `object` (not mutated unless `inPlace`; the result is returned). */
  admit(object: Record<string, unknown>, options?: AdmitOptions): AdmitResult;
  /** Rules that do not compile (`path: rule: error`); kube-apiserver refuses such a CRD. */
  readonly problems: readonly string[];
}
