// Defaults and validates objects against the CRD schemas, as the API server would on create.

import { compileSchema, type FieldCause, rulesNotChecked } from '@teams-device-operator/apimachinery';
import { allCrds } from '../../api/v1alpha1/crds.js';

type Admitter = ReturnType<typeof compileSchema>;

export interface Admitted {
  object: Record<string, unknown>;
  /** `field: message` lines, one per problem. */
  problems: string[];
}

interface KindAdmitter {
  admitter: Admitter;
  /** Results by the object's JSON without its metadata; absent when the kind's rules read metadata. */
  memo?: Map<string, Admitted>;
}

let admitters: Map<string, KindAdmitter> | undefined;

/** True when a CEL rule of the schema may read the object's metadata (name, generateName). */
function rulesReadMetadata(schema: unknown): boolean {
  return /"rule":"(?:[^"\\]|\\.)*metadata/.test(JSON.stringify(schema));
}

function admitterFor(kind: string): KindAdmitter {
  if (!admitters) {
    admitters = new Map(
      allCrds().map((crd) => {
        const version = crd.spec.versions[0];
        if (!version) throw new Error(`CRD ${crd.metadata.name} has no version`);
        const schema = version.schema.openAPIV3Schema;
        const admitter = compileSchema(schema);
        return [
          crd.spec.names.kind,
          rulesReadMetadata(schema) ? { admitter } : { admitter, memo: new Map() },
        ];
      }),
    );
  }
  const admitter = admitters.get(kind);
  if (!admitter) throw new Error(`no CRD for kind ${kind}`);
  return admitter;
}

/** Distinct objects remembered per kind before the memo starts over. */
const MEMO_SIZE = 10_000;
/**
 * JSON that may stand for more than one value: `null` (NaN and ±Infinity print as null) and `-0` (prints
 * as 0). Such a key is not remembered; the word inside a string only costs the memo a hit.
 */
const AMBIGUOUS_JSON = /null|-0/;

function describeCause(cause: FieldCause): string {
  const message = cause.message.trim();
  const field = cause.field === '<nil>' ? '' : cause.field;
  if (field === '' || message.startsWith(`${field}:`) || message.startsWith(`${field} `)) {
    return message;
  }
  return `${field}: ${message}`;
}

/**
 * Preview sees one version of each object, so rules that compare with the previous version
 * (CEL transition rules) are skipped: a Basic Teams Rooms device that kept its Test phase is valid.
 */
export function admit(kind: string, object: Record<string, unknown>): Admitted {
  const { admitter, memo } = admitterFor(kind);
  // Admission reads all but the metadata, which is put back as read: devices of a fleet that differ in
  // their names and labels only are admitted once (their admitted spec and status are then one object).
  const key = memo === undefined ? undefined : JSON.stringify({ ...object, metadata: undefined });
  const known = key === undefined ? undefined : memo?.get(key);
  const admitted = known ?? admitWith(admitter, object);
  if (memo && key !== undefined && !known && !AMBIGUOUS_JSON.test(key)) {
    if (memo.size >= MEMO_SIZE) memo.clear();
    memo.set(key, admitted);
  }
  // metadata is not described by the CRD schema: keep it as read (name, namespace, labels, annotations).
  return { object: { ...admitted.object, metadata: object.metadata }, problems: admitted.problems };
}

function admitWith(admitter: Admitter, object: Record<string, unknown>): Admitted {
  const result = admitter.admit(object, { skipTransitionRules: true });
  // "some validation rules were not checked…" adds nothing to the causes printed above it.
  const skipped = rulesNotChecked().message;
  const problems = [
    ...result.causes.filter((cause) => cause.message !== skipped).map(describeCause),
    ...result.unknownFields.map((field) => `unknown field "${field}"`),
  ];
  return { object: result.object, problems: [...new Set(problems)] };
}
