// The data directory holds every Secret: only its owner may read it. New directories are 0700 and every file
// in them 0600 (log segments, snapshots, the lock), and a directory left 0755/0644 by an older version is
// fixed when the server starts on it.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { type LocalCluster, startLocalCluster } from '../index.js';
import { rawCall } from './support/raw-api.js';

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

function modes(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).map((name) => [name, mode(join(dir, name))]));
}

describe('localcluster data-directory permissions', () => {
  let root: string;
  const clusters: LocalCluster[] = [];
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'tdo-modes-'));
  });
  afterEach(async () => {
    for (const cluster of clusters.splice(0)) await cluster.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('should create the data directory 0700 and its segments, snapshot and lock 0600', async () => {
    const dir = join(root, 'data');
    const cluster = await startLocalCluster({ dataDir: dir, compactBytes: 4096 });
    clusters.push(cluster);
    for (let i = 0; i < 30; i++) {
      const res = await rawCall(cluster, 'POST', '/api/v1/namespaces/default/secrets', {
        metadata: { name: `s-${i}` },
        stringData: { password: 'x'.repeat(200) },
      });
      expect(res.status).to.equal(201);
    }
    expect(mode(dir)).to.equal('700');
    const files = modes(dir);
    expect(Object.keys(files)).to.include.members(['snapshot.ndjson']);
    expect(Object.keys(files).some((f) => f.startsWith('wal-'))).to.equal(true);
    expect(Object.keys(files).some((f) => f.startsWith('lock.'))).to.equal(true);
    expect(
      Object.values(files).every((m) => m === '600'),
      JSON.stringify(files),
    ).to.equal(true);
  });

  it('should make a directory of an older version 0700 and its files 0600 when it starts on it', async () => {
    const dir = join(root, 'old');
    const first = await startLocalCluster({ dataDir: dir });
    await rawCall(first, 'POST', '/api/v1/namespaces/default/secrets', { metadata: { name: 'kept' } });
    await first.stop();
    chmodSync(dir, 0o755);
    for (const name of readdirSync(dir)) chmodSync(join(dir, name), 0o644);
    writeFileSync(join(dir, 'kubeconfig'), 'old', { mode: 0o644 });
    mkdirSync(join(dir, 'cache'), { mode: 0o755 });

    const second = await startLocalCluster({ dataDir: dir });
    clusters.push(second);
    expect(mode(dir)).to.equal('700');
    const files = modes(dir);
    expect(files).to.include({ kubeconfig: '600', cache: '700' });
    expect(
      Object.values(files).every((m) => m === '600' || m === '700'),
      JSON.stringify(files),
    ).to.equal(true);
    expect((await rawCall(second, 'GET', '/api/v1/namespaces/default/secrets/kept')).status).to.equal(200);
  });
});
