// The review kinds of authorization.k8s.io/v1 and authentication.k8s.io/v1 over raw HTTP: the answers, the
// Status errors kube-apiserver gives for malformed reviews, authentication, and discovery of both groups.
import { expect } from 'chai';
import { type LocalCluster, startLocalCluster } from '../index.js';
import { rawCall } from './support/raw-api.js';

const AUTHZ = '/apis/authorization.k8s.io/v1';
const AUTHN = '/apis/authentication.k8s.io/v1';
const SSAR = `${AUTHZ}/selfsubjectaccessreviews`;
const NOT_SPECIFIED = 'exactly one of nonResourceAttributes or resourceAttributes must be specified';

const ssar = (spec: object, extra: object = {}) => ({
  apiVersion: 'authorization.k8s.io/v1',
  kind: 'SelfSubjectAccessReview',
  ...extra,
  spec,
});

describe('localcluster reviews over HTTP', () => {
  let cluster: LocalCluster;

  const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    rawCall(cluster, method, path, body, headers);

  before(async () => {
    cluster = await startLocalCluster();
  });

  after(() => cluster.stop());

  describe('authentication', () => {
    for (const path of [SSAR, `${AUTHN}/selfsubjectreviews`]) {
      it(`should answer 401 to a POST of ${path} without the token or with another one`, async () => {
        const body = JSON.stringify(ssar({ resourceAttributes: { verb: 'get', resource: 'pods' } }));
        for (const authorization of [
          undefined,
          'Bearer nope',
          `Basic ${Buffer.from('x:nope').toString('base64')}`,
        ]) {
          const res = await fetch(`${cluster.url}${path}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
            body,
          });
          expect(res.status, authorization).to.equal(401);
          expect(await res.json()).to.deep.include({ kind: 'Status', reason: 'Unauthorized', code: 401 });
        }
      });
    }

    it('should tell the same user with the token as bearer or as Basic password (any user name)', async () => {
      const basic = `Basic ${Buffer.from(`someone:${cluster.token}`).toString('base64')}`;
      for (const authorization of [`Bearer ${cluster.token}`, basic]) {
        const res = await call('POST', `${AUTHN}/selfsubjectreviews`, {}, { authorization });
        expect(res.status).to.equal(201);
        expect(res.body.status.userInfo).to.deep.equal({
          username: 'tdo-admin',
          groups: ['system:masters', 'system:authenticated'],
        });
      }
    });
  });

  describe('SelfSubjectAccessReview', () => {
    it('should answer 201 with the review, its spec as sent and status allowed with a reason', async () => {
      const spec = {
        resourceAttributes: {
          namespace: 'lab',
          verb: 'create',
          group: 'teamsdevices.io',
          resource: 'teamsdevices',
        },
      };
      const res = await call('POST', SSAR, ssar(spec));
      expect(res.status).to.equal(201);
      expect(res.headers.get('content-type')).to.equal('application/json');
      expect(res.body).to.deep.equal({
        kind: 'SelfSubjectAccessReview',
        apiVersion: 'authorization.k8s.io/v1',
        metadata: {},
        spec,
        status: {
          allowed: true,
          reason: 'group "system:masters" may do anything on the embedded control plane',
        },
      });
      const nonResource = await call('POST', SSAR, {
        spec: { nonResourceAttributes: { path: '/metrics', verb: 'get' } },
      });
      expect([nonResource.status, nonResource.body.status.allowed]).to.deep.equal([201, true]);
    });

    it('should answer 422 Invalid naming spec.resourceAttributes when the review asks nothing', async () => {
      for (const body of [ssar({}), { spec: { resourceAttributes: null } }, {}]) {
        const res = await call('POST', SSAR, body);
        expect(res.status, JSON.stringify(body)).to.equal(422);
        expect(res.body).to.deep.equal({
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: `SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": ${NOT_SPECIFIED}`,
          reason: 'Invalid',
          details: {
            name: '',
            group: 'authorization.k8s.io',
            kind: 'SelfSubjectAccessReview',
            causes: [
              {
                reason: 'FieldValueInvalid',
                message: `Invalid value: "null": ${NOT_SPECIFIED}`,
                field: 'spec.resourceAttributes',
              },
            ],
          },
          code: 422,
        });
      }
    });

    it('should answer 422 naming each field when both attributes, a bad selector and metadata are sent', async () => {
      const res = await call(
        'POST',
        SSAR,
        ssar(
          {
            resourceAttributes: { verb: 'list', resource: 'pods', labelSelector: {} },
            nonResourceAttributes: { path: '/x' },
          },
          { metadata: { name: 'mine' } },
        ),
      );
      expect(res.status).to.equal(422);
      expect(res.body.details.causes.map((c: { field: string }) => c.field)).to.deep.equal([
        'spec.nonResourceAttributes',
        'spec.resourceAttributes.labelSelector.requirements',
        'metadata',
      ]);
      expect(res.body.message).to.include('cannot be specified in combination with resourceAttributes');
      expect(res.body.message).to.include(
        'Required value: when spec.resourceAttributes.labelSelector is specified, requirements or rawSelector is required',
      );
      expect(res.body.message).to.include('metadata: Invalid value: {"name":"mine"}: must be empty');
    });

    it('should accept the empty metadata clients send (creationTimestamp null, managedFields)', async () => {
      const metadata = { creationTimestamp: null, labels: {}, managedFields: [{ manager: 'x' }] };
      const res = await call('POST', SSAR, ssar({ resourceAttributes: { verb: 'get' } }, { metadata }));
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
    });

    it('should answer 400 naming a field of the wrong type, as the Go decoder does', async () => {
      const res = await call('POST', SSAR, ssar({ resourceAttributes: { verb: 5 } }));
      expect(res.status).to.equal(400);
      expect(res.body).to.deep.include({
        reason: 'BadRequest',
        message:
          'SelfSubjectAccessReview in version "v1" cannot be handled as a SelfSubjectAccessReview: json: cannot ' +
          'unmarshal number into Go struct field ResourceAttributes.spec.resourceAttributes.verb of type string',
      });
      const spec = await call('POST', SSAR, ssar('everything' as unknown as object));
      expect(spec.status).to.equal(400);
      expect(spec.body.message).to.match(
        /cannot unmarshal string into Go struct field SelfSubjectAccessReview\.spec of type v1\.SelfSubjectAccessReviewSpec$/,
      );
    });

    it('should answer 400 for a body that is not a review of this kind', async () => {
      expect((await call('POST', SSAR, '[1]')).status).to.equal(400);
      expect((await call('POST', SSAR, 'not json')).status).to.equal(400);
      const wrongKind = await call('POST', SSAR, { kind: 'SubjectAccessReview', spec: {} });
      expect(wrongKind.status).to.equal(400);
      expect(wrongKind.body.message).to.equal(
        'the kind in the data (SubjectAccessReview) does not match the expected kind (SelfSubjectAccessReview)',
      );
    });

    it('should drop unknown fields, warn about them, and refuse them with fieldValidation=Strict', async () => {
      const body = ssar({ resourceAttributes: { verb: 'get', colour: 'red' } });
      const warned = await call('POST', SSAR, body);
      expect(warned.status).to.equal(201);
      expect(warned.body.spec).to.deep.equal({ resourceAttributes: { verb: 'get' } });
      expect(warned.headers.get('warning')).to.equal(
        '299 - "unknown field \\"spec.resourceAttributes.colour\\""',
      );
      const strict = await call('POST', `${SSAR}?fieldValidation=Strict`, body);
      expect(strict.status).to.equal(400);
      expect(strict.body.message).to.equal(
        'strict decoding error: unknown field "spec.resourceAttributes.colour"',
      );
    });

    it('should answer the same with dryRun=All, reject other dryRun values, and store nothing either way', async () => {
      const before = await call('GET', '/api/v1/namespaces');
      const body = ssar({ resourceAttributes: { verb: 'delete', resource: 'secrets' } });
      const dry = await call('POST', `${SSAR}?dryRun=All`, body);
      const real = await call('POST', SSAR, body);
      expect(dry.status).to.equal(201);
      expect(dry.body).to.deep.equal(real.body);
      const bad = await call('POST', `${SSAR}?dryRun=Maybe`, body);
      expect([bad.status, bad.body.message]).to.deep.equal([
        400,
        'Invalid dryRun value: Maybe. Valid values: All',
      ]);
      const after = await call('GET', '/api/v1/namespaces');
      expect(after.body.metadata.resourceVersion).to.equal(before.body.metadata.resourceVersion);
    });

    it('should allow only POST (405) and have no items (404)', async () => {
      for (const method of ['GET', 'PUT', 'PATCH', 'DELETE']) {
        const res = await call(method, SSAR, method === 'GET' ? undefined : {});
        expect(res.status, method).to.equal(405);
        expect(res.body).to.deep.include({
          reason: 'MethodNotAllowed',
          message: 'the server does not allow this method on the requested resource',
        });
      }
      expect((await call('GET', `${SSAR}/mine`)).status).to.equal(404);
      expect(
        (await call('POST', `${AUTHZ}/namespaces/default/selfsubjectaccessreviews`, ssar({}))).status,
      ).to.equal(404);
      expect((await call('POST', `${AUTHZ}/selfsubjectaccessreviews/mine/status`, ssar({}))).status).to.equal(
        404,
      );
    });
  });

  describe('SubjectAccessReview and LocalSubjectAccessReview', () => {
    const spec = (subject: object) => ({
      resourceAttributes: { namespace: 'lab', verb: 'get', resource: 'pods' },
      ...subject,
    });

    it('should allow a subject in system:masters, and nobody else: there is no other credential', async () => {
      const masters = await call('POST', `${AUTHZ}/subjectaccessreviews`, {
        spec: spec({ user: 'ann', groups: ['system:masters'] }),
      });
      expect(masters.status).to.equal(201);
      expect(masters.body.status.allowed).to.equal(true);
      const bob = await call('POST', `${AUTHZ}/subjectaccessreviews`, {
        spec: spec({ user: 'bob', groups: ['devs'] }),
      });
      expect(bob.body.status.allowed).to.equal(false);
      expect(bob.body.status).to.not.have.property('denied');
      expect(bob.body.status.reason).to.match(/allows only group "system:masters"/);
      // A user without groups is asked about as such: even tdo-admin is privileged only through its group.
      const admin = await call('POST', `${AUTHZ}/subjectaccessreviews`, {
        spec: spec({ user: 'tdo-admin' }),
      });
      expect(admin.body.status.allowed).to.equal(false);
    });

    it('should answer 422 naming spec.user when the review names no subject', async () => {
      const res = await call('POST', `${AUTHZ}/subjectaccessreviews`, { spec: spec({}) });
      expect(res.status).to.equal(422);
      expect(res.body.message).to.equal(
        'SubjectAccessReview.authorization.k8s.io "" is invalid: spec.user: Invalid value: "": at least one of user or group must be specified',
      );
    });

    it('should answer a local review in the namespace of the URL, and 422 for a review of another namespace', async () => {
      const path = `${AUTHZ}/namespaces/lab/localsubjectaccessreviews`;
      const ok = await call('POST', path, { spec: spec({ groups: ['system:masters'] }) });
      expect(ok.status).to.equal(201);
      expect(ok.body.metadata).to.deep.equal({ namespace: 'lab' });
      expect(ok.body.status.allowed).to.equal(true);
      const other = await call('POST', `${AUTHZ}/namespaces/prod/localsubjectaccessreviews`, {
        spec: spec({ groups: ['system:masters'] }),
      });
      expect(other.status).to.equal(422);
      expect(other.body.details.causes).to.deep.equal([
        {
          reason: 'FieldValueInvalid',
          message: 'Invalid value: "lab": must match metadata.namespace',
          field: 'spec.resourceAttributes.namespace',
        },
      ]);
      const nonResource = await call('POST', path, {
        spec: { nonResourceAttributes: { path: '/x' }, user: 'a' },
      });
      expect(nonResource.status).to.equal(422);
      expect(nonResource.body.message).to.include(
        'spec.nonResourceAttributes: Invalid value: {"path":"/x"}: disallowed on this kind of request',
      );
      expect(
        (await call('POST', `${AUTHZ}/localsubjectaccessreviews`, { spec: spec({ user: 'a' }) })).status,
      ).to.equal(404);
    });
  });

  describe('SelfSubjectRulesReview', () => {
    it('should list every verb on every resource and non-resource URL, and drop the spec as kube-apiserver does', async () => {
      const res = await call('POST', `${AUTHZ}/selfsubjectrulesreviews`, { spec: { namespace: 'default' } });
      expect(res.status).to.equal(201);
      expect(res.body).to.deep.equal({
        kind: 'SelfSubjectRulesReview',
        apiVersion: 'authorization.k8s.io/v1',
        metadata: {},
        spec: {},
        status: {
          resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
          nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
          incomplete: false,
        },
      });
    });

    it('should answer 400 "no namespace on request" without spec.namespace', async () => {
      const res = await call('POST', `${AUTHZ}/selfsubjectrulesreviews`, { spec: {} });
      expect([res.status, res.body.reason, res.body.message]).to.deep.equal([
        400,
        'BadRequest',
        'no namespace on request',
      ]);
    });
  });

  describe('TokenReview', () => {
    const review = (spec: object) => call('POST', `${AUTHN}/tokenreviews`, { spec });

    it('should authenticate the server token as tdo-admin for the API audience', async () => {
      for (const audiences of [undefined, ['https://kubernetes.default.svc.cluster.local', 'other']]) {
        const res = await review({ token: cluster.token, ...(audiences ? { audiences } : {}) });
        expect(res.status).to.equal(201);
        expect(res.body.status).to.deep.equal({
          authenticated: true,
          user: { username: 'tdo-admin', groups: ['system:masters', 'system:authenticated'] },
          audiences: ['https://kubernetes.default.svc.cluster.local'],
        });
      }
    });

    it('should not authenticate another token, nor the server token for another audience', async () => {
      for (const spec of [{ token: 'nope' }, { token: cluster.token, audiences: ['vault'] }]) {
        const res = await review(spec);
        expect(res.status).to.equal(201);
        expect(res.body.status).to.deep.equal({ user: {}, error: 'invalid bearer token' });
      }
    });

    it('should answer 400 for a review without a token', async () => {
      const res = await review({});
      expect([res.status, res.body.message]).to.deep.equal([
        400,
        'token is required for TokenReview in authentication',
      ]);
    });
  });

  describe('discovery', () => {
    const GROUPS = [
      'apps',
      'batch',
      'events.k8s.io',
      'authentication.k8s.io',
      'authorization.k8s.io',
      'coordination.k8s.io',
      'rbac.authorization.k8s.io',
      'apiextensions.k8s.io',
      'policy',
      'networking.k8s.io',
      'autoscaling',
    ];

    it('should list every served group on /apis, legacy and aggregated, the review groups among them', async () => {
      const legacy = await call('GET', '/apis');
      expect(legacy.body.groups.map((g: { name: string }) => g.name)).to.deep.equal(GROUPS);
      const aggregated = await call('GET', '/apis', undefined, {
        accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json',
      });
      expect(aggregated.body.items.map((g: { metadata: { name: string } }) => g.metadata.name)).to.deep.equal(
        GROUPS,
      );
      const authentication = aggregated.body.items.find(
        (g: { metadata: { name: string } }) => g.metadata.name === 'authentication.k8s.io',
      );
      expect(
        authentication.versions[0].resources.map(
          (r: { resource: string; verbs: string[]; scope: string }) => [r.resource, r.scope, r.verbs],
        ),
      ).to.deep.equal([
        ['selfsubjectreviews', 'Cluster', ['create']],
        ['tokenreviews', 'Cluster', ['create']],
      ]);
    });

    it('should describe both groups on /apis/<group> and /apis/<group>/v1', async () => {
      for (const group of ['authentication.k8s.io', 'authorization.k8s.io']) {
        const doc = await call('GET', `/apis/${group}`);
        expect(doc.body.preferredVersion).to.deep.equal({ groupVersion: `${group}/v1`, version: 'v1' });
        const list = await call('GET', `/apis/${group}/v1`);
        for (const resource of list.body.resources)
          expect(resource.verbs, resource.name).to.deep.equal(['create']);
      }
      const authz = await call('GET', `${AUTHZ}`);
      expect(
        authz.body.resources.map((r: { name: string; namespaced: boolean }) => [r.name, r.namespaced]),
      ).to.deep.equal([
        ['localsubjectaccessreviews', true],
        ['selfsubjectaccessreviews', false],
        ['selfsubjectrulesreviews', false],
        ['subjectaccessreviews', false],
      ]);
    });

    it('should publish an OpenAPI v3 document for both groups', async () => {
      const index = await call('GET', '/openapi/v3');
      for (const key of ['apis/authentication.k8s.io/v1', 'apis/authorization.k8s.io/v1']) {
        const doc = await call('GET', index.body.paths[key].serverRelativeURL);
        expect(doc.status, key).to.equal(200);
        expect(Object.keys(doc.body.paths).length, key).to.be.greaterThan(0);
      }
    });
  });
});
