import type { PrinterColumn } from '@teams-device-operator/apimachinery';
import type { TSchema } from 'typebox';

export type { PrinterColumn };

/** Everything the CRD of one kind is generated from. */
export interface KindDefinition {
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  scope: 'Namespaced' | 'Cluster';
  description: string;
  spec: TSchema;
  status: TSchema;
  printerColumns: PrinterColumn[];
}

export const AGE_COLUMN: PrinterColumn = {
  name: 'Age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
  description: 'Time since the object was created.',
};

export function readyColumn(priority = 1): PrinterColumn {
  return {
    name: 'Ready',
    type: 'string',
    jsonPath: '.status.conditions[?(@.type=="Ready")].status',
    description: 'Whether the Ready condition holds.',
    priority,
  };
}
