// What differs between kinds when objects are written: the hooks of kube-apiserver's per-kind "strategies".
import type { NameRule } from '../builtin/names.js';
import type { StatusCause } from '../errors.js';
import type { JsonObject } from '../resource-type.js';
import type { Store } from '../store/store.js';

export interface AdmissionContext {
  now(): Date;
  store: Store;
  /** A free Service cluster IP. */
  allocateClusterIP(): string;
}

export interface Admitted {
  /** The object to store: defaulted and pruned. */
  object: JsonObject;
  causes: StatusCause[];
  /** Paths of fields the schema does not know (dropped), e.g. `spec.foo`. */
  unknownFields: string[];
  /** Warnings for the client (a Warning header each). */
  warnings?: string[];
}

export interface Behavior {
  /** metadata.generation starts at 1 and is bumped when anything outside metadata and status changes. */
  generation: boolean;
  nameRule: NameRule;
  /** DELETE answers with the object instead of a `Status` of Success. */
  returnDeletedObject: boolean;
  /** PUT of a missing object creates it. */
  allowCreateOnUpdate: boolean;
  /** PUT without metadata.resourceVersion is accepted. */
  allowUnconditionalUpdate: boolean;
  /** Strategic merge patch is accepted (built-in kinds only). */
  strategicMerge: boolean;
  /** Create: defaults and server-set fields (status was already dropped when it is a subresource). */
  prepareCreate?(obj: JsonObject, ctx: AdmissionContext): void;
  /** Update of the main resource: defaults and fields the server keeps (status is already the old one). */
  prepareUpdate?(obj: JsonObject, old: JsonObject, ctx: AdmissionContext): void;
  /** Validation; for custom resources also defaulting and pruning from the schema. */
  admit?(obj: JsonObject, old: JsonObject | undefined, ctx: AdmissionContext): Admitted;
}

export const DEFAULT_BEHAVIOR: Behavior = {
  generation: false,
  nameRule: 'subdomain',
  returnDeletedObject: false,
  allowCreateOnUpdate: false,
  allowUnconditionalUpdate: true,
  strategicMerge: true,
};
