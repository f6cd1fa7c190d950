// Between the stored form of an object and the form one served version returns.
import { objectMetaTypeError } from '@teams-device-operator/apimachinery';
import { type ApiError, badRequest } from '../errors.js';
import type { Served } from '../registry.js';
import type { JsonObject } from '../resource-type.js';
import type { Entry } from '../store/entry.js';
import { isObject, jsonTypeOf } from '../util/json.js';

/** The served form of a stored object, as a new object. */
export function toServed(served: Served, stored: JsonObject): JsonObject {
  if (served.conversion) return served.conversion.fromStorage(stored);
  if (served.apiVersion !== served.storageApiVersion) stored.apiVersion = served.apiVersion;
  return stored;
}

/** The served form of a stored entry as JSON, without parsing when no conversion is needed. */
export function servedJson(served: Served, entry: Entry): string {
  if (!served.conversion && served.apiVersion === served.storageApiVersion) return entry.json;
  return JSON.stringify(toServed(served, entry.object()));
}

/** 400 for a body the kind's decoder cannot read, as kube-apiserver words it. */
export function undecodable(served: Served, why: string): ApiError {
  const { kind, version } = served.type;
  return badRequest(`${kind} in version "${version}" cannot be handled as a ${kind}: ${why}`);
}

/**
 * Checks the apiVersion and kind a client sent (both optional) and the JSON types of its metadata, and
 * returns the object in stored form. A metadata that does not decode is a 400, as kube-apiserver's decoder
 * answers, so a `labels: "x"` (sent, or the result of a patch) never replaces the labels stored.
 */
export function fromRequest(served: Served, body: unknown): JsonObject {
  if (!isObject(body)) throw badRequest('the request body must be a JSON or YAML object');
  const { apiVersion, kind } = body;
  for (const [field, value] of [
    ['apiVersion', apiVersion],
    ['kind', kind],
  ] as const) {
    if (value !== undefined && value !== null && typeof value !== 'string') {
      throw badRequest(
        `couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonTypeOf(value)} into Go struct field .${field} of type string`,
      );
    }
  }
  if (apiVersion !== undefined && apiVersion !== '' && apiVersion !== served.apiVersion) {
    throw badRequest(
      `the API version in the data (${String(apiVersion)}) does not match the expected API version (${served.apiVersion})`,
    );
  }
  if (kind !== undefined && kind !== '' && kind !== served.type.kind) {
    throw badRequest(
      `the kind in the data (${String(kind)}) does not match the expected kind (${served.type.kind})`,
    );
  }
  const metaError = objectMetaTypeError(body.metadata, served.type.kind);
  if (metaError !== undefined) throw undecodable(served, metaError);
  body.apiVersion = served.apiVersion;
  body.kind = served.type.kind;
  const stored = served.conversion ? served.conversion.toStorage(body) : body;
  stored.apiVersion = served.storageApiVersion;
  return stored;
}
