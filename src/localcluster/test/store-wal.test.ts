// The pieces under the durable store: the framed write-ahead log (group commit, torn tails, rotation)
// and the in-memory index (resourceVersion counter, uid and owner indexes).
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { Store } from '../store/store.js';
import { frame, listSegments, readSegment, segmentName, WriteAheadLog } from '../store/wal.js';
import { FaultyDisk } from './support/faulty-disk.js';

describe('localcluster write-ahead log', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tdo-wal-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('should acknowledge concurrent appends with far fewer syncs than appends (group commit)', async () => {
    const wal = await WriteAheadLog.create(dir, 1);
    await Promise.all(Array.from({ length: 500 }, (_, i) => wal.append(JSON.stringify({ rv: i + 1 }))));
    expect(wal.syncs).to.be.at.least(1);
    expect(wal.syncs).to.be.below(50);
    await wal.close();
    const records = await readSegment(join(dir, segmentName(1)));
    expect(records.map((r) => (JSON.parse(r) as { rv: number }).rv)).to.deep.equal(
      Array.from({ length: 500 }, (_, i) => i + 1),
    );
  });

  it('should cut a torn last line (a write the crash interrupted) and keep the records before it', async () => {
    const path = join(dir, segmentName(1));
    appendFileSync(path, frame('{"rv":1}') + frame('{"rv":2}') + frame('{"rv":3}').slice(0, 12));
    expect(await readSegment(path)).to.deep.equal(['{"rv":1}', '{"rv":2}']);
    expect(readFileSync(path, 'utf8')).to.equal(frame('{"rv":1}') + frame('{"rv":2}'));
  });

  it('should refuse a line whose checksum does not match when a valid record follows it, changing nothing', async () => {
    const path = join(dir, segmentName(1));
    const text = `${frame('{"rv":1}')}00000000\t{"rv":2}\n${frame('{"rv":3}')}`;
    appendFileSync(path, text);
    const error = await readSegment(path).catch((e: unknown) => e);
    expect(String(error)).to.include(`${path} is damaged at byte ${frame('{"rv":1}').length}`);
    expect(readFileSync(path, 'utf8')).to.equal(text);
  });

  it('should refuse an incomplete last line in a segment that is not the last one', async () => {
    const path = join(dir, segmentName(1));
    appendFileSync(path, frame('{"rv":1}') + frame('{"rv":2}').slice(0, 12));
    const error = await readSegment(path, false).catch((e: unknown) => e);
    expect(String(error)).to.match(/is damaged at byte 18: record 2 is incomplete/);
  });

  it('should fail a write the disk took only part of with everything queued behind it, undone newest first, and write the next one once there is room', async () => {
    const disk = new FaultyDisk();
    const wal = await WriteAheadLog.create(dir, 1, disk.open);
    await wal.append('{"rv":1}');
    disk.room = 5;
    const undone: number[] = [];
    const results = await Promise.allSettled(
      [2, 3, 4].map((rv) => wal.append(`{"rv":${rv}}`, () => undone.push(rv))),
    );
    expect(results.map((r) => r.status)).to.deep.equal(['rejected', 'rejected', 'rejected']);
    expect(undone).to.deep.equal([4, 3, 2]);
    expect(wal.lastError).to.have.property('code', 'ENOSPC');
    expect(readFileSync(join(dir, segmentName(1)), 'utf8'), 'the partial write is cut').to.equal(
      frame('{"rv":1}'),
    );
    disk.room = Number.POSITIVE_INFINITY;
    await wal.append('{"rv":5}');
    expect(wal.lastError).to.equal(undefined);
    await wal.close();
    expect(await readSegment(join(dir, segmentName(1)))).to.deep.equal(['{"rv":1}', '{"rv":5}']);
  });

  it('should write the records appended after a rotation to the next segment', async () => {
    const wal = await WriteAheadLog.create(dir, 1);
    await wal.append('{"rv":1}');
    expect(wal.rotate()).to.equal(2);
    await wal.append('{"rv":2}');
    await wal.close();
    expect(await listSegments(dir)).to.deep.equal([1, 2]);
    expect(await readSegment(join(dir, segmentName(1)))).to.deep.equal(['{"rv":1}']);
    expect(await readSegment(join(dir, segmentName(2)))).to.deep.equal(['{"rv":2}']);
  });
});

describe('localcluster store index', () => {
  it('should give every write the next resourceVersion of one counter across resources', () => {
    const store = new Store();
    const a = store.put('configmaps', { metadata: { name: 'a', namespace: 'x', uid: 'u-a' } });
    const b = store.put('deployments.apps', { metadata: { name: 'b', namespace: 'x', uid: 'u-b' } });
    const a2 = store.put('configmaps', {
      metadata: { name: 'a', namespace: 'x', uid: 'u-a' },
      data: { k: 'v' },
    });
    expect([a.rv, b.rv, a2.rv]).to.deep.equal([1, 2, 3]);
    expect([a.type, b.type, a2.type]).to.deep.equal(['ADDED', 'ADDED', 'MODIFIED']);
    expect(a2.old?.rv).to.equal(1);
    const removed = store.remove('configmaps', 'x', 'a');
    expect(removed?.rv).to.equal(4);
    expect(JSON.parse(removed?.entry.json ?? '{}').metadata.resourceVersion).to.equal('4');
    expect(store.get('configmaps', 'x', 'a')).to.equal(undefined);
    expect(store.rv).to.equal(4);
  });

  it('should list one namespace or all of them, and index objects by uid and by owner', () => {
    const store = new Store();
    store.put('configmaps', { metadata: { name: 'owner', namespace: 'x', uid: 'u-1' } });
    const owned = {
      name: 'dep',
      namespace: 'y',
      uid: 'u-2',
      ownerReferences: [{ uid: 'u-1', name: 'owner' }],
    };
    store.put('configmaps', { metadata: owned });
    expect(store.list('configmaps', 'x').map((e) => e.name)).to.deep.equal(['owner']);
    expect(
      store
        .list('configmaps')
        .map((e) => e.name)
        .sort(),
    ).to.deep.equal(['dep', 'owner']);
    expect(store.byUid('u-2')).to.deep.equal({ resource: 'configmaps', namespace: 'y', name: 'dep' });
    expect(store.dependentsOf('u-1')).to.deep.equal([
      { resource: 'configmaps', namespace: 'y', name: 'dep' },
    ]);
    store.remove('configmaps', 'y', 'dep');
    expect(store.dependentsOf('u-1')).to.deep.equal([]);
    expect(store.byUid('u-2')).to.equal(undefined);
  });
});
