import type { ObjectMeta } from '../api/v1alpha1/schema-kit.js';

/**
 * A Kubernetes object as JSON on the wire. The operator keeps objects as the API server sends them, so
 * timestamps are RFC 3339 strings (client-node's KubernetesObject types them as Date, which they never are here).
 */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: Partial<ObjectMeta>;
}

/** A list response: `{kind: "<Kind>List", metadata: {resourceVersion, continue}, items}`. */
export interface KubeList<T> {
  apiVersion?: string;
  kind?: string;
  metadata?: { resourceVersion?: string; continue?: string };
  items: T[];
}
