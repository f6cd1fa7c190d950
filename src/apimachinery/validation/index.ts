// A validator for one CRD version's openAPIV3Schema with kube-apiserver's semantics: prune unknown
// fields, default, validate the schema, the list types and the CEL rules. Generic over any structural
// schema; used by `preview` and by the embedded API server.

import { validateRules } from './cel-validate.js';
import { CelValues } from './cel-values.js';
import { deepCopy } from './deep.js';
import { applyDefaults } from './defaults.js';
import { isBlocking, rulesNotChecked } from './field-errors.js';
import { validateListTypes } from './list-type.js';
import { validateSchema } from './openapi.js';
import { prune, pruneNulls } from './prune.js';
import { compileNode } from './schema.js';
import type { AdmitOptions, AdmitResult, SchemaValidator } from './types.js';

export { type GoStruct, type GoType, goTypeError, objectMetaTypeError } from './go-decode.js';
export { formatInvalidMessage } from './messages.js';
export { validateObjectMeta, validateObjectName } from './names.js';
export { ANNOTATIONS_SIZE_LIMIT, validateMetadataFields } from './object-meta.js';
export type { AdmitOptions, AdmitResult, CauseReason, FieldCause, SchemaValidator } from './types.js';

/** Compiles the schema (and its CEL rules) once; `admit` is then cheap enough for every request. */
export function compileSchema(openAPIV3Schema: Record<string, unknown>): SchemaValidator {
  const problems: string[] = [];
  const root = compileNode(openAPIV3Schema, 'openAPIV3Schema', problems, true);
  return {
    problems,
    admit(object: Record<string, unknown>, options: AdmitOptions = {}): AdmitResult {
      const { old, skipTransitionRules = false, inPlace = false } = options;
      const copy = inPlace ? object : deepCopy(object);
      const unknownFields: string[] = [];
      prune(copy, root, '', unknownFields);
      pruneNulls(copy, root);
      applyDefaults(copy, root);

      const causes = validateSchema(root, copy, old === undefined ? undefined : { value: old });
      // on update, list uniqueness is only enforced when the old object already honoured it
      if (root.hasListTypes && (old === undefined || validateListTypes(root, old).length === 0)) {
        causes.push(...validateListTypes(root, copy));
      }
      const warnings: string[] = [];
      if (root.hasRules) {
        // as kube-apiserver: after a blocking error no rule runs, and a cause says so
        if (causes.some(isBlocking)) {
          causes.push(rulesNotChecked());
        } else {
          validateRules(root, copy, old, { causes, warnings, values: new CelValues(), skipTransitionRules });
        }
      }
      return { object: copy, causes, unknownFields: unknownFields.sort(), warnings };
    },
  };
}
