import { expect } from 'chai';
import { FakeClock } from '../../src/runtime/clock.js';
import { ExponentialBackoffRateLimiter } from '../../src/runtime/rateLimiter.js';
import { WorkQueue } from '../../src/runtime/workqueue.js';
import { type Deferred, deferred, settle } from '../support/async.js';

/** A handler whose calls block until the test releases them. */
function gatedHandler() {
  const calls: string[] = [];
  const gates: Deferred[] = [];
  let active = 0;
  let maxActivePerKey = new Map<string, number>();
  const activePerKey = new Map<string, number>();
  const handler = async (key: string) => {
    calls.push(key);
    active += 1;
    const n = (activePerKey.get(key) ?? 0) + 1;
    activePerKey.set(key, n);
    maxActivePerKey.set(key, Math.max(maxActivePerKey.get(key) ?? 0, n));
    const gate = deferred();
    gates.push(gate);
    try {
      await gate.promise;
    } finally {
      active -= 1;
      activePerKey.set(key, (activePerKey.get(key) ?? 1) - 1);
    }
  };
  return {
    handler,
    calls,
    active: () => active,
    maxActivePerKey: () => maxActivePerKey,
    reset: () => {
      maxActivePerKey = new Map();
    },
    /** Releases the oldest blocked call. */
    release: async () => {
      gates.shift()?.resolve();
      await settle();
    },
  };
}

describe('WorkQueue', () => {
  let clock: FakeClock;
  let queue: WorkQueue;

  beforeEach(() => {
    clock = new FakeClock('2026-12-01T00:00:00Z');
    queue = new WorkQueue({ name: 'test', clock });
  });

  afterEach(async () => {
    await queue.shutdown();
  });

  it('should process a key added many times while waiting only once', async () => {
    const processed: string[] = [];
    for (let i = 0; i < 5; i++) queue.add('ns/a');
    queue.add('ns/b');
    queue.add('ns/a');
    expect(queue.len()).to.equal(2);
    queue.start(async (key) => void processed.push(key));
    await queue.idle();
    expect(processed).to.deep.equal(['ns/a', 'ns/b']);
  });

  it('should never reconcile one key in two workers at once, and process it again if added meanwhile', async () => {
    const h = gatedHandler();
    queue.start(h.handler, 4);
    queue.add('ns/a');
    await settle();
    expect(h.calls).to.deep.equal(['ns/a']);
    // Added while in process: waits, even though three workers are free.
    queue.add('ns/a');
    queue.add('ns/a');
    await settle();
    expect(h.calls).to.deep.equal(['ns/a']);
    expect(queue.len()).to.equal(0);
    await h.release();
    expect(h.calls).to.deep.equal(['ns/a', 'ns/a']);
    await h.release();
    await queue.idle();
    expect(h.calls).to.have.length(2);
    expect(h.maxActivePerKey().get('ns/a')).to.equal(1);
  });

  it('should run different keys in parallel up to the concurrency', async () => {
    const h = gatedHandler();
    queue.start(h.handler, 2);
    for (const key of ['a', 'b', 'c']) queue.add(key);
    await settle();
    expect(h.calls).to.deep.equal(['a', 'b']);
    expect(h.active()).to.equal(2);
    await h.release();
    expect(h.calls).to.deep.equal(['a', 'b', 'c']);
    await h.release();
    await h.release();
    await queue.idle();
  });

  it('should add a key after the delay on the clock, and not before', async () => {
    const processed: string[] = [];
    queue.start(async (key) => void processed.push(`${key}@${clock.now().toISOString()}`));
    queue.addAfter('ns/a', 60_000);
    await clock.advance(59_999);
    await settle();
    expect(processed).to.deep.equal([]);
    await clock.advance(1);
    await queue.idle();
    expect(processed).to.deep.equal(['ns/a@2026-12-01T00:01:00.000Z']);
  });

  it('should keep only the earliest pending delay of a key', async () => {
    const processed: string[] = [];
    queue.start(async (key) => void processed.push(`${key}@${clock.now().toISOString()}`));
    queue.addAfter('ns/a', 60_000);
    queue.addAfter('ns/a', 10_000);
    queue.addAfter('ns/a', 30_000);
    expect(clock.pendingTimers()).to.equal(1);
    await clock.advance(3_600_000);
    await queue.idle();
    expect(processed).to.deep.equal(['ns/a@2026-12-01T00:00:10.000Z']);
  });

  it('should add at once when the delay is zero or negative', async () => {
    queue.addAfter('ns/a', 0);
    queue.addAfter('ns/b', -5);
    expect(queue.len()).to.equal(2);
  });

  it('should delay rate-limited retries exponentially per key until forgotten', async () => {
    queue = new WorkQueue({
      name: 'test',
      clock,
      rateLimiter: new ExponentialBackoffRateLimiter({ baseMs: 5, maxMs: 60_000 }),
    });
    const seen: number[] = [];
    const start = clock.now().getTime();
    queue.start(async () => void seen.push(clock.now().getTime() - start));
    for (let i = 0; i < 4; i++) {
      queue.addRateLimited('ns/a');
      await clock.advance(clock.nextTimerAt()!.getTime() - clock.now().getTime());
      await queue.idle();
    }
    expect(queue.numRequeues('ns/a')).to.equal(4);
    // 5, then 10, 20 and 40 ms after each previous retry.
    expect(seen).to.deep.equal([5, 15, 35, 75]);
    queue.forget('ns/a');
    queue.addRateLimited('ns/a');
    expect(clock.nextTimerAt()!.getTime() - clock.now().getTime()).to.equal(5);
  });

  it('should finish the keys in process on shutdown, drop waiting ones and ignore later adds', async () => {
    const h = gatedHandler();
    queue.start(h.handler, 1);
    queue.add('a');
    queue.add('b');
    queue.addAfter('c', 1000);
    await settle();
    let down = false;
    const shutdown = queue.shutdown().then(() => {
      down = true;
    });
    queue.add('d');
    await settle();
    expect(down).to.equal(false);
    await h.release();
    await shutdown;
    await clock.advance(5000);
    expect(h.calls).to.deep.equal(['a']);
    expect(clock.pendingTimers()).to.equal(0);
  });

  it('should process the waiting keys before stopping when asked to drain', async () => {
    const processed: string[] = [];
    const gate = deferred();
    queue.start(async (key) => {
      processed.push(key);
      await gate.promise;
    });
    queue.add('a');
    queue.add('b');
    const shutdown = queue.shutdown({ drain: true });
    gate.resolve();
    await shutdown;
    expect(processed).to.deep.equal(['a', 'b']);
  });

  it('should report depth, adds, retries and durations to its metrics hooks', async () => {
    const events: string[] = [];
    queue = new WorkQueue({
      name: 'test',
      clock,
      metrics: {
        depth: (n) => events.push(`depth ${n}`),
        add: () => events.push('add'),
        retry: () => events.push('retry'),
        workDuration: (s) => events.push(`work ${s}`),
        queueDuration: (s) => events.push(`wait ${s}`),
      },
    });
    queue.add('a');
    queue.add('a');
    queue.start(async () => {
      await clock.advance(250);
    });
    await queue.idle();
    queue.addRateLimited('a');
    expect(events).to.deep.equal(['add', 'depth 1', 'wait 0', 'depth 0', 'work 0.25', 'retry']);
  });
});
