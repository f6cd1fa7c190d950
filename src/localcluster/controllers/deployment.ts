// Deployments: each gets a ReplicaSet it controls for its current pod template (named
// `<deployment>-<pod-template-hash>`, labelled with the hash, with a controller ownerReference), older
// ReplicaSets are scaled to zero and pruned to revisionHistoryLimit, and the status reports what
// `kubectl rollout status`, `helm --wait` and kstatus check: observedGeneration, the replica counts and the
// Available and Progressing conditions.
import type { JsonObject } from '../resource-type.js';
import type { Entry } from '../store/entry.js';
import type { Change } from '../store/store.js';
import { isObject, metadataOf } from '../util/json.js';
import { rfc3339 } from '../util/time.js';
import {
  type Controller,
  type ControllerContext,
  objectKey,
  servedFor,
  settle,
  splitKey,
} from './controller.js';
import { WorkQueue } from './queue.js';
import { reportReady } from './replicaset.js';

const DEPLOYMENTS = 'deployments.apps';
const REPLICASETS = 'replicasets.apps';
const HASH_LABEL = 'pod-template-hash';
const REVISION = 'deployment.kubernetes.io/revision';
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * Key-order independent JSON without nulls (a typed decoder makes null and absent the same), so equal
 * templates hash and compare equally whatever the client's field order.
 */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value)) {
    return `{${Object.keys(value)
      .filter((k) => value[k] !== undefined && value[k] !== null)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** FNV-1a 32 of the template, encoded as kube's rand.SafeEncodeString does. */
export function podTemplateHash(template: unknown): string {
  let hash = 0x811c9dc5;
  const text = canonical(template);
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return [...String(hash)].map((c) => ALPHANUMS[c.charCodeAt(0) % ALPHANUMS.length]).join('');
}

function objectAt(parent: JsonObject, key: string): JsonObject {
  const value = parent[key];
  return isObject(value) ? value : {};
}

function numberAt(parent: JsonObject, key: string, fallback = 0): number {
  const value = parent[key];
  return typeof value === 'number' ? value : fallback;
}

function revisionOf(rs: JsonObject): number {
  const annotations = objectAt(metadataOf(rs), 'annotations');
  return Number(annotations[REVISION] ?? 0) || 0;
}

/** The template without the hash label: what a ReplicaSet's template is compared on. */
function withoutHash(template: unknown): unknown {
  if (!isObject(template)) return template;
  const meta = objectAt(template, 'metadata');
  const labels = { ...objectAt(meta, 'labels') };
  delete labels[HASH_LABEL];
  return { ...template, metadata: { ...meta, labels } };
}

interface Condition extends JsonObject {
  type: string;
  status: string;
  reason: string;
  message: string;
}

function mergeConditions(old: unknown, wanted: Condition[], now: string): JsonObject[] {
  const previous = Array.isArray(old) ? old.filter(isObject) : [];
  return wanted.map((c) => {
    const before = previous.find((p) => p.type === c.type);
    const same =
      before && before.status === c.status && before.reason === c.reason && before.message === c.message;
    if (same) return before;
    return {
      ...c,
      lastUpdateTime: now,
      lastTransitionTime: before && before.status === c.status ? (before.lastTransitionTime ?? now) : now,
    };
  });
}

export class DeploymentController implements Controller {
  private readonly queue: WorkQueue;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue('deployment', (k) => this.sync(k), ctx.logger);
  }

  start(): void {
    for (const e of this.ctx.api.db.store.list(DEPLOYMENTS)) this.queue.add(objectKey(e.namespace, e.name));
  }

  stop(): void {
    this.queue.stop();
  }

  observe(change: Change): void {
    if (change.resource === DEPLOYMENTS && change.type !== 'DELETED') {
      this.queue.add(objectKey(change.entry.namespace, change.entry.name));
    } else if (change.resource === REPLICASETS) {
      for (const uid of change.entry.owners) {
        const owner = this.ctx.api.db.store.byUid(uid);
        if (owner?.resource === DEPLOYMENTS) this.queue.add(objectKey(owner.namespace, owner.name));
      }
    }
  }

  private ownedReplicaSets(deployment: Entry): Array<{ entry: Entry; obj: JsonObject }> {
    const store = this.ctx.api.db.store;
    const out: Array<{ entry: Entry; obj: JsonObject }> = [];
    for (const key of store.dependentsOf(deployment.uid)) {
      if (key.resource !== REPLICASETS) continue;
      const entry = store.get(key.resource, key.namespace, key.name);
      if (!entry) continue;
      const obj = entry.object();
      const refs = metadataOf(obj).ownerReferences;
      const controlled =
        Array.isArray(refs) &&
        refs.some((r) => isObject(r) && r.uid === deployment.uid && r.controller === true);
      if (controlled) out.push({ entry, obj });
    }
    return out;
  }

  private sync(k: string): void {
    const [namespace, name] = splitKey(k);
    const { api } = this.ctx;
    const entry = api.db.store.get(DEPLOYMENTS, namespace, name);
    const rsServed = servedFor(this.ctx, REPLICASETS);
    const served = servedFor(this.ctx, DEPLOYMENTS);
    if (!entry || !rsServed || !served) return;
    const deployment = entry.object();
    const meta = metadataOf(deployment);
    if (meta.deletionTimestamp !== undefined) return;
    const spec = objectAt(deployment, 'spec');
    const replicas = numberAt(spec, 'replicas', 1);
    const template = objectAt(spec, 'template');
    const hash = podTemplateHash(template);
    const owned = this.ownedReplicaSets(entry);
    const wantedTemplate = canonical(withoutHash(template));
    let current = owned.find(
      ({ obj }) => canonical(withoutHash(objectAt(obj, 'spec').template)) === wantedTemplate,
    );
    const maxRevision = Math.max(0, ...owned.map(({ obj }) => revisionOf(obj)));

    if (!spec.paused) {
      if (!current) {
        const created = this.createReplicaSet(deployment, hash, replicas, maxRevision + 1);
        if (!created) return;
        current = created;
      } else if (
        numberAt(objectAt(current.obj, 'spec'), 'replicas', 1) !== replicas ||
        revisionOf(current.obj) < maxRevision
      ) {
        const obj = current.obj;
        obj.spec = { ...objectAt(obj, 'spec'), replicas };
        const annotations = { ...objectAt(metadataOf(obj), 'annotations') };
        if (revisionOf(obj) < maxRevision) annotations[REVISION] = String(maxRevision + 1);
        metadataOf(obj).annotations = annotations;
        settle(this.ctx, api.update(rsServed, namespace, current.entry.name, obj, { internal: true }));
      }
      this.retireOld(owned, current.entry.name, numberAt(spec, 'revisionHistoryLimit', 10));
      // The ReplicaSets report before the Deployment does, as their controller would have by then.
      for (const rs of this.ownedReplicaSets(entry))
        reportReady(this.ctx, REPLICASETS, namespace, rs.entry.name);
    }
    this.updateStatus(entry, deployment, current);
  }

  private createReplicaSet(
    deployment: JsonObject,
    hash: string,
    replicas: number,
    revision: number,
  ): { entry: Entry; obj: JsonObject } | undefined {
    const { api } = this.ctx;
    const served = servedFor(this.ctx, REPLICASETS);
    if (!served) return undefined;
    const meta = metadataOf(deployment);
    const spec = objectAt(deployment, 'spec');
    const template = structuredClone(objectAt(spec, 'template'));
    const templateMeta = objectAt(template, 'metadata');
    const labels = { ...objectAt(templateMeta, 'labels'), [HASH_LABEL]: hash };
    template.metadata = { ...templateMeta, labels };
    const selector = structuredClone(objectAt(spec, 'selector'));
    selector.matchLabels = { ...objectAt(selector, 'matchLabels'), [HASH_LABEL]: hash };
    const namespace = String(meta.namespace ?? '');
    const rs: JsonObject = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${String(meta.name)}-${hash}`,
        namespace,
        labels,
        annotations: {
          'deployment.kubernetes.io/desired-replicas': String(replicas),
          'deployment.kubernetes.io/max-replicas': String(replicas + 1),
          [REVISION]: String(revision),
        },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name: meta.name,
            uid: meta.uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: {
        replicas,
        ...(spec.minReadySeconds !== undefined ? { minReadySeconds: spec.minReadySeconds } : {}),
        selector,
        template,
      },
    };
    const result = api.create(served, namespace, rs, { internal: true });
    settle(this.ctx, result);
    return result.entry ? { entry: result.entry, obj: result.entry.object() } : undefined;
  }

  /** Older ReplicaSets go to zero replicas; beyond revisionHistoryLimit they are deleted, oldest first. */
  private retireOld(
    owned: Array<{ entry: Entry; obj: JsonObject }>,
    currentName: string,
    limit: number,
  ): void {
    const { api } = this.ctx;
    const served = servedFor(this.ctx, REPLICASETS);
    if (!served) return;
    const old = owned
      .filter(({ entry }) => entry.name !== currentName)
      .sort((a, b) => revisionOf(a.obj) - revisionOf(b.obj));
    old.forEach(({ entry, obj }, i) => {
      if (i < old.length - limit) {
        settle(this.ctx, api.delete(served, entry.namespace, entry.name));
      } else if (numberAt(objectAt(obj, 'spec'), 'replicas', 1) !== 0) {
        obj.spec = { ...objectAt(obj, 'spec'), replicas: 0 };
        settle(this.ctx, api.update(served, entry.namespace, entry.name, obj, { internal: true }));
      }
    });
  }

  private updateStatus(
    entry: Entry,
    deployment: JsonObject,
    current: { entry: Entry; obj: JsonObject } | undefined,
  ): void {
    const { api } = this.ctx;
    const served = servedFor(this.ctx, DEPLOYMENTS);
    if (!served) return;
    const store = api.db.store;
    let replicas = 0;
    let ready = 0;
    let available = 0;
    let updated = 0;
    for (const { entry: rsEntry } of this.ownedReplicaSets(entry)) {
      const fresh = store.get(REPLICASETS, rsEntry.namespace, rsEntry.name);
      if (!fresh) continue;
      const status = objectAt(fresh.object(), 'status');
      replicas += numberAt(status, 'replicas');
      ready += numberAt(status, 'readyReplicas');
      available += numberAt(status, 'availableReplicas');
      if (current && fresh.name === current.entry.name) updated = numberAt(status, 'replicas');
    }
    const spec = objectAt(deployment, 'spec');
    const wanted = numberAt(spec, 'replicas', 1);
    const meta = metadataOf(deployment);
    const rsName = current?.entry.name ?? '';
    const complete = updated === wanted && replicas === wanted && available === wanted;
    const now = rfc3339(this.ctx.api.now());
    const oldStatus = objectAt(deployment, 'status');
    const status: JsonObject = {
      observedGeneration: meta.generation ?? 1,
      replicas,
      updatedReplicas: updated,
    };
    if (ready > 0) status.readyReplicas = ready;
    if (available > 0) status.availableReplicas = available;
    if (replicas - available > 0) status.unavailableReplicas = replicas - available;
    status.conditions = mergeConditions(
      oldStatus.conditions,
      [
        available >= wanted || wanted === 0
          ? {
              type: 'Available',
              status: 'True',
              reason: 'MinimumReplicasAvailable',
              message: 'Deployment has minimum availability.',
            }
          : {
              type: 'Available',
              status: 'False',
              reason: 'MinimumReplicasUnavailable',
              message: 'Deployment does not have minimum availability.',
            },
        complete
          ? {
              type: 'Progressing',
              status: 'True',
              reason: 'NewReplicaSetAvailable',
              message: `ReplicaSet "${rsName}" has successfully progressed.`,
            }
          : {
              type: 'Progressing',
              status: 'True',
              reason: 'ReplicaSetUpdated',
              message: `ReplicaSet "${rsName}" is progressing.`,
            },
      ],
      now,
    );
    deployment.status = status;
    settle(
      this.ctx,
      api.update(served, entry.namespace, entry.name, deployment, { internal: true, subresource: 'status' }),
    );
  }
}
