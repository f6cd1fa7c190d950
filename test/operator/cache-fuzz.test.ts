// A seeded fuzz of the operator's cache: 1,000+ random objects of the five kinds (no spec, specs and
// statuses of the wrong types, random fields, huge strings), stored through permissive CRDs as an older
// CRD would have let them be, some before the operator starts (the list path), some while it runs (the
// watch path), some deleted again. The operator must not crash and must still reconcile every valid device.
import { expect } from 'chai';
import { KINDS } from '../../src/api/v1alpha1/crds.js';
import type { KubeObject } from '../../src/k8s/object.js';
import { resourcePath, TEAMS_RESOURCES } from '../../src/k8s/resource.js';
import { useLocalCluster } from '../support/cluster.js';
import { getDevice } from './fixtures.js';
import { OperatorHarness } from './harness.js';
import { createAll, device, release } from './objects.js';
import { createPermissiveCrds } from './permissive-crds.js';

const SEED = 0x7d0c13;
const OBJECTS = 1_050;
const FLEET = 8;
/** Stored before the operator starts (its list path); the rest arrive through its watches. */
const LISTED = 850;
const START = new Date('2026-12-05T00:00:00Z');

/** mulberry32: a small seeded generator, so a failure replays from SEED. */
function generator(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  return { next, int, pick };
}

type Gen = ReturnType<typeof generator>;

/** Field names the schemas use, so random objects hit real fields with wrong values. */
function schemaKeys(schema: unknown, into = new Set<string>()): Set<string> {
  if (schema && typeof schema === 'object') {
    for (const [key, value] of Object.entries(schema)) {
      if (key === 'properties' && value && typeof value === 'object')
        for (const k of Object.keys(value)) into.add(k);
      schemaKeys(value, into);
    }
  }
  return into;
}

function randomValue(g: Gen, keys: readonly string[], depth = 0): unknown {
  switch (g.int(depth > 2 ? 7 : 10)) {
    case 0:
      return null;
    case 1:
      return g.next() < 0.5;
    case 2:
      return g.pick([0, -1, 1e308, 3.5, 2 ** 53 + 1, 42]);
    case 3:
      return g.pick([
        '',
        'Phone',
        'Verified',
        'Test',
        '1.0',
        '2026-13-45T99:00:00Z',
        'Mars/Olympus_Mons',
        '💥',
        '../../etc',
      ]);
    case 4:
      return 'x'.repeat(g.pick([1, 300, 5_000]));
    case 5:
      return g.pick(['2026-06-01T00:00:00Z', 'Acme', 'P1', 'General', 'Firmware']);
    case 6:
      return g.int(100) === 0 ? 'h'.repeat(200_000) : String(g.int(1000));
    case 7:
    case 8:
      return Object.fromEntries(
        Array.from({ length: g.int(5) }, () => [g.pick(keys), randomValue(g, keys, depth + 1)]),
      );
    default:
      return Array.from({ length: g.int(4) }, () => randomValue(g, keys, depth + 1));
  }
}

function randomObject(g: Gen, i: number): KubeObject & Record<string, unknown> {
  const def = KINDS[i % KINDS.length];
  if (!def) throw new Error('no kind');
  const keys = [...schemaKeys(def.spec), ...schemaKeys(def.status)];
  const ref = TEAMS_RESOURCES[def.kind];
  const obj: KubeObject & Record<string, unknown> = {
    apiVersion: 'teamsdevices.io/v1alpha1',
    kind: def.kind,
    metadata: {
      name: `fuzz-${def.kind.toLowerCase()}-${i}`,
      ...(ref?.namespaced ? { namespace: 'fuzz' } : {}),
    },
  };
  const shape = g.int(4);
  if (shape === 1) obj.spec = randomValue(g, keys);
  if (shape >= 2)
    obj.spec = Object.fromEntries(keys.filter(() => g.next() < 0.3).map((k) => [k, randomValue(g, keys)]));
  if (g.next() < 0.6) obj.status = g.next() < 0.2 ? randomValue(g, keys) : randomValue(g, keys, 2);
  return obj;
}

describe('operator: a seeded fuzz of its cache', function () {
  this.timeout(120_000);
  const fx = useLocalCluster({ bookmarkIntervalMs: 5 });
  let harness: OperatorHarness;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  let stored = 0;

  const store = async (objects: Array<KubeObject & Record<string, unknown>>) => {
    for (const obj of objects) {
      const ref = TEAMS_RESOURCES[obj.kind ?? ''];
      if (!ref) continue;
      try {
        const created = await harness.client.create(
          resourcePath(ref, { namespace: obj.metadata?.namespace }),
          obj,
        );
        stored++;
        // Through the status subresource, where garbage lands (one in three, to keep the test quick).
        if (obj.status !== undefined && stored % 3 === 0) {
          const name = created.metadata?.name ?? '';
          await harness.client
            .mergePatch(
              resourcePath(ref, { namespace: obj.metadata?.namespace, name, subresource: 'status' }),
              {
                status: obj.status,
              },
            )
            .catch(() => undefined);
        }
      } catch {
        // The API server refused it (e.g. a body over its limit): not stored, not part of the fuzz.
      }
    }
  };

  before(async () => {
    process.on('unhandledRejection', onUnhandled);
    harness = new OperatorHarness({ kubeConfig: () => fx.kubeConfig(), start: START });
    await createPermissiveCrds(harness.client);
    await createAll(harness.client, [
      release('1.0', { releaseDate: '2026-06-01T00:00:00Z' }),
      release('2.0', { releaseDate: '2026-11-01T00:00:00Z' }),
    ]);
    await createAll(harness.client, [], 'fuzz');
    const g = generator(SEED);
    const objects = Array.from({ length: OBJECTS }, (_, i) => randomObject(g, i));
    await store(objects.slice(0, LISTED));
    await harness.start();
    await createAll(
      harness.client,
      Array.from({ length: FLEET }, (_, i) => device('fleet', `valid-${i}`, { phase: 'Test' })),
      'fleet',
    );
    await store(objects.slice(LISTED));
    for (const obj of objects.filter((_, i) => i % 10 === 0)) {
      const ref = TEAMS_RESOURCES[obj.kind ?? ''];
      if (!ref) continue;
      const path = resourcePath(ref, { namespace: obj.metadata?.namespace, name: obj.metadata?.name ?? '' });
      await harness.client.delete(path).catch(() => undefined);
    }
    await harness.settle();
  });

  after(async () => {
    process.off('unhandledRejection', onUnhandled);
    await harness?.stopAll();
  });

  it('should store at least 1,000 random objects', () => {
    expect(stored).to.be.at.least(1_000);
  });

  it('should keep running with no unhandled rejection and no stopped controller', async () => {
    const operator = harness.operators[0];
    expect(unhandled).to.deep.equal([]);
    expect(harness.live()).to.have.length(1);
    const ready = await fetch(`http://127.0.0.1:${operator?.manager.ports().health}/readyz`);
    expect(ready.status).to.equal(200);
    for (const controller of operator?.controllers.values() ?? []) {
      expect(controller.queue.isShuttingDown(), controller.name).to.equal(false);
    }
  });

  it('should reconcile every valid device as usual', async () => {
    for (let i = 0; i < FLEET; i++) {
      const status = (await getDevice(harness.client, 'fleet', `valid-${i}`)).status;
      expect(status?.reported?.firmwareVersion, `valid-${i}`).to.equal('1.0');
      expect(
        status?.availableUpdates?.map((u) => u.newVersion),
        `valid-${i}`,
      ).to.include('2.0');
    }
  });

  it('should keep what does not decode out of the cache and every deleted object out of it', () => {
    const informers = harness.operators[0]?.informers;
    const invalid = [
      informers?.devices,
      informers?.releases,
      informers?.plans,
      informers?.policies,
      informers?.pools,
    ].reduce((sum, i) => sum + (i?.invalidObjects().length ?? 0), 0);
    expect(invalid).to.be.greaterThan(500);
    const cachedFuzz = Object.values(informers ?? {})
      .flatMap((i) => i.keys())
      .filter((k) => /fuzz-\w+-\d+0$/.test(k));
    expect(cachedFuzz, 'deleted objects still cached').to.deep.equal([]);
  });
});
