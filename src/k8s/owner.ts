// Owner references: what makes the garbage collector delete a DeviceProxyPool's Deployment and ConfigMap
// with the pool.
import type { V1OwnerReference } from '@kubernetes/client-node';
import type { KubeObject } from './object.js';

export type OwnerReference = V1OwnerReference;

/** A reference to `owner` (which must have been read from the server: it needs its uid). */
export function ownerReference(
  owner: KubeObject,
  options: { controller?: boolean; blockOwnerDeletion?: boolean } = {},
): OwnerReference {
  const { apiVersion, kind } = owner;
  const name = owner.metadata?.name;
  const uid = owner.metadata?.uid;
  if (!apiVersion || !kind || !name || !uid) {
    throw new Error('ownerReference: the owner needs apiVersion, kind, metadata.name and metadata.uid');
  }
  return {
    apiVersion,
    kind,
    name,
    uid,
    controller: options.controller ?? true,
    blockOwnerDeletion: options.blockOwnerDeletion ?? true,
  };
}

/** The object's owner references with `ref` added, or replacing the one with the same uid. */
export function withOwnerReference(
  refs: readonly OwnerReference[] | undefined,
  ref: OwnerReference,
): OwnerReference[] {
  const others = (refs ?? []).filter((r) => r.uid !== ref.uid);
  if (ref.controller && others.some((r) => r.controller)) {
    throw new Error(`the object already has a controller other than ${ref.kind}/${ref.name}`);
  }
  return [...others, ref];
}

export function isOwnedBy(obj: KubeObject, owner: KubeObject): boolean {
  const uid = owner.metadata?.uid;
  return uid !== undefined && (obj.metadata?.ownerReferences ?? []).some((r) => r.uid === uid);
}

/** The owner reference marked controller, if any. */
export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return (obj.metadata?.ownerReferences ?? []).find((r) => r.controller);
}
