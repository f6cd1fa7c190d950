// A damaged write-ahead log as an unlucky user meets it (a flipped byte on disk): the server refuses to start,
// naming the file and the byte offset, and changes nothing, so once the byte is repaired every acknowledged
// object is back with its resourceVersion. A torn last record (a crash in the middle of a write) is the
// normal case and is cut off.
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { type LocalCluster, startLocalCluster } from '../index.js';
import { frame } from '../store/wal.js';
import { rawCall } from './support/raw-api.js';

const CM = '/api/v1/namespaces/default/configmaps';
const OBJECTS = 100;

describe('localcluster store with a damaged log', () => {
  let dir: string;
  const clusters: LocalCluster[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tdo-damage-'));
  });

  afterEach(async () => {
    for (const cluster of clusters.splice(0)) await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async () => {
    const cluster = await startLocalCluster({ dataDir: dir });
    clusters.push(cluster);
    return cluster;
  };

  /** Writes OBJECTS ConfigMaps, stops, and returns the last resourceVersion and the one log segment. */
  async function fill(): Promise<{ rv: string; segment: string }> {
    const cluster = await start();
    for (let i = 0; i < OBJECTS; i++) {
      const res = await rawCall(cluster, 'POST', CM, {
        metadata: { name: `cm-${i}` },
        data: { i: String(i) },
      });
      expect(res.status).to.equal(201);
    }
    const rv = (await rawCall(cluster, 'GET', CM)).body.metadata.resourceVersion as string;
    await cluster.stop();
    clusters.splice(0);
    const segments = readdirSync(dir).filter((f) => f.startsWith('wal-'));
    expect(segments).to.have.length(1);
    return { rv, segment: join(dir, segments[0] as string) };
  }

  /** Flips one byte of the JSON of the record that holds `needle`; returns its byte offset. */
  function flipByteOf(path: string, needle: string): number {
    const bytes = readFileSync(path);
    const at = bytes.indexOf(needle) + 2;
    bytes[at] = (bytes[at] as number) ^ 0x20;
    writeFileSync(path, bytes);
    return bytes.lastIndexOf('\n', at) + 1;
  }

  async function expectRefusalThenFullRepair(segment: string, needle: string, rv: string): Promise<void> {
    const intact = readFileSync(segment);
    const offset = flipByteOf(segment, needle);
    const damaged = readFileSync(segment);
    const error = await startLocalCluster({ dataDir: dir }).catch((e: unknown) => e);
    expect(String(error)).to.include(`${segment} is damaged at byte ${offset}`);
    expect(String(error)).to.include('refusing to start');
    expect(readFileSync(segment).equals(damaged), 'the damaged segment is left as it was').to.equal(true);
    expect(
      readdirSync(dir).filter((f) => f.startsWith('snapshot')),
      'nothing was compacted',
    ).to.deep.equal([]);

    writeFileSync(segment, intact);
    const repaired = await start();
    const list = (await rawCall(repaired, 'GET', CM)).body;
    expect(
      list.items.filter((i: { metadata: { name: string } }) => i.metadata.name.startsWith('cm-')),
    ).to.have.length(OBJECTS);
    expect(list.metadata.resourceVersion).to.equal(rv);
  }

  it('should refuse to start on a flipped byte in the middle of the log, naming the file and the offset, and lose nothing', async () => {
    const { rv, segment } = await fill();
    await expectRefusalThenFullRepair(segment, '"name":"cm-50"', rv);
  });

  it('should refuse to start on a flipped byte in the first record, and keep the resourceVersion', async () => {
    const { rv, segment } = await fill();
    const first = readFileSync(segment, 'utf8').split('\n')[0] as string;
    await expectRefusalThenFullRepair(segment, first.slice(9, 40), rv);
  });

  it('should cut a torn last record (a crash in the middle of a write) and start with everything before it', async () => {
    const { rv, segment } = await fill();
    appendFileSync(segment, frame('{"rv":100000,"r":"configmaps","o":{"metadata":{}}}').slice(0, 30));
    const cluster = await start();
    const list = (await rawCall(cluster, 'GET', CM)).body;
    expect(list.items).to.have.length.at.least(OBJECTS);
    expect(list.metadata.resourceVersion).to.equal(rv);
  });
});
