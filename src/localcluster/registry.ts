// Which resources are served, by URL (group, version, plural), and where their objects are stored. Built-in
// kinds are registered at start; each CustomResourceDefinition adds its served versions when written.
import type { ReviewKind } from './auth/reviews.js';
import type { GroupResource } from './errors.js';
import { groupVersion, type JsonObject, type ResourceType } from './resource-type.js';
import { type Behavior, DEFAULT_BEHAVIOR } from './rest/behavior.js';

/** Converts between the stored form of an object and the form served by one version. */
export interface Conversion {
  toStorage(obj: JsonObject): JsonObject;
  fromStorage(obj: JsonObject): JsonObject;
}

export interface Served {
  type: ResourceType;
  /** Storage key shared by every version of the resource: `deployments.apps`, `pods`. */
  key: string;
  /** Names the resource in error messages. */
  gr: GroupResource;
  apiVersion: string;
  /** apiVersion of stored objects; when it differs, `conversion` (or a plain apiVersion swap) applies. */
  storageApiVersion: string;
  conversion?: Conversion;
  /** The CRD serving it, if any. */
  crd?: string;
  behavior: Behavior;
  /** Set for a review kind: POST answers it (auth/reviews.ts) and nothing is stored. */
  review?: ReviewKind;
}

export interface RegisterOptions {
  key?: string;
  storageApiVersion?: string;
  conversion?: Conversion;
  crd?: string;
  behavior?: Behavior;
  review?: ReviewKind;
}

export function storageKey(group: string, plural: string): string {
  return group === '' ? plural : `${plural}.${group}`;
}

export class Registry {
  private readonly served = new Map<string, Served>();
  private readonly byCrd = new Map<string, Served[]>();
  private cachedTypes: ResourceType[] | undefined;
  private revision = 0;

  /** Bumped on every change of the served set; discovery and OpenAPI caches key on it. */
  get generation(): number {
    return this.revision;
  }

  lookup(group: string, version: string, plural: string): Served | undefined {
    return this.served.get(`${group}/${version}/${plural}`);
  }

  /** Every served version, in registration order. */
  types(): ResourceType[] {
    this.cachedTypes ??= [...this.served.values()].map((s) => s.type);
    return this.cachedTypes;
  }

  /** The served versions of one storage key; the storage version first. */
  versionsOf(key: string): Served[] {
    const out = [...this.served.values()].filter((s) => s.key === key);
    return out.sort(
      (a, b) => Number(b.apiVersion === b.storageApiVersion) - Number(a.apiVersion === a.storageApiVersion),
    );
  }

  /** The version objects of `key` are stored in. */
  storageOf(key: string): Served | undefined {
    return this.versionsOf(key)[0];
  }

  register(type: ResourceType, options: RegisterOptions = {}): Served {
    const served: Served = {
      type,
      key: options.key ?? storageKey(type.group, type.plural),
      gr: { group: type.group, resource: type.plural },
      apiVersion: groupVersion(type),
      storageApiVersion: options.storageApiVersion ?? groupVersion(type),
      ...(options.conversion ? { conversion: options.conversion } : {}),
      ...(options.crd ? { crd: options.crd } : {}),
      behavior: options.behavior ?? DEFAULT_BEHAVIOR,
      ...(options.review ? { review: options.review } : {}),
    };
    this.served.set(`${type.group}/${type.version}/${type.plural}`, served);
    this.changed();
    return served;
  }

  /** Replaces the versions a CRD serves. */
  setCrd(
    crd: string,
    versions: Array<{ type: ResourceType; behavior: Behavior }>,
    storageVersion: string,
  ): void {
    this.removeCrd(crd, false);
    const list: Served[] = [];
    for (const { type, behavior } of versions) {
      const storageApiVersion = groupVersion({ group: type.group, version: storageVersion });
      list.push(this.register(type, { storageApiVersion, crd, behavior }));
    }
    this.byCrd.set(crd, list);
    this.changed();
  }

  removeCrd(crd: string, notify = true): void {
    for (const s of this.byCrd.get(crd) ?? [])
      this.served.delete(`${s.type.group}/${s.type.version}/${s.type.plural}`);
    this.byCrd.delete(crd);
    if (notify) this.changed();
  }

  crdServed(crd: string): Served[] {
    return this.byCrd.get(crd) ?? [];
  }

  private changed(): void {
    this.cachedTypes = undefined;
    this.revision++;
  }
}
