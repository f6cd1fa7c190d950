// The representations of objects a client may ask for: the object itself, a Table (kubectl get) or
// PartialObjectMetadata. Lists are concatenated from the stored JSON strings.
import type { ResponseFormat } from '../http/negotiate.js';
import type { Served } from '../registry.js';
import type { JsonObject } from '../resource-type.js';
import { servedJson, toServed } from '../rest/convert.js';
import type { Entry } from '../store/entry.js';
import { toTable } from '../table/table.js';

export interface Presentation {
  format: ResponseFormat;
  /** The includeObject query parameter of Table requests. */
  includeObject?: string;
}

function objectsOf(served: Served, entries: readonly Entry[]): JsonObject[] {
  return entries.map((e) => toServed(served, e.object()));
}

export function tableJson(
  served: Served,
  objects: JsonObject[],
  presentation: Presentation,
  resourceVersion?: string,
): string {
  const include = presentation.includeObject;
  const table = toTable(served.type, objects, {
    now: new Date(),
    ...(include === 'Object' || include === 'Metadata' || include === 'None'
      ? { includeObject: include }
      : {}),
    ...(resourceVersion !== undefined ? { resourceVersion } : {}),
  }) as JsonObject;
  if (presentation.format.as === 'table' && presentation.format.version === 'v1beta1') {
    table.apiVersion = 'meta.k8s.io/v1beta1';
  }
  return JSON.stringify(table);
}

function partialOf(obj: JsonObject, version: string): JsonObject {
  return {
    kind: 'PartialObjectMetadata',
    apiVersion: `meta.k8s.io/${version}`,
    metadata: obj.metadata ?? {},
  };
}

/** One object in the requested representation. */
export function presentOne(served: Served, entry: Entry, presentation: Presentation): string {
  return presentObject(served, entry, undefined, presentation);
}

/** One object, stored (`entry`) or not (`object`, stored form: a dry run). */
export function presentObject(
  served: Served,
  entry: Entry | undefined,
  object: JsonObject | undefined,
  presentation: Presentation,
): string {
  const { format } = presentation;
  if (format.as === 'object' && entry) return servedJson(served, entry);
  const obj = entry ? toServed(served, entry.object()) : toServed(served, structuredClone(object ?? {}));
  if (format.as === 'table') return tableJson(served, [obj], presentation);
  if (format.as === 'partial') return JSON.stringify(partialOf(obj, format.version));
  return JSON.stringify(obj);
}

/** A list in the requested representation. */
export function presentList(
  served: Served,
  entries: readonly Entry[],
  rv: number,
  presentation: Presentation,
): string {
  const { format } = presentation;
  const resourceVersion = String(rv);
  if (format.as === 'table')
    return tableJson(served, objectsOf(served, entries), presentation, resourceVersion);
  if (format.as === 'partial') {
    return JSON.stringify({
      kind: 'PartialObjectMetadataList',
      apiVersion: `meta.k8s.io/${format.version}`,
      metadata: { resourceVersion },
      items: objectsOf(served, entries).map((o) => partialOf(o, format.version)),
    });
  }
  const items = entries.map((e) => servedJson(served, e));
  return `{"kind":${JSON.stringify(served.type.listKind)},"apiVersion":${JSON.stringify(served.apiVersion)},"metadata":{"resourceVersion":"${resourceVersion}"},"items":[${items.join(',')}]}`;
}
