// Label and field selectors of list and watch requests, evaluated on stored entries: labels and
// metadata.name/namespace without parsing the object, other fields on the served form.
import type { Served } from '../registry.js';
import type { JsonObject } from '../resource-type.js';
import {
  type FieldMatcher,
  fieldSelectorEqualities,
  fieldSelectorPaths,
  type LabelMatcher,
  parseFieldSelector,
  parseLabelSelector,
} from '../selectors.js';
import type { Entry } from '../store/entry.js';
import type { Store } from '../store/store.js';
import { toServed } from './convert.js';

export interface Filter {
  /** Set when a field selector pins metadata.name: the list reads one key. */
  name?: string;
  matches(entry: Entry): boolean;
}

const META_ONLY = new Set(['metadata.name', 'metadata.namespace']);

export function makeFilter(
  served: Served,
  labelSelector: string | null,
  fieldSelector: string | null,
): Filter {
  let labels: LabelMatcher | undefined;
  let fields: FieldMatcher | undefined;
  let metaOnly = true;
  let name: string | undefined;
  if (labelSelector) labels = parseLabelSelector(labelSelector);
  if (fieldSelector) {
    fields = parseFieldSelector(fieldSelector);
    metaOnly = fieldSelectorPaths(fieldSelector).every((p) => META_ONLY.has(p));
    name = fieldSelectorEqualities(fieldSelector)['metadata.name'];
  }
  const matches = (entry: Entry): boolean => {
    if (labels && !labels(entry.labels as Record<string, string> | undefined)) return false;
    if (!fields) return true;
    const view: JsonObject = metaOnly
      ? { metadata: { name: entry.name, namespace: entry.namespace } }
      : toServed(served, entry.object());
    return fields(view);
  };
  return name === undefined ? { matches } : { name, matches };
}

function byKey(a: Entry, b: Entry): number {
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * The entries a list (or the initial state of a watch) returns, in etcd's key order: one namespace or,
 * when `namespace` is undefined, all of them.
 */
export function selectEntries(
  store: Store,
  served: Served,
  namespace: string | undefined,
  filter: Filter | undefined,
): Entry[] {
  let entries: Entry[];
  if (filter?.name !== undefined && (namespace !== undefined || !served.type.namespaced)) {
    const one = store.get(served.key, namespace ?? '', filter.name);
    entries = one ? [one] : [];
  } else {
    entries = store.list(served.key, served.type.namespaced ? namespace : '');
  }
  if (filter) entries = entries.filter((e) => filter.matches(e));
  return entries.sort(byKey);
}
