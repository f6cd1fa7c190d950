// Small builders over TypeBox that emit only what a Kubernetes structural schema accepts
// (every node typed, enums as `type: string` + `enum`, maps as `additionalProperties`, no `const`/`anyOf`).
// The schema is the single source: the TypeScript types are derived from it with `Static`.
import Type, { type TSchema } from 'typebox';

export type { Static, TSchema } from 'typebox';
export { Type };

type Extra = Record<string, unknown>;

export function text(description: string, extra: Extra = {}) {
  return Type.String({ description, ...extra });
}

export function stringEnum<const T extends readonly string[]>(
  values: T,
  description: string,
  extra: Extra = {},
) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], description, ...extra });
}

export function integer(description: string, extra: Extra = {}) {
  return Type.Integer({ description, ...extra });
}

export function bool(description: string, extra: Extra = {}) {
  return Type.Boolean({ description, ...extra });
}

export function timestamp(description: string, extra: Extra = {}) {
  return Type.String({ description, format: 'date-time', ...extra });
}

/** A field that is `null` when it does not apply (the CRD says `nullable: true`). */
export function nullable<S extends TSchema>(schema: S) {
  return Type.Unsafe<import('typebox').Static<S> | null>({ ...schema, nullable: true });
}

export function stringMap(description: string) {
  return Type.Unsafe<Record<string, string>>({
    type: 'object',
    description,
    additionalProperties: { type: 'string' },
  });
}

export function stringSet<S extends TSchema = ReturnType<typeof Type.String>>(
  description: string,
  items: S = Type.String() as unknown as S,
  extra: Extra = {},
) {
  return Type.Array(items, { description, 'x-kubernetes-list-type': 'set', ...extra });
}

/** A list whose items are merged by key under server-side apply. */
export function keyedList<S extends TSchema>(
  items: S,
  keys: string[],
  description: string,
  extra: Extra = {},
) {
  return Type.Array(items, {
    description,
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': keys,
    ...extra,
  });
}

export interface CelRule {
  rule: string;
  message: string;
  fieldPath?: string;
  reason?: 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';
  optionalOldSelf?: boolean;
}

export function celRules(...rules: CelRule[]): Extra {
  return { 'x-kubernetes-validations': rules };
}

/** metav1.Condition, as every status of this API carries it. */
export const Condition = Type.Object(
  {
    type: text(
      'Type of condition in CamelCase, e.g. Ready, Online, UpdateAvailable, Updating, AutoUpdateBlocked.',
    ),
    status: stringEnum(
      ['True', 'False', 'Unknown'] as const,
      'Status of the condition: True, False or Unknown.',
    ),
    reason: text('Machine-readable CamelCase reason for the last transition.'),
    message: Type.Optional(text('Human-readable details about the last transition.')),
    lastTransitionTime: timestamp('When the condition last changed status.'),
    observedGeneration: Type.Optional(
      integer('The metadata.generation the condition was computed from.', { minimum: 0 }),
    ),
  },
  { description: 'A condition in the shape of metav1.Condition.' },
);

export function conditions(description = 'Current state as conditions; every resource has Ready.') {
  return keyedList(Condition, ['type'], description);
}

export function observedGeneration() {
  return integer('The metadata.generation the operator last acted on.', { minimum: 0 });
}

/** A standard label selector (metav1.LabelSelector). */
export const LabelSelector = Type.Object(
  {
    matchLabels: Type.Optional(stringMap('Labels that a device must carry, all of them (AND).')),
    matchExpressions: Type.Optional(
      Type.Array(
        Type.Object({
          key: text('The label key the requirement applies to.'),
          operator: stringEnum(
            ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const,
            'How the key relates to the values.',
          ),
          values: Type.Optional(Type.Array(Type.String(), { description: 'Values for In and NotIn.' })),
        }),
        { description: 'Set-based label requirements, all of which must hold (AND).' },
      ),
    ),
  },
  {
    description: 'A label selector over TeamsDevices in the same namespace.',
    'x-kubernetes-map-type': 'atomic',
  },
);

/** Top-level shape shared by every kind: apiVersion/kind/metadata come from Kubernetes itself. */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: Array<{
    apiVersion: string;
    kind: string;
    name: string;
    uid: string;
    controller?: boolean;
    blockOwnerDeletion?: boolean;
  }>;
}

export const GROUP = 'teamsdevices.io';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;
