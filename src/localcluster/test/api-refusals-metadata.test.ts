// The embedded control plane refuses the metadata kube-apiserver refuses, on built-in and custom kinds
// alike: labels, annotations (and their total size), finalizers, ownerReferences, with kube-apiserver's
// codes, field paths and messages; and a patch whose result has metadata of the wrong JSON type is
// refused without touching the stored object.
import { expect } from 'chai';
import { type LocalCluster, startLocalCluster } from '../index.js';
import { committedCrd } from './support/crds.js';
import { rawCall } from './support/raw-api.js';

const CM = '/api/v1/namespaces/default/configmaps';
const DEVICES = '/apis/teamsdevices.io/v1alpha1/namespaces/default/teamsdevices';
const MERGE = { 'content-type': 'application/merge-patch+json' };
const STRATEGIC = { 'content-type': 'application/strategic-merge-patch+json' };
const JSON_PATCH = { 'content-type': 'application/json-patch+json' };
const NAME_PART =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

function device(name: string, metadata: Record<string, unknown> = {}) {
  return {
    apiVersion: 'teamsdevices.io/v1alpha1',
    kind: 'TeamsDevice',
    metadata: { name, ...metadata },
    spec: { type: 'Phone', manufacturer: 'Yealink', model: 'MP56' },
  };
}

const configMap = (name: string, metadata: Record<string, unknown> = {}) => ({
  metadata: { name, ...metadata },
  data: { a: 'b' },
});

describe('localcluster refuses the metadata kube-apiserver refuses', () => {
  let cluster: LocalCluster;
  const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    rawCall(cluster, method, path, body, headers);

  before(async () => {
    cluster = await startLocalCluster({ tls: false });
    const crd = await call(
      'POST',
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
      committedCrd('teamsdevices'),
    );
    expect(crd.status).to.equal(201);
  });

  after(() => cluster.stop());

  it('should refuse a label key with a space with 422 naming metadata.labels, on a ConfigMap and a custom resource', async () => {
    for (const [path, body, kind] of [
      [CM, configMap('bad-label', { labels: { 'a b': 'x' } }), 'ConfigMap'],
      [DEVICES, device('bad-label', { labels: { 'a b': 'x' } }), 'TeamsDevice'],
    ] as const) {
      const res = await call('POST', path, body);
      expect(res.status, kind).to.equal(422);
      expect(res.body.reason).to.equal('Invalid');
      expect(res.body.details.causes).to.deep.equal([
        {
          reason: 'FieldValueInvalid',
          message: `Invalid value: "a b": ${NAME_PART}`,
          field: 'metadata.labels',
        },
      ]);
      expect(res.body.message).to.contain(`is invalid: metadata.labels: Invalid value: "a b"`);
      expect((await call('GET', `${path}/bad-label`)).status).to.equal(404);
    }
  });

  it('should refuse label values longer than 63 characters and keys with a bad prefix', async () => {
    const res = await call(
      'POST',
      CM,
      configMap('long-label', { labels: { 'Example.com/x': 'v'.repeat(64), '/y': 'ok' } }),
    );
    expect(res.status).to.equal(422);
    const messages = (res.body.details.causes as { message: string }[]).map((c) => c.message);
    expect(messages).to.include(`Invalid value: "${'v'.repeat(64)}": must be no more than 63 characters`);
    expect(
      messages.some((m) => m.startsWith('Invalid value: "Example.com/x": prefix part a lowercase RFC 1123')),
    ).to.be.true;
    expect(messages).to.include('Invalid value: "/y": prefix part must be non-empty');
  });

  it('should accept labels and annotations a real cluster accepts', async () => {
    const res = await call(
      'POST',
      CM,
      configMap('fine-labels', {
        labels: { 'app.kubernetes.io/name': 'x', empty: '', 'a_b.c-d': 'V_1.2-3' },
        annotations: { 'Example.COM/Any': 'any value at all: {"json": true}' },
        finalizers: ['example.com/cleanup', 'kubernetes'],
      }),
    );
    expect(res.status).to.equal(201);
  });

  it('should refuse 300 KB of annotations: "metadata.annotations: Too long" over 262144 bytes', async () => {
    const res = await call(
      'POST',
      DEVICES,
      device('big-notes', { annotations: { note: 'x'.repeat(300_000) } }),
    );
    expect(res.status).to.equal(422);
    expect(res.body.details.causes).to.deep.equal([
      {
        reason: 'FieldValueTooLong',
        message: 'Too long: may not be more than 262144 bytes',
        field: 'metadata.annotations',
      },
    ]);
    expect(res.body.message).to.contain('metadata.annotations: Too long');
    const justUnder = await call(
      'POST',
      DEVICES,
      device('max-notes', { annotations: { note: 'x'.repeat(262_144 - 'note'.length) } }),
    );
    expect(justUnder.status).to.equal(201);
  });

  it('should refuse finalizers that are not a list of qualified names, and never store them', async () => {
    const nested = await call('POST', DEVICES, device('nested-finalizers', { finalizers: [['x']] }));
    expect(nested.status).to.equal(400);
    expect(nested.body.reason).to.equal('BadRequest');
    expect(nested.body.message).to.contain(
      'json: cannot unmarshal array into Go struct field ObjectMeta.metadata.finalizers of type string',
    );
    const map = await call('POST', CM, configMap('map-finalizers', { finalizers: { a: 1 } }));
    expect(map.status).to.equal(400);
    expect(map.body.message).to.equal(
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal object into Go struct field ObjectMeta.metadata.finalizers of type []string',
    );
    const badName = await call('POST', CM, configMap('bad-finalizer', { finalizers: ['a/b/c'] }));
    expect(badName.status).to.equal(422);
    expect(badName.body.details.causes[0].field).to.equal('metadata.finalizers');
    for (const name of ['nested-finalizers', 'map-finalizers', 'bad-finalizer']) {
      const path = name === 'nested-finalizers' ? DEVICES : CM;
      expect((await call('GET', `${path}/${name}`)).status).to.equal(404);
    }
  });

  it('should refuse ownerReferences without apiVersion, kind, name or uid, and two controllers', async () => {
    const missing = await call(
      'POST',
      CM,
      configMap('orphaned', { ownerReferences: [{ kind: 'Deployment' }] }),
    );
    expect(missing.status).to.equal(422);
    expect((missing.body.details.causes as { field: string }[]).map((c) => c.field)).to.deep.equal([
      'metadata.ownerReferences.apiVersion',
      'metadata.ownerReferences.name',
      'metadata.ownerReferences.uid',
    ]);
    const owner = (name: string) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name,
      uid: `uid-${name}`,
      controller: true,
    });
    const two = await call(
      'POST',
      DEVICES,
      device('two-controllers', { ownerReferences: [owner('a'), owner('b')] }),
    );
    expect(two.status).to.equal(422);
    expect(two.body.details.causes[0].message).to.contain(
      'Only one reference can have Controller set to true. Found "true" in references for Deployment/a and Deployment/b',
    );
    const one = await call('POST', DEVICES, device('one-controller', { ownerReferences: [owner('a')] }));
    expect(one.status).to.equal(201);
  });

  it('should refuse an update that adds a bad label, keeping the stored object', async () => {
    const created = await call('POST', CM, configMap('updated', { labels: { keep: 'me' } }));
    expect(created.status).to.equal(201);
    const body = {
      ...created.body,
      metadata: { ...created.body.metadata, labels: { keep: 'me', 'no good': 'x' } },
    };
    const res = await call('PUT', `${CM}/updated`, body);
    expect(res.status).to.equal(422);
    expect((await call('GET', `${CM}/updated`)).body.metadata.labels).to.deep.equal({ keep: 'me' });
  });

  it('should refuse type-confused patches of a ConfigMap and keep its labels, finalizers and ownerReferences', async () => {
    // a live owner, so the garbage collector leaves the object alone
    const secret = await call('POST', '/api/v1/namespaces/default/secrets', { metadata: { name: 'owner' } });
    const owner = { apiVersion: 'v1', kind: 'Secret', name: 'owner', uid: secret.body.metadata.uid };
    const created = await call(
      'POST',
      CM,
      configMap('confused', {
        labels: { keep: 'me' },
        finalizers: ['example.com/hold'],
        ownerReferences: [owner],
      }),
    );
    expect(created.status).to.equal(201);
    const patches: [Record<string, string>, unknown, string][] = [
      [MERGE, { metadata: { labels: 'x' } }, 'ObjectMeta.metadata.labels of type map[string]string'],
      [MERGE, { metadata: { finalizers: { a: 1 } } }, 'ObjectMeta.metadata.finalizers of type []string'],
      [STRATEGIC, { metadata: { ownerReferences: 'x' } }, 'ObjectMeta.metadata.ownerReferences of type'],
      [MERGE, { metadata: { labels: { n: 5 } } }, 'ObjectMeta.metadata.labels of type string'],
      [MERGE, { metadata: 'x' }, 'ConfigMap.metadata of type v1.ObjectMeta'],
      [JSON_PATCH, [{ op: 'replace', path: '/metadata/finalizers', value: [['x']] }], 'metadata.finalizers'],
      [
        JSON_PATCH,
        [{ op: 'replace', path: '/metadata/ownerReferences/0/uid', value: 5 }],
        'OwnerReference.metadata.ownerReferences.uid of type types.UID',
      ],
    ];
    for (const [headers, patch, words] of patches) {
      const res = await call('PATCH', `${CM}/confused`, patch, headers);
      expect(res.status, JSON.stringify(patch)).to.be.oneOf([400, 422]);
      expect(res.body.kind).to.equal('Status');
      expect(res.body.message, JSON.stringify(patch)).to.contain(words);
    }
    const after = (await call('GET', `${CM}/confused`)).body;
    expect(after.metadata.labels).to.deep.equal({ keep: 'me' });
    expect(after.metadata.finalizers).to.deep.equal(['example.com/hold']);
    expect(after.metadata.ownerReferences).to.deep.equal([owner]);
    expect(after.metadata.resourceVersion).to.equal(created.body.metadata.resourceVersion);
  });

  it('should refuse namespace spec.finalizers that are not names through /finalize', async () => {
    expect((await call('POST', '/api/v1/namespaces', { metadata: { name: 'to-finalize' } })).status).to.equal(
      201,
    );
    const res = await call('PUT', '/api/v1/namespaces/to-finalize/finalize', {
      metadata: { name: 'to-finalize' },
      spec: { finalizers: [['kubernetes']] },
    });
    expect(res.status).to.equal(400);
    expect(res.body.message).to.contain('Go struct field NamespaceSpec.spec.finalizers of type string');
    const ns = await call('GET', '/api/v1/namespaces/to-finalize');
    expect(ns.body.spec.finalizers).to.deep.equal(['kubernetes']);
  });

  it('should let a client remove the finalizers of a terminating custom resource, so it goes', async () => {
    const created = await call('POST', DEVICES, device('held', { finalizers: ['example.com/hold'] }));
    expect(created.status).to.equal(201);
    expect((await call('DELETE', `${DEVICES}/held`)).status).to.equal(200);
    const bad = await call('PATCH', `${DEVICES}/held`, { metadata: { finalizers: [['x']] } }, MERGE);
    expect(bad.status).to.equal(400);
    const removed = await call('PATCH', `${DEVICES}/held`, { metadata: { finalizers: null } }, MERGE);
    expect(removed.status).to.equal(200);
    expect((await call('GET', `${DEVICES}/held`)).status).to.equal(404);
  });
});
