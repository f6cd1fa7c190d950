// The in-memory object index: resource -> namespace -> name -> Entry, plus the uid and owner indexes the
// garbage collector needs, and the one global resourceVersion counter. No I/O: database.ts adds the log.
import type { JsonObject } from '../resource-type.js';
import { metadataOf } from '../util/json.js';
import { Entry } from './entry.js';

/** Where an object lives: its storage resource key (`deployments.apps`), namespace ('' if none) and name. */
export interface ObjectKey {
  resource: string;
  namespace: string;
  name: string;
}

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface Change {
  type: ChangeType;
  resource: string;
  rv: number;
  /** The new version; for DELETED, the last version with the deletion's resourceVersion. */
  entry: Entry;
  old?: Entry;
}

type Namespaces = Map<string, Map<string, Entry>>;

function keyString(resource: string, namespace: string, name: string): string {
  return `${resource}\u0000${namespace}\u0000${name}`;
}

export function parseKeyString(key: string): ObjectKey {
  const [resource = '', namespace = '', name = ''] = key.split('\u0000');
  return { resource, namespace, name };
}

export class Store {
  private revision = 0;
  private readonly resources = new Map<string, Namespaces>();
  private readonly uids = new Map<string, string>();
  private readonly dependents = new Map<string, Set<string>>();

  get rv(): number {
    return this.revision;
  }

  /** Used by replay only: the counter never goes back. */
  advanceTo(rv: number): void {
    if (rv > this.revision) this.revision = rv;
  }

  get(resource: string, namespace: string, name: string): Entry | undefined {
    return this.resources.get(resource)?.get(namespace)?.get(name);
  }

  /** Entries of one namespace, or of all namespaces when `namespace` is undefined. */
  list(resource: string, namespace?: string): Entry[] {
    const namespaces = this.resources.get(resource);
    if (!namespaces) return [];
    if (namespace !== undefined) return [...(namespaces.get(namespace)?.values() ?? [])];
    const out: Entry[] = [];
    for (const names of namespaces.values()) for (const entry of names.values()) out.push(entry);
    return out;
  }

  count(resource: string, namespace?: string): number {
    const namespaces = this.resources.get(resource);
    if (!namespaces) return 0;
    if (namespace !== undefined) return namespaces.get(namespace)?.size ?? 0;
    let n = 0;
    for (const names of namespaces.values()) n += names.size;
    return n;
  }

  resourceKeys(): string[] {
    return [...this.resources.keys()];
  }

  /** Resources holding at least one object in `namespace`. */
  resourcesInNamespace(namespace: string): string[] {
    const out: string[] = [];
    for (const [resource, namespaces] of this.resources) {
      if ((namespaces.get(namespace)?.size ?? 0) > 0) out.push(resource);
    }
    return out;
  }

  byUid(uid: string): ObjectKey | undefined {
    const key = this.uids.get(uid);
    return key === undefined ? undefined : parseKeyString(key);
  }

  dependentsOf(uid: string): ObjectKey[] {
    return [...(this.dependents.get(uid) ?? [])].map(parseKeyString);
  }

  /** Every uid some object names as its owner. */
  ownerUids(): string[] {
    return [...this.dependents.keys()];
  }

  /** Stores a new version of `obj` (created or replaced) under the next resourceVersion. */
  put(resource: string, obj: JsonObject): Change {
    const rv = ++this.revision;
    const meta = metadataOf(obj);
    meta.resourceVersion = String(rv);
    const entry = Entry.of(obj, rv);
    const old = this.insert(resource, entry);
    return old ? { type: 'MODIFIED', resource, rv, entry, old } : { type: 'ADDED', resource, rv, entry };
  }

  /** Removes an object under the next resourceVersion. */
  remove(resource: string, namespace: string, name: string): Change | undefined {
    const old = this.get(resource, namespace, name);
    if (!old) return undefined;
    const rv = ++this.revision;
    const last = old.object();
    metadataOf(last).resourceVersion = String(rv);
    this.drop(resource, old);
    return { type: 'DELETED', resource, rv, entry: Entry.of(last, rv), old };
  }

  /**
   * Takes back a change the log could not store. Changes are undone newest first, so each finds the state
   * it left; the counter is not moved back (a resourceVersion is never handed out twice).
   */
  undo(change: Change): void {
    const { resource, entry, old } = change;
    const current = this.get(resource, entry.namespace, entry.name);
    if (change.type === 'DELETED') {
      if (!current && old) this.insert(resource, old);
    } else if (current === entry) {
      if (old) this.insert(resource, old);
      else this.drop(resource, entry);
    }
  }

  /** Replay: puts a stored entry without bumping the counter past its own resourceVersion. */
  load(resource: string, entry: Entry): void {
    this.insert(resource, entry);
    this.advanceTo(entry.rv);
  }

  /** Replay of a deletion. */
  unload(resource: string, namespace: string, name: string, rv: number): void {
    const old = this.get(resource, namespace, name);
    if (old) this.drop(resource, old);
    this.advanceTo(rv);
  }

  private insert(resource: string, entry: Entry): Entry | undefined {
    let namespaces = this.resources.get(resource);
    if (!namespaces) {
      namespaces = new Map();
      this.resources.set(resource, namespaces);
    }
    let names = namespaces.get(entry.namespace);
    if (!names) {
      names = new Map();
      namespaces.set(entry.namespace, names);
    }
    const old = names.get(entry.name);
    names.set(entry.name, entry);
    const key = keyString(resource, entry.namespace, entry.name);
    if (old) this.unindex(key, old);
    if (entry.uid) this.uids.set(entry.uid, key);
    for (const owner of entry.owners) {
      let set = this.dependents.get(owner);
      if (!set) {
        set = new Set();
        this.dependents.set(owner, set);
      }
      set.add(key);
    }
    return old;
  }

  private drop(resource: string, old: Entry): void {
    const names = this.resources.get(resource)?.get(old.namespace);
    names?.delete(old.name);
    if (names && names.size === 0) this.resources.get(resource)?.delete(old.namespace);
    this.unindex(keyString(resource, old.namespace, old.name), old);
  }

  private unindex(key: string, old: Entry): void {
    if (old.uid && this.uids.get(old.uid) === key) this.uids.delete(old.uid);
    for (const owner of old.owners) {
      const set = this.dependents.get(owner);
      set?.delete(key);
      if (set && set.size === 0) this.dependents.delete(owner);
    }
  }
}
