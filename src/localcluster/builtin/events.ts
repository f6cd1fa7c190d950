// events.k8s.io/v1 Events are stored as core/v1 Events (as kube-apiserver does), so `kubectl describe`,
// which reads core/v1, sees the Events an operator writes through events.k8s.io/v1, and the reverse.
import type { Conversion } from '../registry.js';
import type { JsonObject } from '../resource-type.js';

// [events.k8s.io/v1 field, core/v1 field]
const RENAMES: ReadonlyArray<readonly [string, string]> = [
  ['regarding', 'involvedObject'],
  ['note', 'message'],
  ['reportingController', 'reportingComponent'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
];

function rename(
  obj: JsonObject,
  apiVersion: string,
  pairs: ReadonlyArray<readonly [string, string]>,
): JsonObject {
  const out: JsonObject = {};
  const map = new Map(pairs);
  for (const [key, value] of Object.entries(obj)) out[map.get(key) ?? key] = value;
  out.apiVersion = apiVersion;
  out.kind = 'Event';
  return out;
}

export const EVENTS_V1_CONVERSION: Conversion = {
  toStorage: (obj) => rename(obj, 'v1', RENAMES),
  fromStorage: (obj) =>
    rename(
      obj,
      'events.k8s.io/v1',
      RENAMES.map(([a, b]) => [b, a] as const),
    ),
};
