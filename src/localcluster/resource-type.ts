// What the embedded control plane knows about one served resource: built-in kinds and CRD versions alike.
// Discovery, OpenAPI, Table output, validation and the REST handlers all read this one description.
import type { PrinterColumn } from '@teams-device-operator/apimachinery';

export type JsonObject = Record<string, unknown>;

export interface ResourceType {
  /** '' for the core group (served under /api/v1). */
  group: string;
  version: string;
  kind: string;
  listKind: string;
  /** The URL segment, e.g. 'teamsdevices'. */
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  /** Subresources served, e.g. ['status']. */
  subresources: string[];
  /** additionalPrinterColumns of a CRD; built-ins use the Table columns of table/builtin.ts. */
  printerColumns: PrinterColumn[];
  /** openAPIV3Schema of a CRD version; built-ins have none (stored as sent, like preserve-unknown-fields). */
  schema?: JsonObject;
  /** True for kinds compiled into the server; false for kinds served from a CustomResourceDefinition. */
  builtin: boolean;
}

export function groupVersion(type: Pick<ResourceType, 'group' | 'version'>): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}
