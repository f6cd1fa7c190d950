// Writing the objects a pool owns with server-side apply, only when the live object differs from what the
// operator wants (its cached copy holds every field the operator applies, plus defaults and others' fields).
import type { KubeClient } from '../../k8s/client.js';
import { type ResourceRef, resourcePath } from '../../k8s/resource.js';
import type { PlainObject } from '../types.js';

export const FIELD_MANAGER = 'teams-device-operator';
const APPLY_PATCH = 'application/apply-patch+yaml';

/**
 * Whether `live` already holds everything in `want`: objects field by field (live may have more), lists
 * item by item with the same length, anything else equal.
 */
export function containsAll(live: unknown, want: unknown): boolean {
  if (Array.isArray(want)) {
    return (
      Array.isArray(live) && live.length === want.length && want.every((w, i) => containsAll(live[i], w))
    );
  }
  if (want !== null && typeof want === 'object') {
    if (live === null || typeof live !== 'object' || Array.isArray(live)) return false;
    const record = live as Record<string, unknown>;
    return Object.entries(want).every(([key, value]) => containsAll(record[key], value));
  }
  return live === want;
}

/** Server-side apply of `desired` (forcing ownership of its fields); the object as the server returns it. */
export function serverSideApply(
  client: KubeClient,
  resource: ResourceRef,
  desired: PlainObject,
  signal?: AbortSignal,
): Promise<PlainObject> {
  const path = resourcePath(resource, {
    namespace: desired.metadata?.namespace,
    name: desired.metadata?.name ?? '',
  });
  return client.request<PlainObject>('PATCH', path, {
    body: desired,
    contentType: APPLY_PATCH,
    query: { fieldManager: FIELD_MANAGER, force: true },
    ...(signal ? { signal } : {}),
  });
}
