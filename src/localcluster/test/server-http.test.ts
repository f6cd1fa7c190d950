// The embedded control plane over raw HTTP: the Status errors kube-apiserver answers with (codes,
// reasons, messages), /version, discovery, bodies in JSON, YAML and protobuf, field validation, dry run.
import { expect } from 'chai';
import { type LocalCluster, startLocalCluster } from '../index.js';
import { committedCrd } from './support/crds.js';
import { rawCall } from './support/raw-api.js';

const CRD = committedCrd('teamsdevices') as Record<string, unknown>;
const DEVICES = '/apis/teamsdevices.io/v1alpha1/namespaces/default/teamsdevices';

function device(name: string, spec: Record<string, unknown> = {}) {
  return {
    apiVersion: 'teamsdevices.io/v1alpha1',
    kind: 'TeamsDevice',
    metadata: { name },
    spec: { type: 'Phone', manufacturer: 'Yealink', model: 'MP56', ...spec },
  };
}

describe('localcluster server over HTTP', () => {
  let cluster: LocalCluster;

  const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    rawCall(cluster, method, path, body, headers);

  before(async () => {
    cluster = await startLocalCluster({ tls: false });
    const created = await call('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', CRD);
    expect(created.status).to.equal(201);
  });

  after(() => cluster.stop());

  it('should answer 401 with an Unauthorized Status without the bearer token', async () => {
    const res = await fetch(`${cluster.url}/api/v1/namespaces`);
    expect(res.status).to.equal(401);
    expect(await res.json()).to.deep.equal({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Unauthorized',
      reason: 'Unauthorized',
      code: 401,
    });
    const wrong = await fetch(`${cluster.url}/api/v1/namespaces`, {
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrong.status).to.equal(401);
  });

  it('should serve /version as Kubernetes 1.32 without a token', async () => {
    const res = await fetch(`${cluster.url}/version`);
    const body = (await res.json()) as Record<string, string>;
    expect(body.major).to.equal('1');
    expect(body.minor).to.equal('32');
    expect(body.gitVersion).to.match(/^v1\.32\./);
  });

  it('should answer 404 NotFound naming the resource and group of a missing object', async () => {
    const missing = await call('GET', `${DEVICES}/nope`);
    expect(missing.status).to.equal(404);
    expect(missing.body).to.deep.include({
      status: 'Failure',
      reason: 'NotFound',
      message: 'teamsdevices.teamsdevices.io "nope" not found',
      code: 404,
    });
    expect(missing.body.details).to.deep.equal({
      name: 'nope',
      group: 'teamsdevices.io',
      kind: 'teamsdevices',
    });
    const core = await call('GET', '/api/v1/namespaces/default/configmaps/nope');
    expect(core.body.message).to.equal('configmaps "nope" not found');
    expect(core.body.details).to.deep.equal({ name: 'nope', kind: 'configmaps' });
  });

  it('should answer 404 for paths it does not serve and for a missing namespace', async () => {
    const path = await call('GET', '/apis/nothing.example.com/v1/things');
    expect(path.status).to.equal(404);
    expect(path.body.message).to.equal('the server could not find the requested resource');
    const ns = await call('POST', '/api/v1/namespaces/absent/configmaps', { metadata: { name: 'a' } });
    expect(ns.status).to.equal(404);
    expect(ns.body.message).to.equal('namespaces "absent" not found');
  });

  it('should answer 409 AlreadyExists when creating an object twice', async () => {
    expect((await call('POST', DEVICES, device('twice'))).status).to.equal(201);
    const again = await call('POST', DEVICES, device('twice'));
    expect(again.status).to.equal(409);
    expect(again.body.reason).to.equal('AlreadyExists');
    expect(again.body.message).to.equal('teamsdevices.teamsdevices.io "twice" already exists');
  });

  it('should answer 409 Conflict with the Kubernetes message for a stale resourceVersion', async () => {
    const created = await call('POST', '/api/v1/namespaces/default/configmaps', {
      metadata: { name: 'stale' },
      data: { a: '1' },
    });
    const first = created.body;
    first.data.a = '2';
    expect((await call('PUT', '/api/v1/namespaces/default/configmaps/stale', first)).status).to.equal(200);
    first.data.a = '3';
    const stale = await call('PUT', '/api/v1/namespaces/default/configmaps/stale', first);
    expect(stale.status).to.equal(409);
    expect(stale.body.reason).to.equal('Conflict');
    expect(stale.body.message).to.equal(
      'Operation cannot be fulfilled on configmaps "stale": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it('should answer 415 for strategic merge patch of a custom resource and for an unknown body type', async () => {
    await call('POST', DEVICES, device('smp'));
    const smp = await call(
      'PATCH',
      `${DEVICES}/smp`,
      { spec: { model: 'T58' } },
      {
        'content-type': 'application/strategic-merge-patch+json',
      },
    );
    expect(smp.status).to.equal(415);
    expect(smp.body.reason).to.equal('UnsupportedMediaType');
    expect(smp.body.message).to.equal(
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    );
    const xml = await call('POST', '/api/v1/namespaces/default/configmaps', '<cm/>', {
      'content-type': 'text/xml',
    });
    expect(xml.status).to.equal(415);
  });

  it('should answer 422 Invalid with causes naming the fields the schema refuses', async () => {
    const bad = await call('POST', DEVICES, device('bad', { type: 'Toaster' }));
    expect(bad.status).to.equal(422);
    expect(bad.body.reason).to.equal('Invalid');
    expect(bad.body.message).to.match(
      /^TeamsDevice\.teamsdevices\.io "bad" is invalid: \[?spec\.type: Unsupported value: "Toaster": supported values: "Phone"/,
    );
    expect(bad.body.details.kind).to.equal('TeamsDevice');
    expect(bad.body.details.group).to.equal('teamsdevices.io');
    expect(bad.body.details.causes).to.deep.include.members([
      {
        reason: 'FieldValueNotSupported',
        message: bad.body.details.causes[0].message,
        field: 'spec.type',
      },
    ]);
    const name = await call('POST', '/api/v1/namespaces/default/configmaps', {
      metadata: { name: 'Bad_Name' },
    });
    expect(name.status).to.equal(422);
    expect(name.body.message).to.match(
      /^ConfigMap "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/,
    );
  });

  it('should refuse unknown fields with 400 under fieldValidation=Strict and warn about them otherwise', async () => {
    const body = device('strict', { color: 'red' });
    const strict = await call('POST', `${DEVICES}?fieldValidation=Strict`, body);
    expect(strict.status).to.equal(400);
    expect(strict.body.reason).to.equal('BadRequest');
    expect(strict.body.message).to.equal('strict decoding error: unknown field "spec.color"');
    const warned = await call('POST', DEVICES, body);
    expect(warned.status).to.equal(201);
    expect(warned.headers.get('warning')).to.equal('299 - "unknown field \\"spec.color\\""');
    expect(warned.body.spec).to.not.have.property('color');
  });

  it('should validate but store nothing with dryRun=All', async () => {
    const before = (await call('GET', '/api/v1/namespaces/default/configmaps')).body.metadata.resourceVersion;
    const dry = await call('POST', '/api/v1/namespaces/default/configmaps?dryRun=All', {
      metadata: { name: 'dry' },
    });
    expect(dry.status).to.equal(201);
    expect(dry.body.metadata.name).to.equal('dry');
    expect((await call('GET', '/api/v1/namespaces/default/configmaps/dry')).status).to.equal(404);
    const after = (await call('GET', '/api/v1/namespaces/default/configmaps')).body.metadata.resourceVersion;
    expect(after).to.equal(before);
  });

  it('should accept YAML bodies and a URL namespace that the body may omit but not contradict', async () => {
    const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  a: "1"\n';
    const created = await call('POST', '/api/v1/namespaces/default/configmaps', yaml, {
      'content-type': 'application/yaml',
    });
    expect(created.status).to.equal(201);
    expect(created.body.metadata.namespace).to.equal('default');
    const mismatch = await call('POST', '/api/v1/namespaces/default/configmaps', {
      metadata: { name: 'x', namespace: 'kube-system' },
    });
    expect(mismatch.status).to.equal(400);
    expect(mismatch.body.message).to.equal(
      'the namespace of the provided object does not match the namespace sent on the request',
    );
  });

  it('should decode protobuf bodies as kubectl and helm send them', async () => {
    // kubectl create configmap pb --from-literal=k=v: runtime.Unknown{typeMeta, raw: ConfigMap{metadata{name}, data}}
    const field = (no: number, bytes: Buffer) =>
      Buffer.concat([Buffer.from([(no << 3) | 2, bytes.length]), bytes]);
    const str = (no: number, s: string) => field(no, Buffer.from(s));
    const entry = Buffer.concat([str(1, 'k'), str(2, 'v')]);
    const configMap = Buffer.concat([field(1, str(1, 'pb')), field(2, entry)]);
    const unknown = Buffer.concat([
      field(1, Buffer.concat([str(1, 'v1'), str(2, 'ConfigMap')])),
      field(2, configMap),
    ]);
    const body = Buffer.concat([Buffer.from([0x6b, 0x38, 0x73, 0]), unknown]);
    const created = await call('POST', '/api/v1/namespaces/default/configmaps', new Uint8Array(body), {
      'content-type': 'application/vnd.kubernetes.protobuf',
    });
    expect(created.status).to.equal(201);
    expect(created.body.data).to.deep.equal({ k: 'v' });
  });

  it('should serve legacy and aggregated discovery and the OpenAPI v3 index', async () => {
    const api = await call('GET', '/api');
    expect(api.body.versions).to.deep.equal(['v1']);
    const aggregated = await call('GET', '/apis', undefined, {
      accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json',
    });
    expect(aggregated.headers.get('content-type')).to.equal(
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
    );
    const groups = aggregated.body.items.map((g: { metadata: { name: string } }) => g.metadata.name);
    expect(groups).to.include.members(['apps', 'teamsdevices.io', 'apiextensions.k8s.io']);
    const resources = await call('GET', '/apis/teamsdevices.io/v1alpha1');
    expect(resources.body.resources.map((r: { name: string }) => r.name)).to.include.members([
      'teamsdevices',
      'teamsdevices/status',
    ]);
    const openapi = await call('GET', '/openapi/v3');
    const url = openapi.body.paths['apis/teamsdevices.io/v1alpha1'].serverRelativeURL as string;
    expect(url).to.match(/\?hash=[0-9A-F]+$/);
    expect((await call('GET', url)).status).to.equal(200);
  });

  it('should change the OpenAPI hash of a group-version when a CRD changes it', async () => {
    const hashOf = async () =>
      (await call('GET', '/openapi/v3')).body.paths['apis/teamsdevices.io/v1alpha1']
        .serverRelativeURL as string;
    const before = await hashOf();
    const firmware = committedCrd('firmwarereleases');
    expect(
      (await call('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', firmware)).status,
    ).to.equal(201);
    expect(await hashOf()).to.not.equal(before);
  });

  it('should answer tables to kubectl get, with the printer columns of the CRD', async () => {
    const table = await call('GET', DEVICES, undefined, {
      accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
    });
    expect(table.headers.get('content-type')).to.equal('application/json;as=Table;v=v1;g=meta.k8s.io');
    expect(table.body.kind).to.equal('Table');
    expect(table.body.columnDefinitions[0].name).to.equal('Name');
    expect(table.body.rows.map((r: { cells: unknown[] }) => r.cells[0])).to.include('twice');
  });

  it('should report a CRD Established with its accepted names and stored versions', async () => {
    const crd = await call(
      'GET',
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/teamsdevices.teamsdevices.io',
    );
    const conditions = crd.body.status.conditions.map(
      (c: { type: string; status: string }) => `${c.type}=${c.status}`,
    );
    expect(conditions).to.include.members(['NamesAccepted=True', 'Established=True']);
    expect(crd.body.status.acceptedNames.kind).to.equal('TeamsDevice');
    expect(crd.body.status.storedVersions).to.deep.equal(['v1alpha1']);
  });
});
