// A container's environment as the kubelet builds it: envFrom, then env (value, valueFrom secretKeyRef,
// configMapKeyRef, fieldRef), with $(VAR) references expanded, resolved again at each start.
import type { JsonObject } from '../resource-type.js';
import { isObject, metadataOf } from '../util/json.js';
import type { PodHost } from './host.js';

/** A reference that cannot be resolved: the container waits with reason CreateContainerConfigError. */
export class ContainerConfigError extends Error {}

export const POD_IP = '127.0.0.1';

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function fieldOf(pod: JsonObject, path: string): string {
  const meta = metadataOf(pod);
  const spec = isObject(pod.spec) ? pod.spec : {};
  const fields: Record<string, unknown> = {
    'metadata.name': meta.name,
    'metadata.namespace': meta.namespace,
    'metadata.uid': meta.uid,
    'spec.nodeName': spec.nodeName,
    'spec.serviceAccountName': spec.serviceAccountName ?? 'default',
    'status.podIP': POD_IP,
    'status.hostIP': POD_IP,
  };
  const label = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (label) {
    const map = isObject(meta[label[1] as string]) ? (meta[label[1] as string] as JsonObject) : {};
    return str(map[label[2] as string]) ?? '';
  }
  if (!(path in fields)) throw new ContainerConfigError(`unsupported fieldRef fieldPath ${path}`);
  return str(fields[path]) ?? '';
}

/** The keys of a ConfigMap (data and binaryData) or Secret (data, base64) as text. */
export function keysOf(kind: 'configmaps' | 'secrets', obj: JsonObject): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  const data = isObject(obj.data) ? obj.data : {};
  for (const [k, v] of Object.entries(data)) {
    if (typeof v === 'string') out[k] = kind === 'secrets' ? Buffer.from(v, 'base64') : Buffer.from(v);
  }
  if (kind === 'configmaps' && isObject(obj.binaryData)) {
    for (const [k, v] of Object.entries(obj.binaryData))
      if (typeof v === 'string') out[k] = Buffer.from(v, 'base64');
  }
  return out;
}

const KIND_NAME = { configmaps: 'ConfigMap', secrets: 'Secret' } as const;
const LOWER_NAME = { configmaps: 'configmap', secrets: 'secret' } as const;

function source(
  host: PodHost,
  kind: 'configmaps' | 'secrets',
  namespace: string,
  name: string,
  optional: boolean,
) {
  const obj = host.get(kind, namespace, name);
  if (!obj && !optional) throw new ContainerConfigError(`${LOWER_NAME[kind]} "${name}" not found`);
  return obj ? keysOf(kind, obj) : undefined;
}

function keyRef(
  host: PodHost,
  pod: JsonObject,
  kind: 'configmaps' | 'secrets',
  ref: JsonObject,
): string | undefined {
  const namespace = String(metadataOf(pod).namespace ?? '');
  const name = str(ref.name) ?? '';
  const key = str(ref.key) ?? '';
  const optional = ref.optional === true;
  const keys = source(host, kind, namespace, name, optional);
  const value = keys?.[key];
  if (value === undefined && !optional) {
    throw new ContainerConfigError(`couldn't find key ${key} in ${KIND_NAME[kind]} ${namespace}/${name}`);
  }
  return value?.toString();
}

/** Replaces $(NAME) by a variable defined so far; $$(NAME) escapes; unknown references stay as written. */
export function expand(text: string, vars: Readonly<Record<string, string>>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name: string | undefined) => {
    if (match === '$$') return '$';
    return name !== undefined && name in vars ? (vars[name] as string) : match;
  });
}

export function containerEnv(host: PodHost, pod: JsonObject, container: JsonObject): Record<string, string> {
  const namespace = String(metadataOf(pod).namespace ?? '');
  const env: Record<string, string> = {};
  for (const from of Array.isArray(container.envFrom) ? container.envFrom.filter(isObject) : []) {
    const prefix = str(from.prefix) ?? '';
    const ref = isObject(from.configMapRef)
      ? from.configMapRef
      : isObject(from.secretRef)
        ? from.secretRef
        : undefined;
    if (!ref) continue;
    const kind = isObject(from.configMapRef) ? 'configmaps' : 'secrets';
    const keys = source(host, kind, namespace, str(ref.name) ?? '', ref.optional === true) ?? {};
    for (const [k, v] of Object.entries(keys)) env[`${prefix}${k}`] = v.toString();
  }
  for (const item of Array.isArray(container.env) ? container.env.filter(isObject) : []) {
    const name = str(item.name);
    if (!name) continue;
    let value: string | undefined;
    if (isObject(item.valueFrom)) {
      const from = item.valueFrom;
      if (isObject(from.secretKeyRef)) value = keyRef(host, pod, 'secrets', from.secretKeyRef);
      else if (isObject(from.configMapKeyRef)) value = keyRef(host, pod, 'configmaps', from.configMapKeyRef);
      else if (isObject(from.fieldRef)) value = fieldOf(pod, str(from.fieldRef.fieldPath) ?? '');
      else throw new ContainerConfigError(`env ${name}: unsupported valueFrom`);
    } else {
      value = expand(str(item.value) ?? '', env);
    }
    if (value !== undefined) env[name] = value;
  }
  return env;
}
