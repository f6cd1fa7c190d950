// Create, update and delete with kube-apiserver's semantics, shared by the HTTP handlers and the built-in
// controllers: server-set metadata, optimistic concurrency, status subresource, generation, no-op writes,
// finalizers and deletionTimestamp, dry run and field validation.
import { randomInt, randomUUID } from 'node:crypto';
import { validateMetadataFields } from '@teams-device-operator/apimachinery';
import { validateName } from '../builtin/names.js';
import {
  ApiError,
  alreadyExists,
  badRequest,
  conflict,
  forbidden,
  notFound,
  type StatusCause,
} from '../errors.js';
import type { Registry, Served } from '../registry.js';
import type { JsonObject } from '../resource-type.js';
import type { Database } from '../store/database.js';
import type { Entry } from '../store/entry.js';
import { deepEqual, isObject, metadataOf, stringField } from '../util/json.js';
import { type Now, rfc3339 } from '../util/time.js';
import type { AdmissionContext } from './behavior.js';
import { checkUnknownFields, type FieldValidation, invalidObject } from './fields.js';
import { recordWrite } from './managed-fields.js';

export interface WriteOptions {
  dryRun?: boolean;
  fieldValidation?: FieldValidation;
  /** 'status' for the status subresource. */
  subresource?: string;
  /** Writes of the built-in controllers: no kind hooks, preconditions, validation or managedFields. */
  internal?: boolean;
  /** The manager recorded in metadata.managedFields (the fieldManager parameter, else from User-Agent). */
  fieldManager?: string;
  /** The manager when `fieldManager` is not given: the client's User-Agent up to its first '/'. */
  defaultFieldManager?: string;
  /** A server-side apply: managedFields are already computed. */
  apply?: boolean;
}

export interface WriteResult {
  /** 201 for a create, else 200. */
  code: number;
  /** The stored entry; absent for a dry run (see `object`) and for the Status answer of a delete. */
  entry?: Entry;
  /** The object as it would be stored, for a dry run. */
  object?: JsonObject;
  /** True when a delete removed the object and the kind answers with a Status rather than the object. */
  statusOnly?: boolean;
  warnings: string[];
  /** Resolves once the write is durable. */
  durable: Promise<void>;
}

export interface DeleteOptions {
  dryRun?: boolean;
  propagationPolicy?: string;
  preconditions?: { uid?: string; resourceVersion?: string };
}

const DONE = Promise.resolve();
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const PROTECTED_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);

function randomSuffix(): string {
  let out = '';
  for (let i = 0; i < 5; i++) out += SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)];
  return out;
}

/** The object without metadata and status: what a generation counts changes of. */
function specPart(obj: JsonObject): JsonObject {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}

function withoutVolatile(obj: JsonObject): JsonObject {
  const meta = isObject(obj.metadata) ? { ...obj.metadata } : {};
  delete meta.resourceVersion;
  if (Array.isArray(meta.managedFields)) {
    meta.managedFields = meta.managedFields.map((f) => (isObject(f) ? { ...f, time: undefined } : f));
  }
  return { ...obj, metadata: meta };
}

/** A namespace also waits for its spec.finalizers (the namespace controller's `kubernetes`). */
function namespaceFinalizers(served: Served, obj: JsonObject): boolean {
  if (served.key !== 'namespaces' || !isObject(obj.spec)) return false;
  return Array.isArray(obj.spec.finalizers) && obj.spec.finalizers.length > 0;
}

export class ObjectApi {
  readonly admission: AdmissionContext;

  constructor(
    readonly db: Database,
    readonly registry: Registry,
    readonly now: Now,
  ) {
    this.admission = {
      now,
      store: db.store,
      allocateClusterIP: () => this.allocateClusterIP(),
    };
  }

  get(served: Served, namespace: string, name: string): Entry {
    const entry = this.db.store.get(served.key, served.type.namespaced ? namespace : '', name);
    if (!entry) throw notFound(served.gr, name);
    return entry;
  }

  create(served: Served, namespace: string, obj: JsonObject, options: WriteOptions = {}): WriteResult {
    const meta = metadataOf(obj);
    const ns = this.namespaceFor(served, namespace, meta);
    const warnings: string[] = [];
    let name = stringField(meta, 'name') ?? '';
    const generateName = stringField(meta, 'generateName');
    if (name === '' && generateName) {
      do name = `${generateName}${randomSuffix()}`;
      while (this.db.store.get(served.key, ns, name));
    }
    meta.name = name;
    if (!options.internal) {
      const causes = [...validateName(name, served.behavior.nameRule), ...validateMetadataFields(meta)];
      if (causes.length > 0) throw invalidObject(served, name, causes);
    }
    if (ns !== '') this.checkNamespaceOpen(served, ns, name);

    meta.uid = randomUUID();
    meta.creationTimestamp = rfc3339(this.now());
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.selfLink;
    if (served.behavior.generation) meta.generation = 1;
    else delete meta.generation;
    if (served.type.subresources.includes('status') && !options.internal) delete obj.status;

    let admitted = obj;
    if (!options.internal) {
      served.behavior.prepareCreate?.(admitted, this.admission);
      admitted = this.admit(served, admitted, undefined, options, warnings);
      if (!options.apply) admitted = this.recordManager(served, undefined, admitted, options);
    }
    if (this.db.store.get(served.key, ns, name)) throw alreadyExists(served.gr, name);
    if (options.dryRun) return { code: 201, object: admitted, warnings, durable: DONE };
    const { change, durable } = this.db.put(served.key, admitted);
    return { code: 201, entry: change.entry, warnings, durable };
  }

  /**
   * Replaces an object (PUT, or the result of a patch). `obj` is in stored form. With
   * `options.subresource === 'status'` only the status changes.
   */
  update(
    served: Served,
    namespace: string,
    name: string,
    obj: JsonObject,
    options: WriteOptions = {},
  ): WriteResult {
    const meta = metadataOf(obj);
    const ns = served.type.namespaced ? namespace : '';
    const bodyName = stringField(meta, 'name');
    if (bodyName !== undefined && bodyName !== '' && bodyName !== name) {
      throw badRequest(`the name of the object (${bodyName}) does not match the name on the URL (${name})`);
    }
    meta.name = name;
    const bodyNamespace = stringField(meta, 'namespace');
    if (
      served.type.namespaced &&
      bodyNamespace !== undefined &&
      bodyNamespace !== '' &&
      bodyNamespace !== ns
    ) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    if (served.type.namespaced) meta.namespace = ns;
    else delete meta.namespace;

    const existing = this.db.store.get(served.key, ns, name);
    if (!existing) {
      if (served.behavior.allowCreateOnUpdate && !options.subresource)
        return this.create(served, ns, obj, options);
      throw notFound(served.gr, name);
    }
    const old = existing.object();
    const oldMeta = metadataOf(old);
    const rv = stringField(meta, 'resourceVersion');
    if (rv !== undefined && rv !== '' && rv !== oldMeta.resourceVersion) throw conflict(served.gr, name);
    if ((rv === undefined || rv === '') && !served.behavior.allowUnconditionalUpdate && !options.internal) {
      throw invalidObject(served, name, [
        {
          reason: 'FieldValueInvalid',
          message: 'Invalid value: 0x0: must be specified for an update',
          field: 'metadata.resourceVersion',
        },
      ]);
    }

    let next: JsonObject;
    if (options.subresource === 'status') {
      next = existing.object();
      if (obj.status === undefined) delete next.status;
      else next.status = obj.status;
      if (meta.managedFields !== undefined) metadataOf(next).managedFields = meta.managedFields;
    } else {
      next = obj;
      if (served.type.subresources.includes('status') && !options.internal) {
        if (old.status === undefined) delete next.status;
        else next.status = old.status;
      }
      for (const key of [
        'uid',
        'creationTimestamp',
        'deletionTimestamp',
        'deletionGracePeriodSeconds',
        'generation',
      ]) {
        if (oldMeta[key] === undefined) delete meta[key];
        else meta[key] = oldMeta[key];
      }
      if (meta.managedFields === undefined && oldMeta.managedFields !== undefined) {
        meta.managedFields = oldMeta.managedFields;
      }
      delete meta.selfLink;
      if (!options.internal) {
        const causes = validateMetadataFields(meta);
        if (causes.length > 0) throw invalidObject(served, name, causes);
        this.checkFinalizers(served, name, oldMeta, meta);
        served.behavior.prepareUpdate?.(next, old, this.admission);
      }
    }
    const warnings: string[] = [];
    if (!options.internal) {
      next = this.admit(served, next, old, options, warnings);
      if (!options.apply) next = this.recordManager(served, old, next, options);
    }
    const nextMeta = metadataOf(next);
    if (served.behavior.generation) {
      const generation = typeof oldMeta.generation === 'number' ? oldMeta.generation : 1;
      nextMeta.generation = deepEqual(specPart(next), specPart(old)) ? generation : generation + 1;
    }
    nextMeta.resourceVersion = oldMeta.resourceVersion;

    if (deepEqual(withoutVolatile(next), withoutVolatile(old))) {
      return { code: 200, entry: existing, warnings, durable: DONE };
    }
    const finalizers = Array.isArray(nextMeta.finalizers) ? nextMeta.finalizers : [];
    if (
      nextMeta.deletionTimestamp !== undefined &&
      finalizers.length === 0 &&
      !namespaceFinalizers(served, next)
    ) {
      if (options.dryRun) return { code: 200, object: next, warnings, durable: DONE };
      // The last finalizer is gone: the object goes (kube-apiserver deletes it in the same update).
      this.db.put(served.key, next);
      const removed = this.db.remove(served.key, ns, name);
      return { code: 200, entry: removed?.change.entry, warnings, durable: removed?.durable ?? DONE };
    }
    if (options.dryRun) return { code: 200, object: next, warnings, durable: DONE };
    const { change, durable } = this.db.put(served.key, next);
    return { code: 200, entry: change.entry, warnings, durable };
  }

  delete(served: Served, namespace: string, name: string, options: DeleteOptions = {}): WriteResult {
    const ns = served.type.namespaced ? namespace : '';
    const existing = this.db.store.get(served.key, ns, name);
    if (!existing) throw notFound(served.gr, name);
    const obj = existing.object();
    const meta = metadataOf(obj);
    const pre = options.preconditions;
    if (pre?.uid && pre.uid !== meta.uid) {
      throw conflict(
        served.gr,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${String(meta.uid)}`,
      );
    }
    if (pre?.resourceVersion && pre.resourceVersion !== meta.resourceVersion) {
      throw conflict(
        served.gr,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${String(meta.resourceVersion)}`,
      );
    }
    if (served.key === 'namespaces' && PROTECTED_NAMESPACES.has(name)) {
      throw forbidden(served.gr, name, 'this namespace may not be deleted');
    }
    const finalizers = Array.isArray(meta.finalizers) ? [...(meta.finalizers as unknown[])] : [];
    const policy = options.propagationPolicy;
    if (meta.deletionTimestamp === undefined) {
      if (policy === 'Foreground' && !finalizers.includes('foregroundDeletion'))
        finalizers.push('foregroundDeletion');
      if (policy === 'Orphan' && !finalizers.includes('orphan')) finalizers.push('orphan');
    }
    const graceful = this.gracefulDeletion(served, obj);
    if (finalizers.length === 0 && !graceful) {
      if (options.dryRun) return { code: 200, object: obj, warnings: [], durable: DONE };
      const removed = this.db.remove(served.key, ns, name);
      return {
        code: 200,
        entry: removed?.change.entry,
        statusOnly: !served.behavior.returnDeletedObject,
        warnings: [],
        durable: removed?.durable ?? DONE,
      };
    }
    if (meta.deletionTimestamp !== undefined && deepEqual(meta.finalizers ?? [], finalizers)) {
      return { code: 200, entry: existing, warnings: [], durable: DONE };
    }
    meta.deletionTimestamp ??= rfc3339(this.now());
    meta.deletionGracePeriodSeconds ??= 0;
    if (finalizers.length > 0) meta.finalizers = finalizers;
    if (options.dryRun) return { code: 200, object: obj, warnings: [], durable: DONE };
    const { change, durable } = this.db.put(served.key, obj);
    return { code: 200, entry: change.entry, warnings: [], durable };
  }

  /** Kinds whose deletion always goes through a controller: namespaces and CRDs (set up for it here). */
  private gracefulDeletion(served: Served, obj: JsonObject): boolean {
    const meta = metadataOf(obj);
    if (served.key === 'namespaces') {
      const status = isObject(obj.status) ? obj.status : {};
      obj.status = { ...status, phase: 'Terminating' };
      return true;
    }
    if (
      served.key === 'customresourcedefinitions.apiextensions.k8s.io' &&
      meta.deletionTimestamp === undefined
    ) {
      const finalizers = Array.isArray(meta.finalizers) ? meta.finalizers : [];
      meta.finalizers = [...finalizers, 'customresourcecleanup.apiextensions.k8s.io'];
      return true;
    }
    return false;
  }

  private namespaceFor(served: Served, namespace: string, meta: JsonObject): string {
    if (!served.type.namespaced) {
      delete meta.namespace;
      return '';
    }
    const bodyNamespace = stringField(meta, 'namespace');
    if (bodyNamespace !== undefined && bodyNamespace !== '' && bodyNamespace !== namespace) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    meta.namespace = namespace;
    return namespace;
  }

  private checkNamespaceOpen(served: Served, namespace: string, name: string): void {
    const entry = this.db.store.get('namespaces', '', namespace);
    if (!entry) throw notFound({ group: '', resource: 'namespaces' }, namespace);
    if (
      entry.json.includes('"deletionTimestamp"') &&
      metadataOf(entry.object()).deletionTimestamp !== undefined
    ) {
      throw forbidden(
        served.gr,
        name,
        `unable to create new content in namespace ${namespace} because it is being terminated`,
      );
    }
  }

  private checkFinalizers(served: Served, name: string, oldMeta: JsonObject, meta: JsonObject): void {
    if (oldMeta.deletionTimestamp === undefined) return;
    const before = new Set(Array.isArray(oldMeta.finalizers) ? oldMeta.finalizers : []);
    const added = (Array.isArray(meta.finalizers) ? meta.finalizers : []).filter((f) => !before.has(f));
    if (added.length === 0) return;
    const cause: StatusCause = {
      reason: 'FieldValueForbidden',
      message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added
        .map((f) => JSON.stringify(f))
        .join(', ')}}`,
      field: 'metadata.finalizers',
    };
    throw invalidObject(served, name, [cause]);
  }

  private admit(
    served: Served,
    obj: JsonObject,
    old: JsonObject | undefined,
    options: WriteOptions,
    warnings: string[],
  ): JsonObject {
    const admit = served.behavior.admit;
    if (!admit) return obj;
    const name = stringField(metadataOf(obj), 'name') ?? '';
    const result = admit(obj, old, this.admission);
    if (result.causes.length > 0) throw invalidObject(served, name, result.causes);
    checkUnknownFields(result.unknownFields, options.fieldValidation ?? 'Warn', warnings);
    if (result.warnings) warnings.push(...result.warnings);
    return result.object;
  }

  /** metadata.managedFields after a write that is not an apply (create, update, patch). */
  private recordManager(
    served: Served,
    old: JsonObject | undefined,
    next: JsonObject,
    options: WriteOptions,
  ): JsonObject {
    const manager = options.fieldManager ?? options.defaultFieldManager;
    if (!manager) return next;
    const subresource = options.subresource === 'status' ? 'status' : undefined;
    return recordWrite(served, old, next, manager, this.now(), subresource);
  }

  private allocateClusterIP(): string {
    const used = new Set<string>();
    for (const entry of this.db.store.list('services')) {
      const spec = entry.object().spec;
      if (isObject(spec) && typeof spec.clusterIP === 'string') used.add(spec.clusterIP);
    }
    // 10.96.0.0/12; 10.96.0.1 is the `kubernetes` Service.
    for (let i = 1; i < 1 << 20; i++) {
      const ip = `10.${96 + (i >>> 16)}.${(i >>> 8) & 255}.${i & 255}`;
      if (!used.has(ip)) return ip;
    }
    throw new ApiError(500, 'InternalError', 'Internal error occurred: no free cluster IP');
  }
}
