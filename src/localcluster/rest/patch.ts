// PATCH: JSON merge patch, JSON patch, strategic merge patch (built-in kinds) and server-side apply,
// computed on the served form of the object, then written through the update (or, for apply, create) path.
import { objectMetaTypeError } from '@teams-device-operator/apimachinery';
import { ApiError, badRequest, conflict, notFound, unsupportedMediaType } from '../errors.js';
import { parseJson, parseYamlOrJson } from '../http/body.js';
import { mediaType } from '../http/negotiate.js';
import { applyJsonPatch } from '../patch/json-patch.js';
import { applyMergePatch } from '../patch/merge-patch.js';
import { applyServerSide, formatApplyConflicts, listKeysFromSchema } from '../patch/server-side-apply.js';
import { applyStrategicMergePatch } from '../patch/strategic-merge.js';
import type { Served } from '../registry.js';
import type { JsonObject } from '../resource-type.js';
import { isObject, metadataOf, stringField } from '../util/json.js';
import { fromRequest, toServed, undecodable } from './convert.js';
import type { ObjectApi, WriteOptions, WriteResult } from './objects.js';

export const JSON_PATCH = 'application/json-patch+json';
export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_PATCH = 'application/strategic-merge-patch+json';
export const APPLY_PATCH = 'application/apply-patch+yaml';

export interface PatchOptions extends WriteOptions {
  force?: boolean;
}

function acceptedPatchTypes(served: Served): string[] {
  return served.behavior.strategicMerge
    ? [JSON_PATCH, MERGE_PATCH, STRATEGIC_PATCH, APPLY_PATCH]
    : [JSON_PATCH, MERGE_PATCH, APPLY_PATCH];
}

export function patchObject(
  api: ObjectApi,
  served: Served,
  namespace: string,
  name: string,
  contentType: string | undefined,
  body: Buffer,
  options: PatchOptions,
): WriteResult {
  const type = mediaType(contentType);
  if (!acceptedPatchTypes(served).includes(type)) throw unsupportedMediaType(acceptedPatchTypes(served));
  const ns = served.type.namespaced ? namespace : '';
  const existing = api.db.store.get(served.key, ns, name);

  if (type === APPLY_PATCH) {
    if (!options.fieldManager) throw badRequest('PATCH /apply requests require a fieldManager to be set');
    const applied = parseYamlOrJson(body);
    if (!isObject(applied)) throw badRequest('the apply configuration must be an object');
    if (!options.subresource && served.type.subresources.includes('status')) delete applied.status;
    if (!existing && options.subresource) throw notFound(served.gr, name);
    const live = existing ? toServed(served, existing.object()) : undefined;
    if (live) checkPrecondition(served, name, applied, live);
    const result = applyServerSide({
      live,
      applied,
      manager: options.fieldManager,
      force: options.force ?? false,
      now: api.now(),
      ...(served.type.schema ? { listKeys: listKeysFromSchema(served.type.schema) } : {}),
      ...(options.subresource ? { subresource: options.subresource } : {}),
    });
    if (!result.ok) {
      const { message, causes } = formatApplyConflicts(result.conflicts);
      const details = {
        name,
        ...(served.gr.group ? { group: served.gr.group } : {}),
        kind: served.gr.resource,
        causes,
      };
      throw new ApiError(409, 'Conflict', message, details);
    }
    const applyOptions = { ...options, apply: true };
    if (!existing || !live) {
      return api.create(served, ns, fromRequest(served, result.object as JsonObject), applyOptions);
    }
    if (!result.changed) return { code: 200, entry: existing, warnings: [], durable: Promise.resolve() };
    return update(api, served, ns, name, result.object as JsonObject, live, applyOptions);
  }

  if (!existing) throw notFound(served.gr, name);
  const live = toServed(served, existing.object());
  const patch = parseJson(body);
  let next: unknown;
  if (type === JSON_PATCH) {
    next = applyJsonPatch(live, patch);
  } else {
    if (!isObject(patch)) throw badRequest('the patch must be a JSON object');
    checkPrecondition(served, name, patch, live);
    next =
      type === MERGE_PATCH
        ? applyMergePatch(live, patch)
        : applyStrategicMergePatch(live, patch, served.type.kind);
  }
  if (!isObject(next)) throw new ApiError(422, 'Invalid', 'the patched object is not an object');
  const patchedRv = stringField(isObject(next.metadata) ? next.metadata : undefined, 'resourceVersion');
  if (patchedRv !== undefined && patchedRv !== stringField(metadataOf(live), 'resourceVersion')) {
    throw conflict(served.gr, name);
  }
  return update(api, served, ns, name, next, live, options);
}

/** A `metadata.resourceVersion` in a patch is a precondition on the stored version. */
function checkPrecondition(served: Served, name: string, patch: JsonObject, live: JsonObject): void {
  const wanted = isObject(patch.metadata) ? patch.metadata.resourceVersion : undefined;
  if (wanted === undefined || wanted === null || wanted === '') return;
  if (typeof wanted !== 'string') {
    throw undecodable(served, objectMetaTypeError({ resourceVersion: wanted }, served.type.kind) ?? '');
  }
  if (wanted !== stringField(metadataOf(live), 'resourceVersion')) throw conflict(served.gr, name);
}

function update(
  api: ObjectApi,
  served: Served,
  ns: string,
  name: string,
  next: JsonObject,
  live: JsonObject,
  options: WriteOptions,
): WriteResult {
  const stored = fromRequest(served, next);
  const meta = metadataOf(stored);
  // A patch may drop resourceVersion; it is always applied to the version it was computed on.
  meta.resourceVersion = metadataOf(live).resourceVersion;
  return api.update(served, ns, name, stored, options);
}
