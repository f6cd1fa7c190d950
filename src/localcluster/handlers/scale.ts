// The scale subresource (autoscaling/v1 Scale) of Deployments, ReplicaSets and StatefulSets: `kubectl scale`.
import { badRequest } from '../errors.js';
import { decodeObject, parseJson, readBody } from '../http/body.js';
import { mediaType } from '../http/negotiate.js';
import { sendJson } from '../http/respond.js';
import { applyJsonPatch } from '../patch/json-patch.js';
import { applyMergePatch } from '../patch/merge-patch.js';
import type { JsonObject } from '../resource-type.js';
import type { Entry } from '../store/entry.js';
import { isObject, metadataOf } from '../util/json.js';
import type { ResourceRequest } from './context.js';
import { writeOptions } from './options.js';

function selectorString(spec: JsonObject): string {
  const selector = isObject(spec.selector) ? spec.selector : {};
  const labels = isObject(selector.matchLabels) ? selector.matchLabels : {};
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(',');
}

function scaleOf(entry: Entry): JsonObject {
  const obj = entry.object();
  const meta = metadataOf(obj);
  const spec = isObject(obj.spec) ? obj.spec : {};
  const status = isObject(obj.status) ? obj.status : {};
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: meta.name,
      namespace: meta.namespace,
      uid: meta.uid,
      resourceVersion: meta.resourceVersion,
      creationTimestamp: meta.creationTimestamp,
    },
    spec: { replicas: spec.replicas ?? 0 },
    status: { replicas: status.replicas ?? 0, selector: selectorString(spec) },
  };
}

export function getScale(r: ResourceRequest, name: string): void {
  sendJson(r.res, 200, JSON.stringify(scaleOf(r.ctx.api.get(r.served, r.namespace ?? '', name))));
}

export async function writeScale(r: ResourceRequest, name: string, method: 'PUT' | 'PATCH'): Promise<void> {
  const entry = r.ctx.api.get(r.served, r.namespace ?? '', name);
  const raw = await readBody(r.req);
  let scale: unknown;
  if (method === 'PUT') {
    scale = decodeObject(raw, r.req.headers['content-type']);
  } else {
    const type = mediaType(r.req.headers['content-type']);
    const current = scaleOf(entry);
    scale =
      type === 'application/json-patch+json'
        ? applyJsonPatch(current, parseJson(raw))
        : applyMergePatch(current, parseJson(raw));
  }
  const replicas = isObject(scale) && isObject(scale.spec) ? scale.spec.replicas : undefined;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw badRequest('spec.replicas must be a non-negative integer');
  }
  const obj = entry.object();
  const spec = isObject(obj.spec) ? obj.spec : {};
  obj.spec = { ...spec, replicas };
  const result = r.ctx.api.update(
    r.served,
    r.namespace ?? '',
    name,
    obj,
    writeOptions(r.query, undefined, r.req.headers['user-agent']),
  );
  await result.durable;
  const stored = result.entry ?? entry;
  sendJson(r.res, 200, JSON.stringify(scaleOf(stored)));
}
