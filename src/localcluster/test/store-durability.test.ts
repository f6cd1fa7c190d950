// Durability of the embedded control plane with a data directory: state survives a restart, a process
// killed with SIGKILL in the middle of a burst of writes loses none that were acknowledged, and the log is
// compacted into a snapshot without losing anything either.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { type LocalCluster, startLocalCluster } from '../index.js';
import { startChild } from './support/child-cluster.js';
import { committedCrd } from './support/crds.js';

const CM = '/api/v1/namespaces/default/configmaps';

async function call(cluster: { url: string; token: string }, method: string, path: string, body?: unknown) {
  const res = await fetch(`${cluster.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${cluster.token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: assertions walk the JSON freely
  return { status: res.status, body: (await res.json()) as any };
}

describe('localcluster store durability', () => {
  const dirs: string[] = [];
  const clusters: LocalCluster[] = [];
  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'tdo-store-'));
    dirs.push(dir);
    return dir;
  };
  const start = async (dir: string, extra: { compactBytes?: number; now?: () => Date } = {}) => {
    const cluster = await startLocalCluster({ tls: false, dataDir: dir, ...extra });
    clusters.push(cluster);
    return cluster;
  };

  afterEach(async () => {
    for (const cluster of clusters.splice(0)) await cluster.stop();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('should serve every object again after a restart, with the resourceVersion still growing', async () => {
    const dir = dataDir();
    const first = await start(dir);
    const crd = committedCrd('teamsdevices');
    expect(
      (await call(first, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd)).status,
    ).to.equal(201);
    const device = {
      apiVersion: 'teamsdevices.io/v1alpha1',
      kind: 'TeamsDevice',
      metadata: { name: 'kept' },
      spec: { type: 'Phone', manufacturer: 'Yealink', model: 'MP56' },
    };
    const devices = '/apis/teamsdevices.io/v1alpha1/namespaces/default/teamsdevices';
    expect((await call(first, 'POST', devices, device)).status).to.equal(201);
    await call(first, 'POST', CM, { metadata: { name: 'kept' }, data: { a: '1' } });
    await call(first, 'POST', CM, { metadata: { name: 'removed' } });
    await call(first, 'DELETE', `${CM}/removed`);
    const before = (await call(first, 'GET', CM)).body.metadata.resourceVersion;
    await first.stop();
    clusters.splice(0);

    const second = await start(dir);
    expect((await call(second, 'GET', `${devices}/kept`)).body.spec.model).to.equal('MP56');
    expect((await call(second, 'GET', `${CM}/kept`)).body.data).to.deep.equal({ a: '1' });
    expect((await call(second, 'GET', `${CM}/removed`)).status).to.equal(404);
    expect((await call(second, 'GET', CM)).body.metadata.resourceVersion).to.equal(before);
    const next = await call(second, 'POST', CM, { metadata: { name: 'after' } });
    expect(Number(next.body.metadata.resourceVersion)).to.equal(Number(before) + 1);
  });

  it('should lose no acknowledged write when killed with SIGKILL during a burst of writes', async function () {
    this.timeout(60_000);
    const dir = dataDir();
    const { child, url, token } = await startChild(dir);
    const acknowledged: string[] = [];
    let next = 0;
    let killed = false;
    const writer = async () => {
      while (!killed) {
        const name = `burst-${next++}`;
        try {
          const res = await call({ url, token }, 'POST', CM, { metadata: { name }, data: { n: name } });
          if (res.status === 201 && !killed) acknowledged.push(name);
          // An answer that arrives after the kill was still acknowledged by the server: keep it too.
          else if (res.status === 201) acknowledged.push(name);
        } catch {
          return; // the connection died with the process
        }
        if (acknowledged.length >= 400 && !killed) {
          killed = true;
          child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: 32 }, writer));
    await new Promise((resolve) =>
      child.exitCode !== null || child.signalCode !== null ? resolve(0) : child.once('exit', resolve),
    );
    expect(child.signalCode).to.equal('SIGKILL');
    expect(acknowledged.length).to.be.at.least(400);

    const restarted = await start(dir);
    const names = new Set(
      (await call(restarted, 'GET', CM)).body.items.map(
        (i: { metadata: { name: string } }) => i.metadata.name,
      ),
    );
    const lost = acknowledged.filter((name) => !names.has(name));
    expect(lost).to.deep.equal([]);
  });

  it('should compact the log into a snapshot and restore from it', async () => {
    const dir = dataDir();
    const first = await start(dir, { compactBytes: 16 * 1024 });
    for (let i = 0; i < 200; i++) {
      await call(first, 'POST', CM, { metadata: { name: `c-${i}` }, data: { payload: 'x'.repeat(200) } });
    }
    for (let i = 0; i < 200; i += 2) await call(first, 'DELETE', `${CM}/c-${i}`);
    const rv = (await call(first, 'GET', CM)).body.metadata.resourceVersion;
    await first.stop();
    clusters.splice(0);
    const files = readdirSync(dir);
    expect(files).to.include('snapshot.ndjson');
    expect(files.filter((f) => f.startsWith('wal-')).length).to.be.at.most(2);

    const second = await start(dir, { compactBytes: 16 * 1024 });
    const list = (await call(second, 'GET', CM)).body;
    expect(list.metadata.resourceVersion).to.equal(rv);
    const names = list.items
      .map((i: { metadata: { name: string } }) => i.metadata.name)
      .filter((n: string) => n.startsWith('c-'));
    expect(names).to.have.length(100);
    expect(names.every((n: string) => Number(n.slice(2)) % 2 === 1)).to.equal(true);
  });

  it('should refuse a second server on a data directory in use', async () => {
    const dir = dataDir();
    await start(dir);
    let error: unknown;
    try {
      await startLocalCluster({ tls: false, dataDir: dir });
    } catch (e) {
      error = e;
    }
    expect(String(error)).to.match(/is in use by process/);
  });

  it('should answer 410 to a watch from a resourceVersion of before the restart', async () => {
    const dir = dataDir();
    const first = await start(dir);
    const old = (await call(first, 'POST', CM, { metadata: { name: 'w' } })).body.metadata.resourceVersion;
    await call(first, 'POST', CM, { metadata: { name: 'w2' } });
    await first.stop();
    clusters.splice(0);
    const second = await start(dir);
    const res = await fetch(`${second.url}${CM}?watch=true&resourceVersion=${old}`, {
      headers: { authorization: `Bearer ${second.token}` },
    });
    const [line] = (await res.text()).trim().split('\n');
    expect(JSON.parse(line ?? '{}')).to.deep.include({ type: 'ERROR' });
    expect(JSON.parse(line ?? '{}').object.code).to.equal(410);
  });

  it('should expire Events an hour after they were last seen', async () => {
    const dir = dataDir();
    const first = await start(dir);
    const event = (name: string, lastTimestamp: string) => ({
      metadata: { name },
      involvedObject: { kind: 'ConfigMap', name: 'x', namespace: 'default' },
      reason: 'Tested',
      lastTimestamp,
    });
    const now = Date.now();
    await call(
      first,
      'POST',
      '/api/v1/namespaces/default/events',
      event('old', new Date(now - 30 * 60_000).toISOString()),
    );
    await call(
      first,
      'POST',
      '/api/v1/namespaces/default/events',
      event('recent', new Date(now + 50 * 60_000).toISOString()),
    );
    await first.stop();
    clusters.splice(0);
    const later = await start(dir, { now: () => new Date(now + 45 * 60_000) });
    const names = (await call(later, 'GET', '/api/v1/namespaces/default/events')).body.items.map(
      (e: { metadata: { name: string } }) => e.metadata.name,
    );
    expect(names).to.deep.equal(['recent']);
  });
});
