// A full disk as a user meets it: a write the disk refuses (or only partly takes) is a 500 Status and leaves
// no trace (no phantom object, no watch event, a retry is not AlreadyExists), /readyz says the log cannot be
// written, and once there is room the next write succeeds and nothing acknowledged is lost across a restart.
// Two disks: a fault-injected file layer (always), and a real 2 MiB tmpfs where this machine lets us mount.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { type LocalCluster, type LocalClusterOptions, startLocalCluster } from '../index.js';
import { FaultyDisk } from './support/faulty-disk.js';
import { rawCall } from './support/raw-api.js';
import { type Mounted, mountTmpfs } from './support/tmpfs.js';

const CM = '/api/v1/namespaces/default/configmaps';
const ENOSPC = /Internal error occurred: storage: the write-ahead log could not be written \(ENOSPC/;

async function readyz(cluster: LocalCluster): Promise<{ status: number; text: string }> {
  const res = await fetch(`${cluster.url}/readyz`);
  return { status: res.status, text: await res.text() };
}

/** The names of ADDED events a watch on ConfigMaps has seen so far. */
function watchAdded(cluster: LocalCluster): { names: string[]; stop(): void } {
  const names: string[] = [];
  const abort = new AbortController();
  void (async () => {
    const res = await fetch(`${cluster.url}${CM}?watch=true`, {
      headers: { authorization: `Bearer ${cluster.token}` },
      signal: abort.signal,
    });
    let rest = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      rest += Buffer.from(chunk).toString();
      const lines = rest.split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        const event = JSON.parse(line) as { type: string; object: { metadata: { name: string } } };
        if (event.type === 'ADDED') names.push(event.object.metadata.name);
      }
    }
  })().catch(() => undefined);
  return { names, stop: () => abort.abort() };
}

async function names(cluster: LocalCluster, prefix: string): Promise<string[]> {
  const list = (await rawCall(cluster, 'GET', CM)).body;
  return list.items
    .map((i: { metadata: { name: string } }) => i.metadata.name)
    .filter((n: string) => n.startsWith(prefix))
    .sort();
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('localcluster store on a full disk', function () {
  this.timeout(30_000);
  const clusters: LocalCluster[] = [];
  const start = async (options: LocalClusterOptions) => {
    const cluster = await startLocalCluster(options);
    clusters.push(cluster);
    return cluster;
  };
  afterEach(async () => {
    for (const cluster of clusters.splice(0)) await cluster.stop();
  });

  describe('with a fault-injected file layer (short writes, then ENOSPC)', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'tdo-full-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('should refuse a write the disk only partly took with a 500 Status, keep no trace of it, and take it once there is room', async () => {
      const disk = new FaultyDisk();
      const cluster = await start({ dataDir: dir, openLogFile: disk.open });
      const watch = watchAdded(cluster);
      const acknowledged: string[] = [];
      for (let i = 0; i < 10; i++) {
        const res = await rawCall(cluster, 'POST', CM, { metadata: { name: `ok-${i}` } });
        expect(res.status).to.equal(201);
        acknowledged.push(`ok-${i}`);
      }
      expect((await readyz(cluster)).status).to.equal(200);

      disk.room = 100;
      const refused = await rawCall(cluster, 'POST', CM, {
        metadata: { name: 'late' },
        data: { x: 'y'.repeat(500) },
      });
      expect(disk.shortWrites, 'the disk took part of the write').to.equal(1);
      expect(refused.status).to.equal(500);
      expect(refused.body).to.deep.include({ kind: 'Status', reason: 'InternalError', code: 500 });
      expect(refused.body.message).to.match(ENOSPC);
      expect((await rawCall(cluster, 'GET', `${CM}/late`)).status, 'no phantom object').to.equal(404);
      const burst = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          rawCall(cluster, 'POST', CM, { metadata: { name: `burst-${i}` } }),
        ),
      );
      expect(burst.map((r) => r.status)).to.deep.equal(Array(20).fill(500));
      expect(await names(cluster, 'burst-')).to.deep.equal([]);
      const update = await rawCall(cluster, 'PUT', `${CM}/ok-0`, {
        metadata: { name: 'ok-0' },
        data: { a: 'b' },
      });
      expect(update.status).to.equal(500);
      expect(
        (await rawCall(cluster, 'GET', `${CM}/ok-0`)).body.data,
        'the refused update is undone',
      ).to.equal(undefined);
      const ready = await readyz(cluster);
      expect(ready.status).to.equal(500);
      expect(ready.text).to.match(/\[-\]storage failed: the write-ahead log cannot be written: ENOSPC/);

      disk.room = Number.POSITIVE_INFINITY;
      const retried = await rawCall(cluster, 'POST', CM, { metadata: { name: 'late' } });
      expect(retried.status, 'the retry is not AlreadyExists').to.equal(201);
      acknowledged.push('late');
      expect(await readyz(cluster)).to.deep.equal({ status: 200, text: 'ok' });
      await until('the watch to see the retried create', () => watch.names.includes('late'));
      watch.stop();
      expect(watch.names.filter((n) => !n.startsWith('kube-'))).to.deep.equal(acknowledged);

      await cluster.stop();
      clusters.splice(0);
      const restarted = await start({ dataDir: dir });
      expect([...(await names(restarted, 'ok-')), ...(await names(restarted, 'late'))]).to.deep.equal(
        acknowledged,
      );
      expect(await names(restarted, 'burst-')).to.deep.equal([]);
    });
  });

  describe('with a slow fault-injected file layer', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'tdo-slow-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('should show a write to no reader before it is on disk, nor ever when the disk refuses it', async () => {
      const disk = new FaultyDisk();
      const cluster = await start({ dataDir: dir, openLogFile: disk.open });
      const release = disk.hold();
      const create = rawCall(cluster, 'POST', CM, { metadata: { name: 'slow' } });
      await until('the write to reach the disk', () => disk.waiting === 1);
      let answered = false;
      const read = rawCall(cluster, 'GET', `${CM}/slow`).then((res) => {
        answered = true;
        return res;
      });
      const list = rawCall(cluster, 'GET', CM);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(answered, 'no answer while the write is on its way').to.equal(false);
      disk.room = 0;
      release();
      expect((await create).status).to.equal(500);
      expect((await read).status).to.equal(404);
      expect(
        ((await list).body.items as Array<{ metadata: { name: string } }>).map((i) => i.metadata.name),
      ).not.to.include('slow');
    });
  });

  describe('with a real 2 MiB tmpfs', () => {
    let mounted: Mounted;
    before(() => {
      mounted = mountTmpfs('2m');
    });
    after(() => {
      if (mounted.dir !== undefined) mounted.unmount();
    });

    it('should refuse writes with a 500 Status once the tmpfs is full, and store the next write once space is freed', async function () {
      if (mounted.dir === undefined) {
        console.log(`      pending: ${mounted.reason}`);
        this.skip();
      }
      const root = mounted.dir;
      const filler = join(root, 'filler');
      writeFileSync(filler, Buffer.alloc(512 * 1024));
      const dataDir = join(root, 'data');
      mkdirSync(dataDir);
      const cluster = await start({ dataDir });
      const acknowledged: string[] = [];
      let refused: Awaited<ReturnType<typeof rawCall>> | undefined;
      let failedName = '';
      for (let i = 0; i < 1000 && !refused; i++) {
        const res = await rawCall(cluster, 'POST', CM, {
          metadata: { name: `fill-${i}` },
          data: { x: 'z'.repeat(8000) },
        });
        if (res.status === 201) acknowledged.push(`fill-${i}`);
        else {
          refused = res;
          failedName = `fill-${i}`;
        }
      }
      expect(refused?.status, 'a write the full disk refused').to.equal(500);
      expect(refused?.body.message).to.match(ENOSPC);
      expect((await rawCall(cluster, 'GET', `${CM}/${failedName}`)).status, 'no phantom object').to.equal(
        404,
      );
      expect((await readyz(cluster)).status).to.equal(500);

      rmSync(filler);
      const retried = await rawCall(cluster, 'POST', CM, {
        metadata: { name: failedName },
        data: { x: 'again' },
      });
      expect(retried.status, 'the retry after space was freed').to.equal(201);
      acknowledged.push(failedName);
      expect((await readyz(cluster)).status).to.equal(200);

      await cluster.stop();
      clusters.splice(0);
      const restarted = await start({ dataDir });
      expect(await names(restarted, 'fill-')).to.deep.equal([...acknowledged].sort());
    });
  });
});
