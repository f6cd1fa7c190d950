// One stored object version. The store keeps the serialized JSON, never a live object: reads answer with the
// string as is (a list is a concatenation), writes parse one private copy, and a watch event is serialized
// once whatever the number of watchers.
import type { JsonObject } from '../resource-type.js';
import { isObject } from '../util/json.js';

export type Labels = Readonly<Record<string, string>>;

export class Entry {
  private constructor(
    readonly json: string,
    readonly rv: number,
    readonly namespace: string,
    readonly name: string,
    readonly uid: string,
    readonly labels: Labels | undefined,
    /** uids named by metadata.ownerReferences. */
    readonly owners: readonly string[],
  ) {}

  /** Builds an entry from an object whose metadata.resourceVersion is already `rv`. */
  static of(obj: JsonObject, rv: number): Entry {
    return Entry.fromParsed(JSON.stringify(obj), obj, rv);
  }

  static fromJson(json: string, rv?: number): Entry {
    const obj = JSON.parse(json) as JsonObject;
    const version = rv ?? Number((obj.metadata as JsonObject | undefined)?.resourceVersion ?? 0);
    return Entry.fromParsed(json, obj, version);
  }

  private static fromParsed(json: string, obj: JsonObject, rv: number): Entry {
    const meta = isObject(obj.metadata) ? obj.metadata : {};
    const labels = isObject(meta.labels) ? (meta.labels as Labels) : undefined;
    const owners: string[] = [];
    if (Array.isArray(meta.ownerReferences)) {
      for (const ref of meta.ownerReferences) {
        if (isObject(ref) && typeof ref.uid === 'string') owners.push(ref.uid);
      }
    }
    return new Entry(
      json,
      rv,
      typeof meta.namespace === 'string' ? meta.namespace : '',
      typeof meta.name === 'string' ? meta.name : '',
      typeof meta.uid === 'string' ? meta.uid : '',
      labels,
      owners,
    );
  }

  /** A private, mutable copy of the object. */
  object(): JsonObject {
    return JSON.parse(this.json) as JsonObject;
  }
}
