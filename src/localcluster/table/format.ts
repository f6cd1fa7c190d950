// Cell formatting shared by the Table columns: ages as kubectl prints them, and the standard columns.
import type { JsonObject } from '../resource-type.js';

export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface TableColumn {
  definition: ColumnDefinition;
  cell: (object: JsonObject, now: Date) => unknown;
}

export const NAME_DESCRIPTION =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may ' +
  'allow a client to request the generation of an appropriate name automatically. Name is primarily intended for ' +
  'creation idempotence and configuration definition. Cannot be updated. ' +
  'More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';

export const AGE_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not ' +
  'guaranteed to be set in happens-before order across separate operations. Clients may not set this value. ' +
  'It is represented in RFC3339 form and is in UTC.';

/**
 * A duration as kubectl shows ages (k8s.io/apimachinery/pkg/util/duration.HumanDuration): about two significant
 * figures, e.g. 5s, 3m20s, 42m, 5h12m, 20h, 3d4h, 120d, 2y100d.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) return days % 365 === 0 ? `${years}y` : `${years}y${days % 365}d`;
  return `${years}y`;
}

/** The age of a timestamp field, '<unknown>' when absent (translateTimestampSince). */
export function ageOf(timestamp: unknown, now: Date): string {
  if (typeof timestamp !== 'string' || timestamp === '') return '<unknown>';
  const at = Date.parse(timestamp);
  return Number.isNaN(at) ? '<unknown>' : humanDuration(now.getTime() - at);
}

export function metadataOf(object: JsonObject): JsonObject {
  const metadata = object.metadata;
  return typeof metadata === 'object' && metadata !== null ? (metadata as JsonObject) : {};
}

export const NAME_COLUMN: TableColumn = {
  definition: { name: 'Name', type: 'string', format: 'name', description: NAME_DESCRIPTION, priority: 0 },
  cell: (object) => metadataOf(object).name ?? '',
};

export const AGE_COLUMN: TableColumn = {
  definition: { name: 'Age', type: 'string', format: '', description: AGE_DESCRIPTION, priority: 0 },
  cell: (object, now) => ageOf(metadataOf(object).creationTimestamp, now),
};

/** kube-apiserver's default for kinds without printers (and Roles, CRDs): the creation time itself. */
export function createdAtColumn(): TableColumn {
  return {
    definition: { name: 'Created At', type: 'date', format: '', description: AGE_DESCRIPTION, priority: 0 },
    cell: (object) => {
      const created = metadataOf(object).creationTimestamp;
      if (typeof created !== 'string' || Number.isNaN(Date.parse(created))) return '<unknown>';
      return `${new Date(created).toISOString().slice(0, 19)}Z`;
    },
  };
}

// ---- cell helpers over the JSON objects the store holds -------------------------------------------------

export function at(object: unknown, path: string): unknown {
  let current = object;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = (current as JsonObject)[key];
  }
  return current;
}

export const text = (value: unknown): string => (typeof value === 'string' ? value : '');
export const count = (value: unknown): number => (typeof value === 'number' ? value : 0);
export const objects = (value: unknown): JsonObject[] =>
  Array.isArray(value) ? value.filter((v): v is JsonObject => typeof v === 'object' && v !== null) : [];
export const noneIfEmpty = (value: string): string => (value === '' ? '<none>' : value);

export function column(
  name: string,
  type: string,
  description: string,
  cell: TableColumn['cell'],
  priority = 0,
  format = '',
): TableColumn {
  const definition: ColumnDefinition = { name, type, format, description, priority };
  return { definition, cell };
}

/** `a=b,c in (d,e)` as labels.Selector prints it, keys sorted. */
export function formatSelector(selector: unknown): string {
  if (typeof selector !== 'object' || selector === null) return '<none>';
  const s = selector as { matchLabels?: Record<string, string>; matchExpressions?: unknown };
  const parts: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(s.matchLabels ?? {})) parts.push([key, `${key}=${value}`]);
  for (const expr of objects(s.matchExpressions)) {
    const key = text(expr.key);
    const values = Array.isArray(expr.values) ? [...(expr.values as string[])].sort().join(',') : '';
    const op = text(expr.operator);
    if (op === 'In') parts.push([key, `${key} in (${values})`]);
    else if (op === 'NotIn') parts.push([key, `${key} notin (${values})`]);
    else if (op === 'Exists') parts.push([key, key]);
    else if (op === 'DoesNotExist') parts.push([key, `!${key}`]);
  }
  parts.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return noneIfEmpty(parts.map(([, p]) => p).join(','));
}

export function formatLabels(labels: unknown): string {
  if (typeof labels !== 'object' || labels === null) return '<none>';
  const entries = Object.entries(labels as Record<string, string>).sort(([a], [b]) => (a < b ? -1 : 1));
  return noneIfEmpty(entries.map(([k, v]) => `${k}=${v}`).join(','));
}

const containersOf = (object: JsonObject, path: string) => objects(at(object, path));

/** The wide Containers, Images and (unless selectorPath is undefined) Selector columns of a workload. */
export const containerColumns = (
  specPath: string,
  selectorPath: string | undefined = 'spec.selector',
): TableColumn[] => [
  column(
    'Containers',
    'string',
    'Names of each container in the template.',
    (o) =>
      containersOf(o, specPath)
        .map((c) => text(c.name))
        .join(','),
    1,
  ),
  column(
    'Images',
    'string',
    'Images referenced by each container in the template.',
    (o) =>
      containersOf(o, specPath)
        .map((c) => text(c.image))
        .join(','),
    1,
  ),
  ...(selectorPath === undefined
    ? []
    : [
        column(
          'Selector',
          'string',
          'Label selector for pods.',
          (o) => formatSelector(at(o, selectorPath)),
          1,
        ),
      ]),
];
