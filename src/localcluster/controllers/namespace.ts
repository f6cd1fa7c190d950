// Namespaces: the ones every cluster has, a `default` ServiceAccount in each, and deletion (a terminating
// namespace has its content deleted, then loses its `kubernetes` finalizer and goes).
import type { JsonObject } from '../resource-type.js';
import type { Change } from '../store/store.js';
import { isObject, metadataOf } from '../util/json.js';
import { type Controller, type ControllerContext, servedFor, settle } from './controller.js';
import { WorkQueue } from './queue.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export class NamespaceController implements Controller {
  private readonly terminate: WorkQueue;
  private readonly accounts: WorkQueue;

  constructor(private readonly ctx: ControllerContext) {
    this.terminate = new WorkQueue('namespace', (name) => this.finish(name), ctx.logger);
    this.accounts = new WorkQueue('serviceaccount', (name) => this.ensureServiceAccount(name), ctx.logger);
  }

  start(): void {
    const { api } = this.ctx;
    const namespaces = servedFor(this.ctx, 'namespaces');
    if (!namespaces) return;
    for (const name of SYSTEM_NAMESPACES) {
      if (!api.db.store.get('namespaces', '', name)) {
        settle(
          this.ctx,
          api.create(namespaces, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }),
        );
      }
    }
    const services = servedFor(this.ctx, 'services');
    if (services && !api.db.store.get('services', 'default', 'kubernetes')) {
      const service: JsonObject = {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {
          name: 'kubernetes',
          namespace: 'default',
          labels: { component: 'apiserver', provider: 'kubernetes' },
        },
        spec: {
          clusterIP: '10.96.0.1',
          ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
        },
      };
      settle(this.ctx, api.create(services, 'default', service));
    }
    for (const entry of api.db.store.list('namespaces')) {
      this.accounts.add(entry.name);
      if (metadataOf(entry.object()).deletionTimestamp !== undefined) this.terminate.add(entry.name);
    }
  }

  stop(): void {
    this.terminate.stop();
    this.accounts.stop();
  }

  observe(change: Change): void {
    if (change.resource === 'namespaces') {
      if (change.type === 'ADDED') this.accounts.add(change.entry.name);
      if (change.type !== 'DELETED' && change.entry.json.includes('"deletionTimestamp"')) {
        this.terminate.add(change.entry.name);
      }
      return;
    }
    // An object left a namespace: perhaps the last one of a terminating namespace.
    if (change.type === 'DELETED' && change.entry.namespace !== '')
      this.terminate.add(change.entry.namespace);
  }

  private ensureServiceAccount(namespace: string): void {
    const { api } = this.ctx;
    const ns = api.db.store.get('namespaces', '', namespace);
    if (!ns || metadataOf(ns.object()).deletionTimestamp !== undefined) return;
    if (api.db.store.get('serviceaccounts', namespace, 'default')) return;
    const served = servedFor(this.ctx, 'serviceaccounts');
    if (!served) return;
    const account = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace } };
    settle(this.ctx, api.create(served, namespace, account, { internal: true }));
  }

  private finish(name: string): void {
    const { api } = this.ctx;
    const entry = api.db.store.get('namespaces', '', name);
    if (!entry) return;
    const ns = entry.object();
    if (metadataOf(ns).deletionTimestamp === undefined) return;
    for (const key of api.db.store.resourcesInNamespace(name)) {
      const served = servedFor(this.ctx, key);
      for (const object of api.db.store.list(key, name)) {
        if (metadataOf(object.object()).deletionTimestamp !== undefined) continue;
        if (served) settle(this.ctx, api.delete(served, name, object.name));
        else api.db.remove(key, name, object.name)?.durable.catch(() => undefined);
      }
    }
    if (api.db.store.resourcesInNamespace(name).length > 0) return;
    const spec = isObject(ns.spec) ? ns.spec : {};
    ns.spec = { ...spec, finalizers: [] };
    const served = servedFor(this.ctx, 'namespaces');
    if (served) settle(this.ctx, api.update(served, '', name, ns, { internal: true }));
  }
}
