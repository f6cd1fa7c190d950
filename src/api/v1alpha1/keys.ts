// The identities the operator computes from an object, each written once: the work-queue and cache key, the
// device's MQTT id and the manufacturer/model key releases match on. Pure string functions over the API's
// fields, so src/core, the controllers and src/runtime all import them from here.

/** "namespace/name", or "name" when there is no namespace (a cluster-scoped object). */
export function namespacedKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** The key of caches and work queues: "namespace/name", or "name" for a cluster-scoped object. */
export function objectKey(obj: { metadata?: { namespace?: string; name?: string } }): string {
  return namespacedKey(obj.metadata?.namespace, obj.metadata?.name ?? '');
}

/**
 * The identity of a TeamsDevice on MQTT: spec.deviceId, else its name. `??`, not `||`: the CRD's pattern
 * for deviceId requires at least one character, so the field is either absent or a usable id.
 */
export function deviceIdOf(device: {
  metadata: { name: string };
  spec?: { deviceId?: string | undefined };
}): string {
  return device.spec?.deviceId ?? device.metadata.name;
}

/** Manufacturer and model, trimmed and lower case: releases match them case-insensitively. */
export function modelKey(manufacturer: string, model: string): string {
  return `${manufacturer.trim().toLowerCase()}\u0000${model.trim().toLowerCase()}`;
}
