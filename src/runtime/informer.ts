// A list+watch informer for one resource (in one namespace or all), after client-go's reflector:
// - lists (in pages), replaces its cache (reporting adds, updates and deletes against what it had), then
//   watches from the list's resourceVersion with bookmarks;
// - a watch the server ends (or that stays quiet past its timeout) is resumed from the last resourceVersion;
// - 410 Gone (history compacted) relists at once, and so does 504 "Too large resource version" (the server
//   is behind the informer: it lost its data or was replaced, so the cache must be rebuilt from it, as
//   client-go does); any other error restarts with exponential backoff
//   (800 ms doubling to 30 s) on the clock, forever, until stop();
// - hasSynced() is true once the first list is in the cache;
// - with a `decode`, an object that does not decode is kept out of the cache (listers and indexes see only
//   decoded objects) and reported to the handlers' `invalid`; an indexer that throws indexes nothing;
// - a watch event that cannot be applied, or a handler that throws, is logged with the object's kind and
//   name and makes the informer relist, so the cache is rebuilt from the server rather than left half
//   updated; a delete always removes the object from the cache.
// Built on client-node's Watch and a plain JSON list (src/k8s/client.ts) rather than its ListWatch, which
// stops for good on the first error and does not say when it has synced.

import pino, { type Logger } from 'pino';
import type { DecodeResult } from '../api/v1alpha1/decode.js';
import { namespacedKey, objectKey } from '../api/v1alpha1/keys.js';
import type { KubeClient, Query, WatchEventType } from '../k8s/client.js';
import { ApiError, type ApiStatus, isGone, isResourceVersionTooLarge } from '../k8s/errors.js';
import type { KubeObject } from '../k8s/object.js';
import { apiVersionOf, type ResourceRef, resourcePath } from '../k8s/resource.js';
import { type Clock, RealClock, setTimerIn, sleep } from './clock.js';
import type { InformerMetrics, OperatorMetrics } from './metrics.js';

export function splitKey(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

export interface EventHandlers<T> {
  add?(obj: T): void;
  update?(oldObj: T, newObj: T): void;
  delete?(obj: T): void;
  /** An object the informer's decode refused (it is not in the cache), with the problem naming the field. */
  invalid?(obj: T, problem: string): void;
}

/** Handlers that queue the key of each object seen (or the keys `map` returns for it). */
export function enqueueHandlers<T extends KubeObject>(
  enqueue: (key: string) => void,
  map: (obj: T) => string | readonly string[] | undefined = objectKey,
): EventHandlers<T> {
  const keysOf = (obj: T) => {
    const keys = map(obj);
    return keys === undefined ? [] : typeof keys === 'string' ? [keys] : keys;
  };
  return {
    add: (obj) => keysOf(obj).forEach(enqueue),
    update: (oldObj, newObj) => new Set([...keysOf(oldObj), ...keysOf(newObj)]).forEach(enqueue),
    delete: (obj) => keysOf(obj).forEach(enqueue),
  };
}

export type IndexFunc<T> = (obj: T) => readonly string[];

export type InformerState = 'idle' | 'listing' | 'watching' | 'backoff' | 'stopped';

export interface InformerStats {
  state: InformerState;
  /** Full lists made: 1 after the first sync, more after 410 Gone or errors. */
  lists: number;
  /** Restarts after an error (not counting watches resumed normally). */
  errors: number;
  lastError?: unknown;
}

export interface InformerOptions<T> {
  client: KubeClient;
  resource: ResourceRef;
  /** Absent: all namespaces. Ignored for cluster-scoped resources. */
  namespace?: string | undefined;
  labelSelector?: string;
  fieldSelector?: string;
  /** Times backoff and the watch timeout; default RealClock (informers deal in real time). */
  clock?: Clock;
  logger?: Logger;
  metrics?: OperatorMetrics;
  /** Extra indexes: name -> values of an object (see byIndex). */
  indexers?: Record<string, IndexFunc<T>>;
  /** Asked of the server; the client gives up 30 s later if the watch is silent. Default 300. */
  watchTimeoutSeconds?: number;
  backoff?: { initialMs?: number; maxMs?: number };
  /** Items per list page; default 500. */
  pageSize?: number;
  /**
   * Applied to every object before it enters the cache (list items and watch events). Default
   * dropManagedFields, as client-go/controller-runtime informers do: metadata.managedFields is server-side
   * apply bookkeeping no controller reads, and often the largest part of an object. Pass `(o) => o` to keep it.
   */
  transform?: (obj: T) => T;
  /**
   * Applied after transform: the object the cache holds, or the problem that keeps it out (reported to
   * the handlers' `invalid`). Default: every object is taken as it is.
   */
  decode?: (obj: T) => DecodeResult<T>;
}

/** An object kept out of the cache, and why. */
export interface InvalidObject<T> {
  object: T;
  problem: string;
}

/**
 * Strings of cached objects repeat a lot across objects (condition reasons and messages, versions, zones,
 * timestamps): a transform that replaces each string value by one shared instance, so thousands of cached
 * objects hold one copy of each. In place: pass only objects the informer owns (freshly parsed). The table
 * is bounded (cleared when full), so it never grows with churn.
 */
export class StringInterner {
  private table = new Map<string, string>();
  constructor(
    private readonly maxEntries = 100_000,
    private readonly maxLength = 512,
  ) {}

  intern<T>(value: T): T {
    this.walk(value as unknown);
    return value;
  }

  private one(s: string): string {
    if (s.length > this.maxLength) return s;
    const found = this.table.get(s);
    if (found !== undefined) return found;
    if (this.table.size >= this.maxEntries) this.table = new Map();
    this.table.set(s, s);
    return s;
  }

  private walk(node: unknown): void {
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const v = node[i];
        if (typeof v === 'string') node[i] = this.one(v);
        else if (v !== null && typeof v === 'object') this.walk(v);
      }
    } else if (node !== null && typeof node === 'object') {
      const obj = node as Record<string, unknown>;
      for (const key in obj) {
        const v = obj[key];
        if (typeof v === 'string') obj[key] = this.one(v);
        else if (v !== null && typeof v === 'object') this.walk(v);
      }
    }
  }
}

/** The default informer transform: the object without metadata.managedFields (the same object if it has none). */
export function dropManagedFields<T extends KubeObject>(obj: T): T {
  const meta = obj.metadata as (KubeObject['metadata'] & { managedFields?: unknown }) | undefined;
  if (!meta || meta.managedFields === undefined) return obj;
  const { managedFields: _dropped, ...rest } = meta;
  return { ...obj, metadata: rest };
}

/** The margin after the server-side watch timeout before the client ends a silent watch. */
/** A resourceVersion as a number, when it is one (etcd's and the embedded server's are). */
function numericVersion(rv: string): bigint | undefined {
  return /^\d+$/.test(rv) ? BigInt(rv) : undefined;
}

export const WATCH_TIMEOUT_GRACE_MS = 30_000;

export class Informer<T extends KubeObject> {
  readonly resource: ResourceRef;
  private readonly client: KubeClient;
  private readonly namespace: string | undefined;
  private readonly path: string;
  private readonly selectors: Query;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly metrics: InformerMetrics | undefined;
  private readonly watchTimeoutSeconds: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly pageSize: number;
  private readonly transform: (obj: T) => T;
  private readonly decode: ((obj: T) => DecodeResult<T>) | undefined;

  private readonly store = new Map<string, T>();
  private readonly invalid = new Map<string, InvalidObject<T>>();
  private readonly indexers: Record<string, IndexFunc<T>>;
  private readonly indexes = new Map<string, Map<string, Set<string>>>();
  /** The index values each cached object was filed under, so unfiling never asks an indexer again. */
  private readonly filed = new Map<string, Array<[string, readonly string[]]>>();
  /** A handler failed or an event could not be applied: the next loop relists. */
  private relistRequested = false;
  private readonly handlers = new Set<EventHandlers<T>>();

  private resourceVersion = '';
  private synced = false;
  private syncWaiters: Array<{ resolve: () => void; reject: (err: Error) => void }> = [];
  private readonly versionWaiters = new Set<{ rv: bigint; done: (caughtUp: boolean) => void }>();
  private state: InformerState = 'idle';
  private lists = 0;
  private errors = 0;
  private lastError: unknown;
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(options: InformerOptions<T>) {
    this.client = options.client;
    this.resource = options.resource;
    this.namespace = options.resource.namespaced ? options.namespace || undefined : undefined;
    this.path = resourcePath(options.resource, { namespace: this.namespace });
    this.selectors = {
      ...(options.labelSelector ? { labelSelector: options.labelSelector } : {}),
      ...(options.fieldSelector ? { fieldSelector: options.fieldSelector } : {}),
    };
    this.clock = options.clock ?? new RealClock();
    const name = `${options.resource.plural}${options.resource.group ? `.${options.resource.group}` : ''}`;
    this.log = (options.logger ?? pino({ level: 'silent' })).child({
      informer: name,
      ...(this.namespace ? { namespace: this.namespace } : {}),
    });
    this.metrics = options.metrics?.informerMetrics(name);
    this.watchTimeoutSeconds = options.watchTimeoutSeconds ?? 300;
    this.initialBackoffMs = options.backoff?.initialMs ?? 800;
    this.maxBackoffMs = options.backoff?.maxMs ?? 30_000;
    this.pageSize = options.pageSize ?? 500;
    this.transform = options.transform ?? dropManagedFields;
    this.decode = options.decode;
    this.indexers = { namespace: (obj) => [obj.metadata?.namespace ?? ''], ...options.indexers };
    for (const name of Object.keys(this.indexers)) this.indexes.set(name, new Map());
  }

  /** Registers handlers; objects already in the cache are reported to them as adds. Returns an unsubscribe. */
  addEventHandler(handlers: EventHandlers<T>): () => void {
    this.handlers.add(handlers);
    for (const obj of this.store.values()) this.call(handlers, 'add', obj);
    for (const { object, problem } of this.invalid.values()) this.callInvalid(handlers, object, problem);
    return () => this.handlers.delete(handlers);
  }

  start(): void {
    if (this.loop) return;
    this.loop = this.run();
  }

  /** Ends the watch and the loop; sync waiters are rejected. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    this.state = 'stopped';
    const waiters = this.syncWaiters;
    this.syncWaiters = [];
    for (const w of waiters) w.reject(new Error(`informer ${this.resource.plural} stopped before it synced`));
    for (const waiter of this.versionWaiters) waiter.done(false);
  }

  hasSynced(): boolean {
    return this.synced;
  }

  waitForSync(): Promise<void> {
    if (this.synced) return Promise.resolve();
    if (this.abort.signal.aborted) return Promise.reject(new Error('informer stopped'));
    return new Promise((resolve, reject) => this.syncWaiters.push({ resolve, reject }));
  }

  get(name: string, namespace?: string): T | undefined {
    return this.store.get(namespacedKey(this.resource.namespaced ? namespace : undefined, name));
  }

  getByKey(key: string): T | undefined {
    return this.store.get(key);
  }

  /** Cached objects, of one namespace or all. Treat them as read-only: they are the cache. */
  list(namespace?: string): T[] {
    if (namespace === undefined) return [...this.store.values()];
    return this.byIndex('namespace', namespace);
  }

  hasIndex(indexName: string): boolean {
    return this.indexes.has(indexName);
  }

  byIndex(indexName: string, value: string): T[] {
    const index = this.indexes.get(indexName);
    if (!index) throw new Error(`informer ${this.resource.plural} has no index ${indexName}`);
    const keys = index.get(value) ?? new Set<string>();
    return [...keys].map((key) => this.store.get(key)).filter((obj): obj is T => obj !== undefined);
  }

  keys(): string[] {
    return [...this.store.keys()];
  }

  /** Objects the decode kept out of the cache, with their problems. */
  invalidObjects(): InvalidObject<T>[] {
    return [...this.invalid.values()];
  }

  /** The resourceVersion the next watch resumes from ('' before the first list or after a 410). */
  lastSyncResourceVersion(): string {
    return this.resourceVersion;
  }

  /**
   * Resolves true once the cache holds every change of its resource up to resourceVersion `rv` (a watch
   * delivers changes in resourceVersion order, so the cache is then as fresh as a list at `rv`); false after
   * `timeoutMs` on the clock, on abort, or for a resourceVersion that is not a number (then read the server).
   */
  waitForResourceVersion(rv: string | undefined, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    const wanted = numericVersion(rv ?? '');
    if (wanted === undefined || signal?.aborted) return Promise.resolve(false);
    const now = numericVersion(this.resourceVersion);
    if (now !== undefined && now >= wanted) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const waiter = {
        rv: wanted,
        done: (caughtUp: boolean) => {
          this.versionWaiters.delete(waiter);
          timer.cancel();
          signal?.removeEventListener('abort', onAbort);
          resolve(caughtUp);
        },
      };
      const onAbort = () => waiter.done(false);
      const timer = setTimerIn(this.clock, timeoutMs, () => waiter.done(false));
      signal?.addEventListener('abort', onAbort, { once: true });
      this.versionWaiters.add(waiter);
    });
  }

  stats(): InformerStats {
    return {
      state: this.state,
      lists: this.lists,
      errors: this.errors,
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
    };
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    let backoffMs = this.initialBackoffMs;
    let goneInARow = 0;
    while (!signal.aborted) {
      let wait = false;
      try {
        if (!this.resourceVersion || this.relistRequested) await this.relist(signal);
        const progressed = await this.watchOnce(signal);
        if (progressed) {
          backoffMs = this.initialBackoffMs;
          goneInARow = 0;
        } else {
          // Ended at once with nothing to say: a server going away looks like this. Do not spin.
          wait = true;
        }
      } catch (err) {
        if (signal.aborted) break;
        const tooLarge = isResourceVersionTooLarge(err);
        if (isGone(err) || tooLarge) {
          this.metrics?.restarted('gone');
          this.log.info(
            { resourceVersion: this.resourceVersion },
            tooLarge
              ? 'resourceVersion ahead of the server (too large resource version); relisting'
              : 'resourceVersion expired (410 Gone); relisting',
          );
          this.resourceVersion = '';
          goneInARow += 1;
          wait = goneInARow > 1;
        } else {
          this.errors += 1;
          this.lastError = err;
          this.metrics?.restarted('error');
          this.log.warn({ err, retryInMs: backoffMs }, 'list/watch failed; retrying');
          wait = true;
        }
      }
      if (wait && !signal.aborted) {
        this.state = 'backoff';
        await sleep(this.clock, backoffMs, signal);
        backoffMs = Math.min(backoffMs * 2, this.maxBackoffMs);
      }
    }
    this.state = 'stopped';
  }

  private async relist(signal: AbortSignal): Promise<void> {
    this.state = 'listing';
    this.relistRequested = false;
    const items: T[] = [];
    let resourceVersion = '';
    let continueToken: string | undefined;
    do {
      const page = await this.client.list<T>(
        this.path,
        { ...this.selectors, limit: this.pageSize, continue: continueToken },
        signal,
      );
      for (const item of page.items ?? []) {
        const obj = this.prepare(item);
        if (obj) items.push(obj);
      }
      const meta = (page.metadata ?? {}) as { resourceVersion?: string; continue?: string };
      resourceVersion = meta.resourceVersion ?? '';
      continueToken = meta.continue || undefined;
    } while (continueToken);
    if (signal.aborted) return;
    this.lists += 1;
    this.metrics?.listed();
    this.replace(items, resourceVersion);
  }

  /** Puts a full list in the cache: what is gone is deleted, what is new added, what changed updated. */
  private replace(items: T[], resourceVersion: string): void {
    const fresh = new Map(items.map((obj) => [objectKey(obj), obj]));
    for (const [key, old] of this.store) {
      if (fresh.has(key)) continue;
      this.remove(key);
      this.emit('delete', old);
    }
    for (const key of this.invalid.keys()) if (!fresh.has(key)) this.invalid.delete(key);
    for (const [key, obj] of fresh) this.admit(key, obj);
    this.setResourceVersion(resourceVersion);
    this.log.debug({ items: items.length, resourceVersion }, 'listed');
    if (!this.synced) {
      this.synced = true;
      const waiters = this.syncWaiters;
      this.syncWaiters = [];
      for (const w of waiters) w.resolve();
      this.log.info({ items: items.length }, 'synced');
    }
  }

  /**
   * One watch from the current resourceVersion. Resolves when it ends normally: true if it delivered
   * anything (or the client-side timeout ended it), false if it ended at once with nothing. Rejects on an
   * error, with an ApiError(410) for an expired resourceVersion.
   */
  private watchOnce(signal: AbortSignal): Promise<boolean> {
    this.state = 'watching';
    return new Promise<boolean>((resolve, reject) => {
      let progressed = false;
      let settled = false;
      let controller: AbortController | undefined;
      const finish = (err: unknown, ok = false) => {
        if (settled) return;
        settled = true;
        timer.cancel();
        signal.removeEventListener('abort', onAbort);
        controller?.abort();
        if (err) reject(err);
        else resolve(progressed || ok);
      };
      const onAbort = () => finish(undefined);
      // A watch the server should have ended but that stays silent is a dead connection: resume it.
      const timer = setTimerIn(this.clock, this.watchTimeoutSeconds * 1000 + WATCH_TIMEOUT_GRACE_MS, () =>
        finish(undefined, true),
      );
      signal.addEventListener('abort', onAbort, { once: true });
      const query: Query = {
        ...this.selectors,
        resourceVersion: this.resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds: this.watchTimeoutSeconds,
      };
      this.client
        .watch(
          this.path,
          query,
          (type, object) => {
            if (settled) return;
            if (type === 'ERROR') {
              const status = object as ApiStatus;
              finish(
                new ApiError(status.code ?? 500, status.message ?? 'watch error', {
                  kind: 'Status',
                  ...(status.code === undefined ? {} : { code: status.code }),
                  ...(status.message === undefined ? {} : { message: status.message }),
                  ...(status.reason === undefined ? {} : { reason: status.reason }),
                  ...(status.details === undefined ? {} : { details: status.details }),
                }),
              );
              return;
            }
            progressed = true;
            this.metrics?.watchEvent(type);
            try {
              this.apply(type, object as unknown as T);
            } catch (err) {
              this.logEventFailure(err, type, object);
              this.relistRequested = true;
            }
            // A failed handler or event: end this watch, so the loop relists.
            if (this.relistRequested) finish(undefined, true);
          },
          (err) => finish(err ?? undefined),
        )
        .then(
          (c) => {
            controller = c;
            if (settled) c.abort();
          },
          (err) => finish(err),
        );
    });
  }

  private apply(type: WatchEventType, raw: T): void {
    const rv = raw.metadata?.resourceVersion;
    if (type === 'BOOKMARK') {
      if (rv) this.setResourceVersion(rv);
      return;
    }
    if (type === 'DELETED') {
      // By key alone: a delete removes what the cache holds whatever the object has become.
      const key = objectKey(raw);
      const old = this.store.get(key);
      this.invalid.delete(key);
      this.remove(key);
      if (old) this.emit('delete', old);
    } else {
      const obj = this.prepare(raw);
      if (obj) this.admit(objectKey(obj), obj);
    }
    if (rv) this.setResourceVersion(rv);
  }

  private setResourceVersion(rv: string): void {
    this.resourceVersion = rv;
    if (this.versionWaiters.size === 0) return;
    const now = numericVersion(rv);
    if (now === undefined) return;
    for (const waiter of this.versionWaiters) if (now >= waiter.rv) waiter.done(true);
  }

  /** The object with type meta, transformed; undefined (and logged) when the transform throws. */
  private prepare(raw: T): T | undefined {
    try {
      return this.withTypeMeta(raw);
    } catch (err) {
      this.logEventFailure(err, 'transform', raw);
      return undefined;
    }
  }

  /** Decodes the object: into the cache when it decodes, else out of it and reported as invalid. */
  private admit(key: string, obj: T): void {
    const decoded = this.decode ? this.decode(obj) : { ok: true as const, object: obj };
    if (decoded.ok) {
      this.invalid.delete(key);
      this.upsert(key, decoded.object);
      return;
    }
    const old = this.store.get(key);
    this.remove(key);
    if (old) this.emit('delete', old);
    const known = this.invalid.get(key);
    if (known && known.object.metadata?.resourceVersion === obj.metadata?.resourceVersion) return;
    this.invalid.set(key, { object: obj, problem: decoded.problem });
    this.log.warn(
      {
        kind: this.resource.kind,
        name: obj.metadata?.name,
        namespace: obj.metadata?.namespace,
        problem: decoded.problem,
      },
      'object does not decode; kept out of the cache',
    );
    for (const handlers of this.handlers) this.callInvalid(handlers, obj, decoded.problem);
  }

  private logEventFailure(err: unknown, event: string, obj: unknown): void {
    const meta = (obj as KubeObject | undefined)?.metadata;
    this.log.error(
      { err, event, kind: this.resource.kind, name: meta?.name, namespace: meta?.namespace },
      'watch event could not be applied; relisting',
    );
  }

  private upsert(key: string, obj: T): void {
    const old = this.store.get(key);
    if (old && old.metadata?.resourceVersion === obj.metadata?.resourceVersion) return;
    if (old) this.unindex(key);
    this.store.set(key, obj);
    this.index(key, obj);
    if (old) this.emit('update', old, obj);
    else this.emit('add', obj);
  }

  private remove(key: string): void {
    if (!this.store.delete(key)) return;
    this.unindex(key);
  }

  private index(key: string, obj: T): void {
    const filed: Array<[string, readonly string[]]> = [];
    for (const [name, fn] of Object.entries(this.indexers)) {
      const index = this.indexes.get(name);
      const values = this.indexValues(name, fn, obj);
      filed.push([name, values]);
      for (const value of values) {
        let keys = index?.get(value);
        if (!keys) {
          keys = new Set();
          index?.set(value, keys);
        }
        keys.add(key);
      }
    }
    this.filed.set(key, filed);
  }

  /** An indexer's values; none (logged) when it throws or returns something else than strings. */
  private indexValues(name: string, fn: IndexFunc<T>, obj: T): readonly string[] {
    try {
      const values = fn(obj);
      if (Array.isArray(values) && values.every((v) => typeof v === 'string')) return values;
      throw new Error(`index ${name} returned ${typeof values}, not strings`);
    } catch (err) {
      const meta = obj.metadata;
      this.log.error(
        { err, index: name, kind: this.resource.kind, name: meta?.name, namespace: meta?.namespace },
        'indexer failed; object not indexed',
      );
      return [];
    }
  }

  private unindex(key: string): void {
    for (const [name, values] of this.filed.get(key) ?? []) {
      const index = this.indexes.get(name);
      for (const value of values) {
        const keys = index?.get(value);
        keys?.delete(key);
        if (keys?.size === 0) index?.delete(value);
      }
    }
    this.filed.delete(key);
  }

  /** List items of built-in kinds come without apiVersion/kind; the cache always has them. */
  private withTypeMeta(raw: T): T {
    const obj = this.transform(raw);
    if (obj.apiVersion && obj.kind) return obj;
    return { ...obj, apiVersion: apiVersionOf(this.resource), kind: this.resource.kind };
  }

  private emit(event: 'add' | 'delete', obj: T): void;
  private emit(event: 'update', oldObj: T, newObj: T): void;
  private emit(event: 'add' | 'update' | 'delete', a: T, b?: T): void {
    for (const handlers of this.handlers) this.call(handlers, event, a, b);
  }

  private call(handlers: EventHandlers<T>, event: 'add' | 'update' | 'delete', a: T, b?: T): void {
    try {
      if (event === 'add') handlers.add?.(a);
      else if (event === 'delete') handlers.delete?.(a);
      else if (b) handlers.update?.(a, b);
    } catch (err) {
      this.handlerFailed(err, event, a);
    }
  }

  private callInvalid(handlers: EventHandlers<T>, obj: T, problem: string): void {
    try {
      handlers.invalid?.(obj, problem);
    } catch (err) {
      this.handlerFailed(err, 'invalid', obj);
    }
  }

  /** Logged with the object's kind and name; the informer relists so no event is silently half-applied. */
  private handlerFailed(err: unknown, event: string, obj: T): void {
    const meta = obj.metadata;
    this.log.error(
      { err, event, kind: this.resource.kind, name: meta?.name, namespace: meta?.namespace },
      'event handler failed; relisting',
    );
    this.relistRequested = true;
  }
}
