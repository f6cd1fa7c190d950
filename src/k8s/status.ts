// Writing /status: a merge patch of only what changed, and no request at all when nothing did.

import { garbageStatusFields } from '../api/v1alpha1/decode.js';
import type { KubeClient } from './client.js';
import { mergePatchDiff } from './json.js';
import type { KubeObject } from './object.js';
import { apiVersionOf, type ResourceRef, resourcePath, TEAMS_RESOURCES } from './resource.js';

export interface WithStatus<S> extends KubeObject {
  status?: S;
}

export interface PatchStatusOptions {
  /** Default: found by apiVersion and kind among the teamsdevices.io resources. */
  resource?: ResourceRef;
  /** Send metadata.resourceVersion so a write against a stale object fails with 409 (default false). */
  optimisticLock?: boolean;
  signal?: AbortSignal;
}

export interface PatchStatusResult<T> {
  /** False when the status was already as desired and nothing was sent. */
  patched: boolean;
  /** The object the server returned, or `obj` when nothing was sent. */
  object: T;
}

/**
 * Makes `obj.status` equal `status` with a merge patch to the status subresource holding only the
 * difference (removed fields as null), compared against `obj` (the cached object). Nothing is sent when
 * they are equal, so reconciling an unchanged object writes nothing and triggers no watch event. Fields the
 * cache's decoder dropped as garbage (src/api/v1alpha1/decode.ts) and `status` does not set are cleared.
 */
export async function patchStatus<T extends WithStatus<object>>(
  client: KubeClient,
  obj: T,
  status: NonNullable<T['status']>,
  options: PatchStatusOptions = {},
): Promise<PatchStatusResult<T>> {
  const desired = status as unknown as Record<string, unknown>;
  const garbage = garbageStatusFields(obj.status).filter((field) => desired[field] === undefined);
  const changed = mergePatchDiff(obj.status as Record<string, unknown> | undefined, desired);
  const diff =
    garbage.length === 0 ? changed : { ...Object.fromEntries(garbage.map((f) => [f, null])), ...changed };
  if (!diff) return { patched: false, object: obj };
  const resource = options.resource ?? resourceOf(obj);
  const path = resourcePath(resource, {
    namespace: obj.metadata?.namespace,
    name: obj.metadata?.name ?? '',
    subresource: 'status',
  });
  const rv = obj.metadata?.resourceVersion;
  const patch = {
    ...(options.optimisticLock && rv ? { metadata: { resourceVersion: rv } } : {}),
    status: diff,
  };
  const object = await client.mergePatch<T>(path, patch, options.signal);
  return { patched: true, object };
}

function resourceOf(obj: KubeObject): ResourceRef {
  const found = Object.values(TEAMS_RESOURCES).find(
    (r) => r.kind === obj.kind && apiVersionOf(r) === obj.apiVersion,
  );
  if (!found) throw new Error(`patchStatus: pass options.resource for ${obj.apiVersion} ${obj.kind}`);
  return found;
}
