// Write rules of CustomResourceDefinitions (validation, defaults, the status the apiextensions controllers
// would set) and of the custom resources they define (schema validation, defaulting and pruning).
import { compileSchema, type SchemaValidator } from '@teams-device-operator/apimachinery';
import type { StatusCause } from '../errors.js';
import type { JsonObject, ResourceType } from '../resource-type.js';
import { type Behavior, DEFAULT_BEHAVIOR } from '../rest/behavior.js';
import { isObject, metadataOf } from '../util/json.js';
import { rfc3339 } from '../util/time.js';

const validators = new Map<string, SchemaValidator>();

/** One compiled validator per distinct schema (compiling CEL rules is the expensive part). */
export function validatorFor(schema: JsonObject): SchemaValidator {
  const key = JSON.stringify(schema);
  let validator = validators.get(key);
  if (!validator) {
    if (validators.size > 256) validators.clear();
    validator = compileSchema(schema);
    validators.set(key, validator);
  }
  return validator;
}

export function customResourceBehavior(type: ResourceType): Behavior {
  const validator = type.schema ? validatorFor(type.schema) : undefined;
  return {
    ...DEFAULT_BEHAVIOR,
    generation: true,
    returnDeletedObject: true,
    allowUnconditionalUpdate: false,
    strategicMerge: false,
    ...(validator
      ? {
          // A create hands over the REST layer's own copy of the request's object; an update's object may
          // share parts with `old` (patches), so it is copied.
          admit: (obj: JsonObject, old: JsonObject | undefined) => {
            const result = validator.admit(obj, old ? { old } : { inPlace: true });
            return {
              object: result.object,
              causes: result.causes,
              unknownFields: result.unknownFields,
              warnings: result.warnings,
            };
          },
        }
      : {}),
  };
}

interface Version {
  name?: unknown;
  served?: unknown;
  storage?: unknown;
  schema?: { openAPIV3Schema?: unknown };
}

function versionsOf(spec: JsonObject): Version[] {
  return Array.isArray(spec.versions) ? (spec.versions.filter(isObject) as Version[]) : [];
}

function defaultCrd(obj: JsonObject): void {
  const spec = isObject(obj.spec) ? obj.spec : {};
  obj.spec = spec;
  const names = isObject(spec.names) ? spec.names : {};
  spec.names = names;
  if (typeof names.kind === 'string') {
    names.singular ??= names.kind.toLowerCase();
    names.listKind ??= `${names.kind}List`;
  }
  spec.conversion ??= { strategy: 'None' };
}

function crdCauses(obj: JsonObject, old: JsonObject | undefined): StatusCause[] {
  const causes: StatusCause[] = [];
  const spec = isObject(obj.spec) ? obj.spec : {};
  const names = isObject(spec.names) ? spec.names : {};
  const required = (field: string) =>
    causes.push({ reason: 'FieldValueRequired', message: 'Required value', field });
  if (typeof spec.group !== 'string' || spec.group === '') required('spec.group');
  if (typeof names.plural !== 'string' || names.plural === '') required('spec.names.plural');
  if (typeof names.kind !== 'string' || names.kind === '') required('spec.names.kind');
  const name = metadataOf(obj).name;
  if (
    typeof spec.group === 'string' &&
    typeof names.plural === 'string' &&
    name !== `${names.plural}.${spec.group}`
  ) {
    causes.push({
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${JSON.stringify(name)}: must be spec.names.plural+"."+spec.group`,
      field: 'metadata.name',
    });
  }
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') {
    causes.push({
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: ${JSON.stringify(spec.scope ?? '')}: supported values: "Cluster", "Namespaced"`,
      field: 'spec.scope',
    });
  }
  const oldSpec = old && isObject(old.spec) ? old.spec : undefined;
  if (oldSpec && oldSpec.scope !== spec.scope) {
    causes.push({
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${JSON.stringify(spec.scope)}: field is immutable`,
      field: 'spec.scope',
    });
  }
  const versions = versionsOf(spec);
  if (versions.length === 0) {
    causes.push({
      reason: 'FieldValueInvalid',
      message: 'Invalid value: must have exactly one version marked as storage version',
      field: 'spec.versions',
    });
    return causes;
  }
  if (versions.filter((v) => v.storage === true).length !== 1) {
    causes.push({
      reason: 'FieldValueInvalid',
      message: 'Invalid value: must have exactly one version marked as storage version',
      field: 'spec.versions',
    });
  }
  versions.forEach((version, i) => {
    const schema = version.schema?.openAPIV3Schema;
    const field = `spec.versions[${i}].schema.openAPIV3Schema`;
    if (!isObject(schema)) {
      causes.push({ reason: 'FieldValueRequired', message: 'Required value: schemas are required', field });
      return;
    }
    for (const problem of validatorFor(schema).problems) {
      causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${problem}`, field });
    }
  });
  return causes;
}

function condition(
  type: string,
  reason: string,
  message: string,
  now: string,
  old: JsonObject[],
): JsonObject {
  const previous = old.find((c) => c.type === type && c.status === 'True');
  return { type, status: 'True', lastTransitionTime: previous?.lastTransitionTime ?? now, reason, message };
}

/** The status the apiextensions controllers converge to, set in the same write. */
function crdStatus(obj: JsonObject, oldStatus: JsonObject | undefined, now: Date): JsonObject {
  const spec = isObject(obj.spec) ? obj.spec : {};
  const storage = versionsOf(spec).find((v) => v.storage === true)?.name;
  const stored = Array.isArray(oldStatus?.storedVersions) ? [...(oldStatus.storedVersions as string[])] : [];
  if (typeof storage === 'string' && !stored.includes(storage)) stored.push(storage);
  const oldConditions = Array.isArray(oldStatus?.conditions) ? oldStatus.conditions.filter(isObject) : [];
  const time = rfc3339(now);
  return {
    acceptedNames: spec.names ?? {},
    storedVersions: stored,
    conditions: [
      condition('NamesAccepted', 'NoConflicts', 'no conflicts found', time, oldConditions),
      condition(
        'Established',
        'InitialNamesAccepted',
        'the initial names have been accepted',
        time,
        oldConditions,
      ),
    ],
  };
}

export const CRD_BEHAVIOR: Behavior = {
  ...DEFAULT_BEHAVIOR,
  generation: true,
  returnDeletedObject: true,
  strategicMerge: true,
  prepareCreate(obj, ctx) {
    defaultCrd(obj);
    obj.status = crdStatus(obj, undefined, ctx.now());
  },
  prepareUpdate(obj, old, ctx) {
    defaultCrd(obj);
    if (metadataOf(obj).deletionTimestamp === undefined) {
      obj.status = crdStatus(obj, isObject(old.status) ? old.status : undefined, ctx.now());
    }
  },
  admit(obj, old) {
    return { object: obj, causes: crdCauses(obj, old), unknownFields: [] };
  },
};
