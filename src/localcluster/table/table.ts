// meta.k8s.io/v1 Table, the server-side printing that `kubectl get` asks for. Custom resources get Name and
// their additionalPrinterColumns evaluated like apiextensions-apiserver does (the first JSONPath result, typed
// by the column; nothing found -> a null cell, which kubectl prints blank); built-in kinds get the columns of
// kube-apiserver's printers (builtin.ts). All columns are sent, priority > 0 included: kubectl itself
// hides those unless `-o wide`, and it sends nothing that tells the server which one the user asked for.
import type { PrinterColumn } from '@teams-device-operator/apimachinery';
import { parseAccept } from '../discovery.js';
import type { JsonObject, ResourceType } from '../resource-type.js';
import { BUILTIN_TABLES, type TableColumn } from './builtin.js';
import { AGE_DESCRIPTION, createdAtColumn, humanDuration, NAME_COLUMN } from './format.js';
import { evaluateJsonPath, JsonPathError } from './jsonpath.js';

export { humanDuration };

export const TABLE_CONTENT_TYPE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

/** True when the Accept header asks for a meta.k8s.io/v1 Table (kubectl get's first choice). */
export function wantsTable(acceptHeader: string | undefined): boolean {
  return parseAccept(acceptHeader).some(
    (r) =>
      r.type === 'application/json' &&
      r.params.as === 'Table' &&
      r.params.g === 'meta.k8s.io' &&
      r.params.v === 'v1',
  );
}

export interface TableOptions {
  /** Whether to include priority > 0 columns. Defaults to true, as kube-apiserver (kubectl filters them). */
  wide?: boolean;
  /** What each row carries as `object` (the includeObject query parameter); default Metadata. */
  includeObject?: 'Object' | 'Metadata' | 'None';
  resourceVersion?: string;
  continueToken?: string;
  now: Date;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** A cell as apiextensions-apiserver computes it from the first value the column's JSONPath finds. */
export function printerCell(column: PrinterColumn, object: unknown, now: Date): unknown {
  let results: unknown[];
  try {
    results = evaluateJsonPath(object, column.jsonPath);
  } catch (err) {
    if (err instanceof JsonPathError) return null;
    throw err;
  }
  if (results.length === 0) return null;
  const value = results[0];
  if (value === null || value === undefined) return null;
  switch (column.type) {
    case 'string':
      if (typeof value === 'string') return value;
      if (typeof value === 'object') return JSON.stringify(value);
      return String(value);
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date':
      if (typeof value !== 'string') return null;
      if (value === '') return '<unknown>';
      if (!RFC3339.test(value)) return '<invalid>';
      return humanDuration(now.getTime() - Date.parse(value));
  }
}

function customColumns(type: ResourceType): TableColumn[] {
  const printerColumns: PrinterColumn[] =
    type.printerColumns.length > 0
      ? type.printerColumns
      : [
          {
            name: 'Age',
            type: 'date',
            jsonPath: '.metadata.creationTimestamp',
            description: AGE_DESCRIPTION,
          },
        ];
  return [
    NAME_COLUMN,
    ...printerColumns.map(
      (c): TableColumn => ({
        definition: {
          name: c.name,
          type: c.type,
          format: c.format ?? '',
          description:
            c.description || `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
          priority: c.priority ?? 0,
        },
        cell: (obj, now) => printerCell(c, obj, now),
      }),
    ),
  ];
}

/** The columns of a resource: its printer columns, or for a built-in kind those of kube-apiserver. */
export function tableColumns(type: ResourceType): TableColumn[] {
  if (type.builtin) {
    const builtin = BUILTIN_TABLES[`${type.group}/${type.kind}`];
    if (builtin) return builtin;
    if (type.printerColumns.length === 0) return [NAME_COLUMN, createdAtColumn()];
  }
  return customColumns(type);
}

function rowObject(object: JsonObject, includeObject: TableOptions['includeObject']): JsonObject | undefined {
  if (includeObject === 'None') return undefined;
  if (includeObject === 'Object') return object;
  return {
    kind: 'PartialObjectMetadata',
    apiVersion: 'meta.k8s.io/v1',
    metadata: (object.metadata as JsonObject | undefined) ?? {},
  };
}

/** A Table of the objects (one row each, in the order given). */
export function toTable(type: ResourceType, objects: object[], options: TableOptions): object {
  const wide = options.wide ?? true;
  const columns = tableColumns(type).filter((c) => wide || c.definition.priority === 0);
  const metadata: JsonObject = {};
  if (options.resourceVersion !== undefined) metadata.resourceVersion = options.resourceVersion;
  if (options.continueToken) metadata.continue = options.continueToken;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: columns.map((c) => ({ ...c.definition })),
    rows: objects.map((o) => {
      const object = o as JsonObject;
      const row: JsonObject = { cells: columns.map((c) => c.cell(object, options.now)) };
      const carried = rowObject(object, options.includeObject);
      if (carried) row.object = carried;
      return row;
    }),
  };
}
