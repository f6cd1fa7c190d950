// The generic apiextensions machinery shared by the embedded control plane and the product's `preview`:
// structural schemas (prune, default, validate, CEL), field causes and their messages, JSON helpers,
// the metav1.Time format and the CRD printer column. Knows no product kind.

export type { PrinterColumn } from './printer-column.js';
export { toIsoSeconds } from './time.js';
export { deepCopy, deepEqual, deepFreeze, isObject } from './validation/deep.js';
export { rulesNotChecked } from './validation/field-errors.js';
export {
  type AdmitOptions,
  type AdmitResult,
  ANNOTATIONS_SIZE_LIMIT,
  type CauseReason,
  compileSchema,
  type FieldCause,
  formatInvalidMessage,
  type GoStruct,
  type GoType,
  goTypeError,
  objectMetaTypeError,
  type SchemaValidator,
  validateMetadataFields,
  validateObjectMeta,
  validateObjectName,
} from './validation/index.js';
