// Field paths as Kubernetes prints them (field.Path and kube-openapi's validator paths).

/** `spec` + `type` → `spec.type`; kube-openapi also joins map keys this way. */
export function child(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

/** `spec.updates` + 0 → `spec.updates[0]` (field.Path.Index); field.Path.Key prints map keys the same way. */
export function index(path: string, i: number | string): string {
  return `${path}[${i}]`;
}

/** Fields kube-apiserver never prunes at the root of a resource (ObjectMeta is handled on its own). */
export const META_FIELDS: ReadonlySet<string> = new Set(['apiVersion', 'kind', 'metadata']);
