// The embedded control plane refuses the requests kube-apiserver refuses, with a Status a client can read:
// DeleteOptions of the wrong types (nothing deleted), bodies over 3 MiB (413, not a reset connection),
// bodies nested 10,000 deep and patches naming __proto__ (4xx, never 500, no prototype polluted), and a
// list or watch from a resourceVersion the server has not reached (504 "Too large resource version").
import { request } from 'node:http';
import { expect } from 'chai';
import { type LocalCluster, startLocalCluster } from '../index.js';
import { rawCall } from './support/raw-api.js';

const CM = '/api/v1/namespaces/default/configmaps';
const MERGE = { 'content-type': 'application/merge-patch+json' };

/** One request through node:http (not fetch), the body written in 64 KiB chunks as a client streams it. */
function streamedRequest(
  cluster: LocalCluster,
  method: string,
  path: string,
  body: Buffer,
): Promise<{ status: number; body: string }> {
  const url = new URL(path, cluster.url);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        headers: {
          authorization: `Bearer ${cluster.token}`,
          'content-type': 'application/json',
          'content-length': body.length,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    const chunk = 64 * 1024;
    let at = 0;
    const writeMore = () => {
      while (at < body.length) {
        const ok = req.write(body.subarray(at, at + chunk));
        at += chunk;
        if (!ok) {
          req.once('drain', writeMore);
          return;
        }
      }
      req.end();
    };
    writeMore();
  });
}

describe('localcluster refuses the requests kube-apiserver refuses', () => {
  let cluster: LocalCluster;
  const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    rawCall(cluster, method, path, body, headers);
  const configMap = async (name: string) => {
    const res = await call('POST', CM, { metadata: { name, labels: { keep: 'me' } }, data: { a: 'b' } });
    expect(res.status).to.equal(201);
    return res.body;
  };

  before(async () => {
    cluster = await startLocalCluster({ tls: false });
  });

  after(() => cluster.stop());

  describe('DeleteOptions', () => {
    const refused: [string, unknown, string, string][] = [
      [
        'a number as precondition uid',
        { preconditions: { uid: 5 } },
        '',
        'json: cannot unmarshal number into Go struct field Preconditions.preconditions.uid of type types.UID',
      ],
      [
        'a string as preconditions',
        { preconditions: 'x' },
        '',
        'json: cannot unmarshal string into Go struct field DeleteOptions.preconditions of type v1.Preconditions',
      ],
      [
        'a number as resourceVersion precondition',
        { preconditions: { resourceVersion: 1 } },
        '',
        'Go struct field Preconditions.preconditions.resourceVersion of type string',
      ],
      [
        'an unknown propagationPolicy',
        { propagationPolicy: 'Sideways' },
        '',
        'propagationPolicy: Unsupported value: "Sideways": supported values: "Foreground", "Background", "Orphan"',
      ],
      [
        'a number as propagationPolicy',
        { propagationPolicy: 1 },
        '',
        'Go struct field DeleteOptions.propagationPolicy of type string',
      ],
      [
        'a fraction as gracePeriodSeconds',
        { gracePeriodSeconds: 1.5 },
        '',
        'json: cannot unmarshal number 1.5 into Go struct field DeleteOptions.gracePeriodSeconds of type int64',
      ],
      [
        'a string as gracePeriodSeconds',
        { gracePeriodSeconds: '5' },
        '',
        'Go struct field DeleteOptions.gracePeriodSeconds of type int64',
      ],
      ['gracePeriodSeconds=soon in the query', {}, '?gracePeriodSeconds=soon', 'gracePeriodSeconds'],
      ['propagationPolicy=Sideways in the query', {}, '?propagationPolicy=Sideways', 'Unsupported value'],
      ['a string as dryRun', { dryRun: 'All' }, '', 'Go struct field DeleteOptions.dryRun of type []string'],
      ['an unknown dryRun value', { dryRun: ['Some'] }, '', 'Invalid dryRun value: Some'],
    ];
    for (const [what, body, query, words] of refused) {
      it(`should answer 400 BadRequest to ${what} and not delete the object`, async () => {
        const name = `del-${what.replace(/[^a-z0-9]+/g, '-')}`.slice(0, 60).replace(/-$/, '');
        await configMap(name);
        const res = await call('DELETE', `${CM}/${name}${query}`, body);
        expect(res.status).to.equal(400);
        expect(res.body).to.include({ kind: 'Status', status: 'Failure', reason: 'BadRequest', code: 400 });
        expect(res.body.message).to.contain(words);
        expect((await call('GET', `${CM}/${name}`)).status).to.equal(200);
      });
    }

    it('should still honour well-typed preconditions and policies', async () => {
      const cm = await configMap('del-typed');
      const stale = await call('DELETE', `${CM}/del-typed`, { preconditions: { uid: 'other' } });
      expect(stale.status).to.equal(409);
      const res = await call('DELETE', `${CM}/del-typed?gracePeriodSeconds=0`, {
        preconditions: { uid: cm.metadata.uid, resourceVersion: cm.metadata.resourceVersion },
        propagationPolicy: 'Background',
        gracePeriodSeconds: 0,
      });
      expect(res.status).to.equal(200);
      expect((await call('GET', `${CM}/del-typed`)).status).to.equal(404);
    });
  });

  describe('bodies over the 3 MiB limit', () => {
    it('should answer a 4 MiB create sent through node:http with a 413 Status, not a reset connection', async () => {
      const body = Buffer.from(
        JSON.stringify({ metadata: { name: 'huge' }, data: { a: 'x'.repeat(4 * 1024 * 1024) } }),
      );
      const res = await streamedRequest(cluster, 'POST', CM, body);
      expect(res.status).to.equal(413);
      expect(JSON.parse(res.body)).to.deep.equal({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Request entity too large: limit is 3145728',
        reason: 'RequestEntityTooLarge',
        code: 413,
      });
      expect((await call('GET', `${CM}/huge`)).status).to.equal(404);
    });

    it('should answer a 4 MiB patch with 413 and serve the next request on the same server', async () => {
      await configMap('patched-huge');
      const patch = Buffer.from(JSON.stringify({ data: { a: 'x'.repeat(4 * 1024 * 1024) } }));
      const res = await streamedRequest(cluster, 'PATCH', `${CM}/patched-huge`, patch);
      expect(res.status).to.equal(413);
      expect((await call('GET', `${CM}/patched-huge`)).body.data).to.deep.equal({ a: 'b' });
    });
  });

  describe('deep nesting and prototype keys', () => {
    const deepJson = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const deepObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

    afterEach(() => {
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
      expect(Object.prototype).to.not.have.property('polluted');
    });

    it('should answer 400 to JSON and YAML nested 10,000 deep, in creates and patches', async () => {
      await configMap('deep-target');
      const cases: [string, string, string, Record<string, string>][] = [
        ['POST', CM, `{"metadata":{"name":"deep"},"data":${deepObject(10_000)}}`, {}],
        ['POST', CM, `{"metadata":{"name":"deep"},"data":{"a":${deepJson(10_000)}}}`, {}],
        [
          'POST',
          CM,
          `metadata:\n  name: deep\ndata:\n  a: ${deepJson(10_000)}\n`,
          { 'content-type': 'application/yaml' },
        ],
        ['PUT', `${CM}/deep-target`, `{"metadata":{"name":"deep-target"},"data":${deepObject(10_000)}}`, {}],
        ['PATCH', `${CM}/deep-target`, `{"data":${deepObject(10_000)}}`, MERGE],
        [
          'PATCH',
          `${CM}/deep-target`,
          `{"data":${deepObject(10_000)}}`,
          { 'content-type': 'application/strategic-merge-patch+json' },
        ],
        [
          'PATCH',
          `${CM}/deep-target?fieldManager=t`,
          `data:\n  a: ${deepJson(10_000)}\n`,
          { 'content-type': 'application/apply-patch+yaml' },
        ],
        ['DELETE', `${CM}/deep-target`, `{"preconditions":${deepObject(10_000)}}`, {}],
      ];
      for (const [method, path, body, headers] of cases) {
        const res = await call(method, path, body, headers);
        expect(res.status, `${method} ${path} ${headers['content-type'] ?? ''}`).to.equal(400);
        expect(res.body.kind).to.equal('Status');
      }
      expect((await call('GET', `${CM}/deep-target`)).body.data).to.deep.equal({ a: 'b' });
    });

    it('should accept an object nested 100 deep, as real objects may be', async () => {
      const res = await call(
        'POST',
        CM,
        `{"metadata":{"name":"nested-100"},"data":{"a":"b"},"extra":${deepObject(100)}}`,
      );
      expect(res.status).to.equal(201);
    });

    it('should refuse patches naming __proto__ with 400 and never pollute Object.prototype', async () => {
      await configMap('proto-target');
      const cases: [string, Record<string, string>][] = [
        ['{"__proto__":{"polluted":1}}', MERGE],
        ['{"metadata":{"labels":{"__proto__":{"polluted":1}}}}', MERGE],
        ['{"__proto__":{"polluted":1}}', { 'content-type': 'application/strategic-merge-patch+json' }],
        [
          '[{"op":"add","path":"/__proto__/polluted","value":1}]',
          { 'content-type': 'application/json-patch+json' },
        ],
        [
          '[{"op":"copy","from":"/__proto__","path":"/data/x"}]',
          { 'content-type': 'application/json-patch+json' },
        ],
        ['__proto__:\n  polluted: 1\n', { 'content-type': 'application/apply-patch+yaml' }],
      ];
      for (const [body, headers] of cases) {
        const res = await call('PATCH', `${CM}/proto-target?fieldManager=t`, body, headers);
        expect(res.status, body).to.equal(400);
        expect(res.body.reason).to.equal('BadRequest');
      }
      const created = await call(
        'POST',
        CM,
        '{"metadata":{"name":"proto-create","__proto__":{"polluted":1}}}',
      );
      expect(created.status).to.equal(400);
    });

    it('should answer constructor/prototype JSON patches with a 4xx and merge "constructor" keys as plain keys', async () => {
      await configMap('ctor-target');
      const jsonPatch = await call(
        'PATCH',
        `${CM}/ctor-target`,
        [{ op: 'add', path: '/constructor/prototype/polluted', value: 1 }],
        { 'content-type': 'application/json-patch+json' },
      );
      expect(jsonPatch.status).to.be.oneOf([400, 422]);
      const merge = await call(
        'PATCH',
        `${CM}/ctor-target`,
        { data: { constructor: 'c', prototype: 'p' } },
        MERGE,
      );
      expect(merge.status).to.equal(200);
      expect(merge.body.data).to.deep.equal({ a: 'b', constructor: 'c', prototype: 'p' });
    });
  });

  describe('what the fuzz test found', () => {
    it('should treat keys named like Object.prototype members (toString, constructor) as plain unknown fields', async () => {
      const owner = await call('POST', CM, {
        metadata: { name: 'shadow', ownerReferences: [{ toString: { x: 1 }, constructor: 1 }] },
      });
      expect(owner.status).to.equal(422);
      expect(owner.body.details.causes[0].field).to.equal('metadata.ownerReferences.apiVersion');
      await configMap('shadow-delete');
      const del = await call('DELETE', `${CM}/shadow-delete`, { constructor: { uid: 1 }, toString: 2 });
      expect(del.status).to.equal(200);
      const review = await call('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
        spec: { resourceAttributes: { verb: 'get', resource: 'pods' }, toString: 1 },
      });
      expect(review.status).to.equal(201);
    });

    it('should answer a kind or apiVersion that is not a string with 400, not 500', async () => {
      for (const body of [
        { kind: [{ toString: 1 }], metadata: { name: 'typed-kind' } },
        { apiVersion: { a: 1 }, metadata: { name: 'typed-kind' } },
      ]) {
        const res = await call('POST', CM, body);
        expect(res.status).to.equal(400);
        expect(res.body.message).to.match(
          /^couldn't get version\/kind; json parse error: json: cannot unmarshal/,
        );
      }
    });

    it('should answer Secret stringData values that are not strings with 400', async () => {
      const res = await call('POST', '/api/v1/namespaces/default/secrets', {
        metadata: { name: 'typed-secret' },
        stringData: { a: { toString: 1 } },
      });
      expect(res.status).to.equal(400);
      expect(res.body.message).to.contain('Go struct field Secret.stringData of type string');
    });

    it('should answer a method the HTTP parser does not know with a 405 Status', async () => {
      const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(
          new URL(CM, cluster.url),
          { method: 'FOO', headers: { authorization: `Bearer ${cluster.token}` } },
          (r) => {
            let text = '';
            r.on('data', (c) => {
              text += c;
            });
            r.on('end', () => resolve({ status: r.statusCode ?? 0, body: text }));
          },
        );
        req.on('error', reject);
        req.end();
      });
      expect(res.status).to.equal(405);
      expect(JSON.parse(res.body)).to.include({ kind: 'Status', reason: 'MethodNotAllowed', code: 405 });
    });
  });

  describe('a resourceVersion ahead of the server', () => {
    it('should end a watch from a future resourceVersion with a 504 "Too large resource version" ERROR event', async () => {
      const list = await call('GET', CM);
      const current = Number(list.body.metadata.resourceVersion);
      const future = current + 1000;
      const started = performance.now();
      const res = await fetch(`${cluster.url}${CM}?watch=true&resourceVersion=${future}`, {
        headers: { authorization: `Bearer ${cluster.token}` },
        signal: AbortSignal.timeout(10_000),
      });
      expect(res.status).to.equal(200);
      const lines = (await res.text()).trim().split('\n');
      expect(performance.now() - started).to.be.below(9_000);
      expect(lines).to.have.length(1);
      expect(JSON.parse(lines[0] as string)).to.deep.equal({
        type: 'ERROR',
        object: {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: `Timeout: Too large resource version: ${future}, current: ${current}`,
          reason: 'Timeout',
          details: {
            causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
            retryAfterSeconds: 1,
          },
          code: 504,
        },
      });
    });

    it('should start a watch whose resourceVersion the server reaches while it waits', async () => {
      const current = Number((await call('GET', CM)).body.metadata.resourceVersion);
      const res = await fetch(`${cluster.url}${CM}?watch=true&resourceVersion=${current + 1}`, {
        headers: { authorization: `Bearer ${cluster.token}` },
        signal: AbortSignal.timeout(10_000),
      });
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      // the first write reaches the resourceVersion asked for; a watch reports what comes after it
      await configMap('caught-up-1');
      await configMap('caught-up-2');
      let text = '';
      while (!text.includes('"caught-up-2"')) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      await reader.cancel();
      const events = text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(events.map((e) => e.type)).to.not.include('ERROR');
      expect(events.at(-1).type).to.equal('ADDED');
      expect(events.at(-1).object.metadata.name).to.equal('caught-up-2');
    });

    it('should answer a list from a future resourceVersion with a 504 Timeout Status', async () => {
      const current = Number((await call('GET', CM)).body.metadata.resourceVersion);
      const res = await call('GET', `${CM}?resourceVersion=${current + 50}`);
      expect(res.status).to.equal(504);
      expect(res.body).to.include({
        reason: 'Timeout',
        message: `Timeout: Too large resource version: ${current + 50}, current: ${current}`,
      });
      expect(res.body.details.causes[0].reason).to.equal('ResourceVersionTooLarge');
      expect((await call('GET', `${CM}?resourceVersion=${current}`)).status).to.equal(200);
    });
  });
});
