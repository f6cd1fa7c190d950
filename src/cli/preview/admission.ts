// Defaults and validates objects against the CRD schemas, as the API server would on create.

import { compileSchema, type FieldCause, rulesNotChecked } from '@teams-device-operator/apimachinery';
import { allCrds } from '../../api/v1alpha1/crds.js';

type Admitter = ReturnType<typeof compileSchema>;

export interface Admitted {
  object: Record<string, unknown>;
  /** `field: message` lines, one per problem. */
  problems: string[];
}

let admitters: Map<string, Admitter> | undefined;

function admitterFor(kind: string): Admitter {
  if (!admitters) {
    admitters = new Map(
      allCrds().map((crd) => {
        const version = crd.spec.versions[0];
        if (!version) throw new Error(`CRD ${crd.metadata.name} has no version`);
        return [crd.spec.names.kind, compileSchema(version.schema.openAPIV3Schema)];
      }),
    );
  }
  const admitter = admitters.get(kind);
  if (!admitter) throw new Error(`no CRD for kind ${kind}`);
  return admitter;
}

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
  const result = admitterFor(kind).admit(object, { skipTransitionRules: true });
  // "some validation rules were not checked…" adds nothing to the causes printed above it.
  const skipped = rulesNotChecked().message;
  const problems = [
    ...result.causes.filter((cause) => cause.message !== skipped).map(describeCause),
    ...result.unknownFields.map((field) => `unknown field "${field}"`),
  ];
  // metadata is not described by the CRD schema: keep it as read (name, namespace, labels, annotations).
  return { object: { ...result.object, metadata: object.metadata }, problems: [...new Set(problems)] };
}
