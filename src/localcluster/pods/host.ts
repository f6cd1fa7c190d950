// What a running pod reads from and writes to the control plane, so that pods/ knows nothing of the store.
import type { JsonObject } from '../resource-type.js';

export interface PodHost {
  /** The current object (a copy), or undefined; resource is `configmaps` or `secrets`. */
  get(resource: 'configmaps' | 'secrets', namespace: string, name: string): JsonObject | undefined;
  /** The rv of an object, to notice a change without copying it. */
  version(resource: 'configmaps' | 'secrets', namespace: string, name: string): number | undefined;
  /** Writes the pod's status if the pod with this uid is still there. */
  writeStatus(namespace: string, name: string, uid: string, status: JsonObject): void;
  now(): Date;
}
