import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ArtifactError, type ArtifactFetchResult, ArtifactStore } from '../../src/proxy/artifacts.js';
import { silentLogger } from '../support/async.js';
import { freePort } from '../support/brokers.js';
import { type ArtifactServer, sha256, startArtifactServer } from './support.js';

const BYTES = Buffer.from('release 2.0.0 '.repeat(5000));

describe('the proxy artifact store', () => {
  let dir: string;
  let server: ArtifactServer;
  let results: ArtifactFetchResult[];
  let store: ArtifactStore;
  const artifact = (overrides: object = {}) => ({
    url: server.url('/a.bin'),
    sha256: sha256(BYTES),
    sizeBytes: BYTES.byteLength,
    ...overrides,
  });
  const refusal = async (promise: Promise<unknown>): Promise<ArtifactError> => {
    try {
      await promise;
    } catch (err) {
      expect(err).to.be.instanceOf(ArtifactError);
      return err as ArtifactError;
    }
    throw new Error('expected the artifact to be refused');
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tdo-artifacts-'));
    server = await startArtifactServer({ '/a.bin': BYTES });
    results = [];
    store = await ArtifactStore.open({ dir, logger: silentLogger(), onFetch: (r) => results.push(r) });
  });
  afterEach(async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('should store a checked artifact under its sha256 and serve it from disk the next time', async () => {
    const checked = await store.fetch(artifact());
    expect(checked).to.deep.equal({
      path: join(dir, sha256(BYTES)),
      sha256: sha256(BYTES),
      sizeBytes: BYTES.length,
    });
    expect(await readFile(checked.path ?? '')).to.deep.equal(BYTES);
    await store.fetch(artifact({ url: server.url('/elsewhere.bin') }));
    expect(results).to.deep.equal(['downloaded', 'cached']);
    expect(server.requests.get('/a.bin')).to.equal(1);
  });

  it('should make overlapping fetches of one sha256 share a single download', async () => {
    await Promise.all(Array.from({ length: 50 }, () => store.fetch(artifact())));
    expect(server.requests.get('/a.bin')).to.equal(1);
    expect(results.filter((r) => r === 'shared')).to.have.length(49);
  });

  it('should refuse bytes whose sha256 differs, saying both digests, and keep nothing', async () => {
    const wrong = 'ab'.repeat(32);
    const err = await refusal(store.fetch(artifact({ sha256: wrong })));
    expect(err.reason).to.equal('sha256');
    expect(err.message).to.equal(`sha256 mismatch: expected ${wrong}, got ${sha256(BYTES)}`);
    expect(await readdir(dir)).to.deep.equal([]);
  });

  it('should refuse an artifact larger or smaller than announced', async () => {
    const smaller = await refusal(store.fetch(artifact({ sizeBytes: 100 })));
    expect(smaller.message).to.equal('size mismatch: expected 100 bytes, got more');
    const larger = await refusal(store.fetch(artifact({ sizeBytes: BYTES.length + 1 })));
    expect(larger.message).to.equal(`size mismatch: expected ${BYTES.length + 1} bytes, got ${BYTES.length}`);
    expect(await readdir(dir)).to.deep.equal([]);
  });

  it('should say which HTTP status or network error stopped a fetch', async () => {
    expect((await refusal(store.fetch(artifact({ url: server.url('/missing') })))).message).to.contain(
      'HTTP 404',
    );
    const err = await refusal(store.fetch(artifact({ url: `http://127.0.0.1:${await freePort()}/a.bin` })));
    expect(err.reason).to.equal('network');
    expect(err.message).to.contain('ECONNREFUSED');
  });
});
