// Object semantics of the embedded control plane over raw HTTP: resourceVersion and generation, no-op
// writes, the status subresource, finalizers, namespace deletion, garbage collection, patches, CRDs.
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import { type LocalCluster, startLocalCluster } from '../index.js';
import { committedCrd } from './support/crds.js';
import { rawCall } from './support/raw-api.js';

const CRD = committedCrd('teamsdevices') as Record<string, unknown>;
const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const CM = '/api/v1/namespaces/default/configmaps';

function device(name: string, model = 'MP56') {
  return {
    apiVersion: 'teamsdevices.io/v1alpha1',
    kind: 'TeamsDevice',
    metadata: { name },
    spec: { type: 'Phone', manufacturer: 'Yealink', model },
  };
}

async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(20);
  }
}

describe('localcluster server object semantics', () => {
  let cluster: LocalCluster;

  const call = (method: string, path: string, body?: unknown, contentType = 'application/json') =>
    rawCall(cluster, method, path, body, { 'content-type': contentType });
  const rvOf = async () => Number((await call('GET', '/api/v1/namespaces')).body.metadata.resourceVersion);

  before(async () => {
    cluster = await startLocalCluster({ tls: false });
    expect((await call('POST', CRDS, CRD)).status).to.equal(201);
    for (const ns of ['objects', 'doomed']) {
      expect((await call('POST', '/api/v1/namespaces', { metadata: { name: ns } })).status).to.equal(201);
    }
  });

  after(() => cluster.stop());

  const devices = (ns = 'objects') => `/apis/teamsdevices.io/v1alpha1/namespaces/${ns}/teamsdevices`;

  it('should set uid, creationTimestamp, generation 1 and a resourceVersion from one global counter', async () => {
    const before = await rvOf();
    const a = (await call('POST', devices(), device('rv-a'))).body;
    const b = (await call('POST', CM, { metadata: { name: 'rv-b' } })).body;
    expect(a.metadata.uid).to.match(/^[0-9a-f-]{36}$/);
    expect(a.metadata.creationTimestamp).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(a.metadata.generation).to.equal(1);
    expect(Number(a.metadata.resourceVersion)).to.be.greaterThan(before);
    expect(Number(b.metadata.resourceVersion)).to.equal(Number(a.metadata.resourceVersion) + 1);
  });

  it('should generate a name from generateName', async () => {
    const created = await call('POST', CM, { metadata: { generateName: 'gen-' } });
    expect(created.status).to.equal(201);
    expect(created.body.metadata.name).to.match(/^gen-[a-z0-9]{5}$/);
  });

  it('should bump nothing for a write that changes nothing', async () => {
    const created = (await call('POST', devices(), device('noop'))).body;
    const put = await call('PUT', `${devices()}/noop`, created);
    expect(put.status).to.equal(200);
    expect(put.body.metadata.resourceVersion).to.equal(created.metadata.resourceVersion);
    const patched = await call(
      'PATCH',
      `${devices()}/noop`,
      { spec: { model: 'MP56' } },
      'application/merge-patch+json',
    );
    expect(patched.body.metadata.resourceVersion).to.equal(created.metadata.resourceVersion);
  });

  it('should bump generation on spec changes only, and resourceVersion on every change', async () => {
    const created = (await call('POST', devices(), device('gen'))).body;
    const labelled = (
      await call(
        'PATCH',
        `${devices()}/gen`,
        { metadata: { labels: { a: 'b' } } },
        'application/merge-patch+json',
      )
    ).body;
    expect(labelled.metadata.generation).to.equal(1);
    expect(Number(labelled.metadata.resourceVersion)).to.be.greaterThan(
      Number(created.metadata.resourceVersion),
    );
    const respec = (
      await call('PATCH', `${devices()}/gen`, { spec: { model: 'MP58' } }, 'application/merge-patch+json')
    ).body;
    expect(respec.metadata.generation).to.equal(2);
    const status = await call(
      'PATCH',
      `${devices()}/gen/status`,
      { status: { online: true } },
      'application/merge-patch+json',
    );
    expect(status.body.metadata.generation).to.equal(2);
    expect(status.body.status.online).to.equal(true);
  });

  it('should keep status on main-resource writes and change only status through /status', async () => {
    await call('POST', devices(), device('st'));
    const withStatus = (
      await call(
        'PATCH',
        `${devices()}/st/status`,
        { status: { online: true } },
        'application/merge-patch+json',
      )
    ).body;
    withStatus.status = { online: false };
    withStatus.spec.model = 'T58';
    const main = (await call('PUT', `${devices()}/st`, withStatus)).body;
    expect(main.status).to.deep.equal({ online: true });
    expect(main.spec.model).to.equal('T58');
    main.spec.model = 'IGNORED';
    main.status = { online: false };
    const viaStatus = (await call('PUT', `${devices()}/st/status`, main)).body;
    expect(viaStatus.spec.model).to.equal('T58');
    expect(viaStatus.status).to.deep.equal({ online: false });
  });

  it('should drop status sent with a create when status is a subresource', async () => {
    const created = await call('POST', devices(), { ...device('nostatus'), status: { online: true } });
    expect(created.body).to.not.have.property('status');
  });

  it('should require metadata.resourceVersion to update a custom resource', async () => {
    await call('POST', devices(), device('uncond'));
    const res = await call('PUT', `${devices()}/uncond`, device('uncond', 'T58'));
    expect(res.status).to.equal(422);
    expect(res.body.message).to.equal(
      'TeamsDevice.teamsdevices.io "uncond" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update',
    );
  });

  it('should treat metadata.resourceVersion in a patch as a precondition', async () => {
    const created = (await call('POST', CM, { metadata: { name: 'pre' }, data: { a: '1' } })).body;
    const ok = await call(
      'PATCH',
      `${CM}/pre`,
      { metadata: { resourceVersion: created.metadata.resourceVersion }, data: { a: '2' } },
      'application/merge-patch+json',
    );
    expect(ok.status).to.equal(200);
    const stale = await call(
      'PATCH',
      `${CM}/pre`,
      { metadata: { resourceVersion: created.metadata.resourceVersion }, data: { a: '3' } },
      'application/merge-patch+json',
    );
    expect(stale.status).to.equal(409);
    expect(stale.body.reason).to.equal('Conflict');
  });

  it('should apply JSON patches and strategic merge patches to built-in kinds', async () => {
    await call('POST', CM, { metadata: { name: 'jp' }, data: { a: '1' } });
    const json = await call(
      'PATCH',
      `${CM}/jp`,
      [{ op: 'add', path: '/data/b', value: '2' }],
      'application/json-patch+json',
    );
    expect(json.body.data).to.deep.equal({ a: '1', b: '2' });
    const failed = await call(
      'PATCH',
      `${CM}/jp`,
      [{ op: 'test', path: '/data/a', value: 'x' }],
      'application/json-patch+json',
    );
    expect(failed.status).to.equal(422);
    const deployment = {
      metadata: { name: 'smp' },
      spec: {
        selector: { matchLabels: { app: 'smp' } },
        template: {
          metadata: { labels: { app: 'smp' } },
          spec: {
            containers: [
              { name: 'a', image: 'a:1' },
              { name: 'b', image: 'b:1' },
            ],
          },
        },
      },
    };
    expect((await call('POST', '/apis/apps/v1/namespaces/default/deployments', deployment)).status).to.equal(
      201,
    );
    const smp = await call(
      'PATCH',
      '/apis/apps/v1/namespaces/default/deployments/smp',
      { spec: { template: { spec: { containers: [{ name: 'b', image: 'b:2' }] } } } },
      'application/strategic-merge-patch+json',
    );
    expect(smp.body.spec.template.spec.containers).to.deep.equal([
      { name: 'a', image: 'a:1' },
      { name: 'b', image: 'b:2' },
    ]);
  });

  it('should create with server-side apply, require a fieldManager, and re-apply as a no-op', async () => {
    const doc = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: "1"\n';
    const noManager = await call('PATCH', `${CM}/ssa`, doc, 'application/apply-patch+yaml');
    expect(noManager.status).to.equal(400);
    const first = await call('PATCH', `${CM}/ssa?fieldManager=tester`, doc, 'application/apply-patch+yaml');
    expect(first.status).to.equal(201);
    expect(first.body.metadata.managedFields[0]).to.include({ manager: 'tester', operation: 'Apply' });
    const again = await call('PATCH', `${CM}/ssa?fieldManager=tester`, doc, 'application/apply-patch+yaml');
    expect(again.status).to.equal(200);
    expect(again.body.metadata.resourceVersion).to.equal(first.body.metadata.resourceVersion);
    const other = await call(
      'PATCH',
      `${CM}/ssa?fieldManager=other`,
      doc.replace('"1"', '"2"'),
      'application/apply-patch+yaml',
    );
    expect(other.status).to.equal(409);
    expect(other.body.message).to.match(/^Apply failed with 1 conflict: conflict with "tester": \.data\.a$/);
  });

  it('should keep an object with finalizers until the last finalizer goes, with a deletionTimestamp', async () => {
    const created = (await call('POST', CM, { metadata: { name: 'fin', finalizers: ['example.com/hold'] } }))
      .body;
    const deleting = await call('DELETE', `${CM}/fin`);
    expect(deleting.status).to.equal(200);
    expect(deleting.body.metadata.deletionTimestamp).to.be.a('string');
    expect(Number(deleting.body.metadata.resourceVersion)).to.be.greaterThan(
      Number(created.metadata.resourceVersion),
    );
    expect((await call('GET', `${CM}/fin`)).status).to.equal(200);
    const added = await call(
      'PATCH',
      `${CM}/fin`,
      { metadata: { finalizers: ['example.com/hold', 'example.com/more'] } },
      'application/merge-patch+json',
    );
    expect(added.status).to.equal(422);
    const released = await call(
      'PATCH',
      `${CM}/fin`,
      { metadata: { finalizers: null } },
      'application/merge-patch+json',
    );
    expect(released.status).to.equal(200);
    expect((await call('GET', `${CM}/fin`)).status).to.equal(404);
  });

  it('should answer a delete of a ConfigMap with a Success Status and of a custom resource with the object', async () => {
    await call('POST', CM, { metadata: { name: 'del' } });
    const cm = await call('DELETE', `${CM}/del`);
    expect(cm.body).to.include({ kind: 'Status', status: 'Success' });
    expect(cm.body.details).to.include({ name: 'del', kind: 'configmaps' });
    await call('POST', devices(), device('del'));
    const cr = await call('DELETE', `${devices()}/del`);
    expect(cr.body.kind).to.equal('TeamsDevice');
    expect((await call('DELETE', `${devices()}/del`)).status).to.equal(404);
  });

  it('should refuse a delete whose preconditions do not hold', async () => {
    await call('POST', CM, { metadata: { name: 'precond' } });
    const res = await call('DELETE', `${CM}/precond`, { preconditions: { uid: 'not-the-uid' } });
    expect(res.status).to.equal(409);
    expect(res.body.message).to.match(
      /^Operation cannot be fulfilled on configmaps "precond": Precondition failed: UID in precondition: not-the-uid/,
    );
  });

  it('should serve cluster-wide lists of namespaced kinds and filter lists by label and field selectors', async () => {
    await call('POST', '/api/v1/namespaces/objects/configmaps', {
      metadata: { name: 'sel-1', labels: { tier: 'a' } },
    });
    await call('POST', '/api/v1/namespaces/objects/configmaps', {
      metadata: { name: 'sel-2', labels: { tier: 'b' } },
    });
    const all = (await call('GET', '/api/v1/configmaps')).body;
    expect(all.kind).to.equal('ConfigMapList');
    const namespaces = new Set(
      all.items.map((i: { metadata: { namespace: string } }) => i.metadata.namespace),
    );
    expect([...namespaces]).to.include.members(['default', 'objects']);
    const byLabel = (await call('GET', '/api/v1/configmaps?labelSelector=tier%20in%20(a)')).body;
    expect(byLabel.items.map((i: { metadata: { name: string } }) => i.metadata.name)).to.deep.equal([
      'sel-1',
    ]);
    const byField = (
      await call('GET', '/api/v1/namespaces/objects/configmaps?fieldSelector=metadata.name%3Dsel-2')
    ).body;
    expect(byField.items.map((i: { metadata: { name: string } }) => i.metadata.name)).to.deep.equal([
      'sel-2',
    ]);
    const bad = await call('GET', '/api/v1/configmaps?labelSelector=a%20in%20b');
    expect(bad.status).to.equal(400);
  });

  it('should select events by involvedObject fields, the way kubectl describe asks', async () => {
    const event = {
      metadata: { name: 'ev-1' },
      involvedObject: { kind: 'TeamsDevice', name: 'gen', namespace: 'objects' },
      reason: 'Tested',
      message: 'hello',
      type: 'Normal',
    };
    expect((await call('POST', '/api/v1/namespaces/objects/events', event)).status).to.equal(201);
    const found = (
      await call(
        'GET',
        '/api/v1/namespaces/objects/events?fieldSelector=involvedObject.name%3Dgen,involvedObject.kind%3DTeamsDevice',
      )
    ).body;
    expect(found.items.map((e: { reason: string }) => e.reason)).to.deep.equal(['Tested']);
    const v1 = (await call('GET', '/apis/events.k8s.io/v1/namespaces/objects/events/ev-1')).body;
    expect(v1).to.include({ apiVersion: 'events.k8s.io/v1', note: 'hello' });
    expect(v1.regarding.name).to.equal('gen');
  });

  it('should keep the namespaces every cluster has and refuse to delete them', async () => {
    const names = (await call('GET', '/api/v1/namespaces')).body.items.map(
      (n: { metadata: { name: string } }) => n.metadata.name,
    );
    expect(names).to.include.members(['default', 'kube-system', 'kube-public']);
    const res = await call('DELETE', '/api/v1/namespaces/default');
    expect(res.status).to.equal(403);
    expect(res.body.message).to.equal('namespaces "default" is forbidden: this namespace may not be deleted');
  });

  it('should delete what a namespace holds when the namespace is deleted, then the namespace', async () => {
    await call('POST', '/api/v1/namespaces/doomed/configmaps', { metadata: { name: 'inside' } });
    await call('POST', devices('doomed'), device('inside'));
    const deleting = await call('DELETE', '/api/v1/namespaces/doomed');
    expect(deleting.body.status.phase).to.equal('Terminating');
    const refused = await call('POST', '/api/v1/namespaces/doomed/configmaps', {
      metadata: { name: 'late' },
    });
    expect([403, 404]).to.include(refused.status);
    await eventually(
      () => call('GET', '/api/v1/namespaces/doomed'),
      (r) => r.status === 404,
      'the namespace is gone',
    );
    expect((await call('GET', `${devices('doomed')}/inside`)).status).to.equal(404);
    expect((await call('GET', '/api/v1/namespaces/doomed/configmaps/inside')).status).to.equal(404);
  });

  it('should garbage-collect dependents whose owner is deleted, and orphan them on request', async () => {
    const owner = (await call('POST', CM, { metadata: { name: 'owner' } })).body;
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid };
    await call('POST', CM, { metadata: { name: 'dependent', ownerReferences: [ref] } });
    await call('DELETE', `${CM}/owner`);
    await eventually(
      () => call('GET', `${CM}/dependent`),
      (r) => r.status === 404,
      'the dependent is collected',
    );

    const keeper = (await call('POST', CM, { metadata: { name: 'keeper' } })).body;
    const keeperRef = { apiVersion: 'v1', kind: 'ConfigMap', name: 'keeper', uid: keeper.metadata.uid };
    await call('POST', CM, { metadata: { name: 'orphan', ownerReferences: [keeperRef] } });
    await call('DELETE', `${CM}/keeper`, { propagationPolicy: 'Orphan' });
    await eventually(
      () => call('GET', `${CM}/keeper`),
      (r) => r.status === 404,
      'the owner goes',
    );
    const orphan = await call('GET', `${CM}/orphan`);
    expect(orphan.status).to.equal(200);
    expect(orphan.body.metadata).to.not.have.property('ownerReferences');
  });

  it('should hold an owner deleted in the foreground until its dependents are gone', async () => {
    const owner = (await call('POST', CM, { metadata: { name: 'fg-owner' } })).body;
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'fg-owner', uid: owner.metadata.uid };
    await call('POST', CM, {
      metadata: { name: 'fg-dep', ownerReferences: [ref], finalizers: ['example.com/slow'] },
    });
    const deleting = await call('DELETE', `${CM}/fg-owner`, { propagationPolicy: 'Foreground' });
    expect(deleting.body.metadata.finalizers).to.include('foregroundDeletion');
    await eventually(
      () => call('GET', `${CM}/fg-dep`),
      (r) => r.body.metadata?.deletionTimestamp !== undefined,
      'the dependent is being deleted',
    );
    expect((await call('GET', `${CM}/fg-owner`)).status).to.equal(200);
    await call('PATCH', `${CM}/fg-dep`, { metadata: { finalizers: null } }, 'application/merge-patch+json');
    await eventually(
      () => call('GET', `${CM}/fg-owner`),
      (r) => r.status === 404,
      'the owner goes',
    );
  });

  it('should give a Deployment a ReplicaSet it controls and report it rolled out', async () => {
    const deployment = {
      metadata: { name: 'web' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'web:1' }] },
        },
      },
    };
    await call('POST', '/apis/apps/v1/namespaces/default/deployments', deployment);
    const done = await eventually(
      () => call('GET', '/apis/apps/v1/namespaces/default/deployments/web'),
      (r) => r.body.status?.availableReplicas === 2,
      'the deployment is available',
    );
    expect(done.body.status).to.include({
      observedGeneration: 1,
      replicas: 2,
      readyReplicas: 2,
      updatedReplicas: 2,
    });
    const conditions = done.body.status.conditions.map(
      (c: { type: string; status: string; reason: string }) => [c.type, c.status, c.reason].join('/'),
    );
    expect(conditions).to.deep.equal([
      'Available/True/MinimumReplicasAvailable',
      'Progressing/True/NewReplicaSetAvailable',
    ]);
    const sets = (await call('GET', '/apis/apps/v1/namespaces/default/replicasets?labelSelector=app%3Dweb'))
      .body.items;
    expect(sets).to.have.length(1);
    const [rs] = sets;
    expect(rs.metadata.labels['pod-template-hash']).to.be.a('string');
    expect(rs.metadata.name).to.equal(`web-${rs.metadata.labels['pod-template-hash']}`);
    expect(rs.metadata.ownerReferences).to.deep.equal([
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'web',
        uid: done.body.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(rs.status).to.include({
      replicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      observedGeneration: 1,
    });
  });

  it('should give a Service a cluster IP and keep it when a client leaves it out', async () => {
    const created = (
      await call('POST', '/api/v1/namespaces/default/services', {
        metadata: { name: 'svc' },
        spec: { ports: [{ port: 80 }] },
      })
    ).body;
    expect(created.spec.clusterIP).to.match(/^10\.96\.\d+\.\d+$/);
    expect(created.spec.ports[0]).to.include({ protocol: 'TCP', targetPort: 80 });
    const replaced = (
      await call('PUT', '/api/v1/namespaces/default/services/svc', {
        metadata: { name: 'svc', resourceVersion: created.metadata.resourceVersion },
        spec: { ports: [{ port: 81 }] },
      })
    ).body;
    expect(replaced.spec.clusterIP).to.equal(created.spec.clusterIP);
  });

  it('should stop serving a CRD and delete its objects when the CRD is deleted', async () => {
    const crd = structuredClone(CRD) as {
      metadata: { name: string };
      spec: { names: Record<string, unknown> };
    };
    crd.metadata.name = 'gadgets.teamsdevices.io';
    crd.spec.names = { kind: 'Gadget', plural: 'gadgets', singular: 'gadget', listKind: 'GadgetList' };
    expect((await call('POST', CRDS, crd)).status).to.equal(201);
    const gadgets = '/apis/teamsdevices.io/v1alpha1/namespaces/objects/gadgets';
    const gadget = { ...device('g1'), kind: 'Gadget' };
    expect((await call('POST', gadgets, gadget)).status).to.equal(201);
    expect((await call('DELETE', `${CRDS}/gadgets.teamsdevices.io`)).status).to.equal(200);
    await eventually(
      () => call('GET', `${CRDS}/gadgets.teamsdevices.io`),
      (r) => r.status === 404,
      'the CRD is gone',
    );
    expect((await call('GET', `${gadgets}/g1`)).status).to.equal(404);
    expect((await call('POST', CRDS, crd)).status).to.equal(201);
    expect((await call('GET', gadgets)).body.items).to.deep.equal([]);
  });

  it('should refuse a CRD whose name is not plural.group', async () => {
    const crd = structuredClone(CRD) as { metadata: { name: string } };
    crd.metadata.name = 'wrong.teamsdevices.io';
    const res = await call('POST', CRDS, crd);
    expect(res.status).to.equal(422);
    expect(res.body.details.causes[0].field).to.equal('metadata.name');
  });
});
