import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { expect } from 'chai';
import { parse } from 'yaml';
import { OPENAPI_FILE, renderOpenApi } from '../../src/device-agent/openapi.js';
import {
  type ArtifactServer,
  poolDevice,
  type RunningAgent,
  startAgent,
  startArtifactServer,
} from './support.js';

type Doc = {
  openapi: string;
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: { $ref: string } }> }> }>
  >;
  components: { schemas: Record<string, unknown> };
};

const doc = parse(readFileSync(OPENAPI_FILE, 'utf8')) as Doc;
const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addSchema({ $id: 'contract', components: doc.components });

/** Checks a response against what the YAML says that operation answers with that status. */
function conforms(path: string, method: string, status: number, contentType: string, body: unknown): void {
  const response = doc.paths[path]?.[method]?.responses[String(status)];
  expect(response, `${method.toUpperCase()} ${path} documents status ${status}`).to.exist;
  const mediaType = contentType.split(';')[0] ?? '';
  const content = response?.content?.[mediaType];
  expect(content, `${method.toUpperCase()} ${path} ${status} documents ${mediaType}`).to.exist;
  const validate = ajv.getSchema(`contract${content?.schema.$ref}`);
  if (!validate) throw new Error(`no schema ${content?.schema.$ref}`);
  expect(validate(body), JSON.stringify(validate.errors)).to.equal(true);
}

describe('the device agent contract (docs/device-agent.openapi.yaml)', () => {
  it('should be an OpenAPI 3.1 document that is exactly what the code renders', () => {
    expect(doc.openapi).to.match(/^3\.1\./);
    expect(Object.keys(doc.paths)).to.deep.equal(['/v1/status', '/v1/updates', '/v1/updates/{commandId}']);
    expect(
      readFileSync(OPENAPI_FILE, 'utf8'),
      'stale: run npx tsx src/device-agent/generate-openapi.ts',
    ).to.equal(renderOpenApi());
  });

  it('should describe every field of every schema', () => {
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      const walk = (s: Record<string, unknown>, at: string) => {
        for (const [field, sub] of Object.entries(
          (s.properties ?? {}) as Record<string, Record<string, unknown>>,
        )) {
          expect(sub.description, `${at}.${field} has a description`).to.be.a('string');
          walk(sub, `${at}.${field}`);
        }
      };
      walk(schema as Record<string, unknown>, name);
    }
  });

  describe('every answer of the agent', () => {
    let agent: RunningAgent;
    let artifacts: ArtifactServer;
    const seen: string[] = [];
    const base = () => `http://127.0.0.1:${agent.port}/devices/p1`;

    before(async () => {
      artifacts = await startArtifactServer();
      agent = await startAgent([poolDevice('p1')], { token: 's3cret' });
    });
    after(async () => {
      await agent.stop();
      await artifacts.stop();
    });

    async function call(
      method: 'get' | 'post',
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ) {
      const res = await fetch(`${base()}${path.replace('{commandId}', 'c1')}`, {
        method: method.toUpperCase(),
        headers: {
          Authorization: 'Bearer s3cret',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const json = (await res.json()) as Record<string, unknown>;
      const documented = path.includes('/v1/updates/') ? '/v1/updates/{commandId}' : path;
      conforms(documented, method, res.status, res.headers.get('content-type') ?? '', json);
      seen.push(`${method} ${documented} ${res.status}`);
      return { status: res.status, body: json };
    }

    const update = () => ({
      commandId: 'c1',
      component: 'Firmware',
      version: '2.0.0',
      artifact: { url: artifacts.url, sha256: artifacts.sha256, sizeBytes: artifacts.sizeBytes },
    });

    it('should validate against the schema the document gives for its status', async () => {
      expect((await call('get', '/v1/status')).body).to.include({ online: true, firmwareVersion: '1.0.0' });
      expect((await call('post', '/v1/updates', update())).status).to.equal(202);
      expect((await call('post', '/v1/updates', update())).status).to.equal(200);
      const busy = await call('post', '/v1/updates', { ...update(), commandId: 'c2' });
      expect(busy.status).to.equal(409);
      expect(busy.body.detail).to.contain('another update is in progress: Firmware 2.0.0 (command c1)');
      const invalid = await call('post', '/v1/updates', {
        ...update(),
        artifact: { ...update().artifact, sha256: 'xyz' },
      });
      expect(invalid.body).to.include({
        status: 400,
        field: 'artifact.sha256',
        detail: 'artifact.sha256: must be 64 hex digits',
      });
      expect((await call('post', '/v1/updates', '{not json')).body).to.include({
        status: 400,
        field: 'body',
      });
      expect((await call('post', '/v1/updates', update(), { 'Content-Type': 'text/plain' })).status).to.equal(
        415,
      );
      expect(
        (await call('post', '/v1/updates', { ...update(), padding: 'x'.repeat(20_000) })).status,
      ).to.equal(413);
      expect((await call('get', '/v1/updates/{commandId}')).body).to.include({ commandId: 'c1' });
      expect((await call('get', '/v1/status', undefined, { Authorization: 'Bearer wrong' })).status).to.equal(
        401,
      );
      const missing = await fetch(`${base()}/v1/updates/nope`, {
        headers: { Authorization: 'Bearer s3cret' },
      });
      const problem = await missing.json();
      conforms(
        '/v1/updates/{commandId}',
        'get',
        missing.status,
        missing.headers.get('content-type') ?? '',
        problem,
      );
      expect(problem).to.include({ status: 404, detail: 'no update nope on device p1' });
      expect(seen).to.include.members(['post /v1/updates 202', 'post /v1/updates 409', 'get /v1/status 401']);
    });
  });
});
