import { expect } from 'chai';
import { FakeClock } from '../../src/runtime/clock.js';
import { Controller, type ReconcileContext, type Reconciler } from '../../src/runtime/controller.js';
import { TerminalError } from '../../src/runtime/errors.js';
import { OperatorMetrics } from '../../src/runtime/metrics.js';
import { ExponentialBackoffRateLimiter } from '../../src/runtime/rateLimiter.js';
import { capturingLogger, deferred, settle, silentLogger } from '../support/async.js';

type Step = 'ok' | 'fail' | 'terminal' | { requeueAfterMs: number };

/** A reconciler that follows a script per call and records when each call happened. */
function scripted(clock: FakeClock, steps: Step[]) {
  const calls: { key: string; at: number; ctx: ReconcileContext }[] = [];
  const start = clock.now().getTime();
  const reconciler: Reconciler = {
    async reconcile(key, ctx) {
      calls.push({ key, at: clock.now().getTime() - start, ctx });
      const step = steps.shift() ?? 'ok';
      if (step === 'fail') throw new Error('the API server said no');
      if (step === 'terminal')
        throw new TerminalError('spec.version is not a Verified release', { reason: 'NotVerified' });
      if (step === 'ok') return;
      return step;
    },
  };
  return { reconciler, calls };
}

describe('Controller', () => {
  let clock: FakeClock;
  let controller: Controller | undefined;

  beforeEach(() => {
    clock = new FakeClock('2026-12-01T00:00:00Z');
  });

  afterEach(async () => {
    await controller?.stop();
    controller = undefined;
  });

  const make = (
    reconciler: Reconciler,
    extra: { metrics?: OperatorMetrics; logger?: ReturnType<typeof silentLogger> } = {},
  ) => {
    controller = new Controller({
      name: 'device',
      reconciler,
      clock,
      logger: extra.logger ?? silentLogger(),
      rateLimiter: new ExponentialBackoffRateLimiter({ baseMs: 5, maxMs: 300_000 }),
      ...(extra.metrics ? { metrics: extra.metrics } : {}),
    });
    return controller;
  };

  /** Advances the fake clock to each retry in turn until the queue has nothing pending. */
  const runRetries = async (c: Controller) => {
    await c.queue.idle();
    for (let next = clock.nextTimerAt(); next; next = clock.nextTimerAt()) {
      await clock.advanceTo(next);
      await c.queue.idle();
    }
  };

  it('should retry a failing key with growing delays, then reset the backoff after a success', async () => {
    const { reconciler, calls } = scripted(clock, ['fail', 'fail', 'fail', 'ok', 'fail', 'ok']);
    const c = make(reconciler);
    c.start();
    c.enqueue('rooms/phone-1');
    await runRetries(c);
    expect(calls.slice(0, 4).map((call) => call.at)).to.deep.equal([0, 5, 15, 35]);
    expect(c.queue.numRequeues('rooms/phone-1')).to.equal(0);

    // A later failure starts again from the base delay.
    const before = clock.now().getTime();
    c.enqueue('rooms/phone-1');
    await runRetries(c);
    const base = before - new Date('2026-12-01T00:00:00Z').getTime();
    expect(calls.slice(4).map((call) => call.at - base)).to.deep.equal([0, 5]);
  });

  it('should not retry a terminal error', async () => {
    const { reconciler, calls } = scripted(clock, ['terminal']);
    const metrics = new OperatorMetrics();
    const c = make(reconciler, { metrics });
    c.start();
    c.enqueue('rooms/phone-1');
    await c.queue.idle();
    await clock.advance(24 * 3_600_000);
    await c.queue.idle();
    expect(calls).to.have.length(1);
    expect(clock.pendingTimers()).to.equal(0);
    const text = await metrics.text();
    expect(text).to.include(
      'controller_runtime_reconcile_total{controller="device",result="terminal_error"} 1',
    );
    expect(text).to.include('controller_runtime_terminal_reconcile_errors_total{controller="device"} 1');
  });

  it('should reconcile again after requeueAfterMs on the clock', async () => {
    const { reconciler, calls } = scripted(clock, [{ requeueAfterMs: 3_600_000 }, 'ok']);
    const c = make(reconciler);
    c.start();
    c.enqueue('rooms/phone-1');
    await c.queue.idle();
    await clock.advance(3_599_999);
    await c.queue.idle();
    expect(calls).to.have.length(1);
    await clock.advance(1);
    await c.queue.idle();
    expect(calls.map((call) => call.at)).to.deep.equal([0, 3_600_000]);
  });

  it('should let an event bring a key forward without waiting for its requeue timer', async () => {
    const { reconciler, calls } = scripted(clock, [
      { requeueAfterMs: 3_600_000 },
      { requeueAfterMs: 60_000 },
    ]);
    const c = make(reconciler);
    c.start();
    c.enqueue('rooms/phone-1');
    await c.queue.idle();
    await clock.advance(1000);
    c.enqueue('rooms/phone-1');
    await c.queue.idle();
    // The earlier of the two pending requeues wins.
    await clock.advance(60_000);
    await c.queue.idle();
    expect(calls.map((call) => call.at)).to.deep.equal([0, 1000, 61_000]);
    await clock.advance(7_200_000);
    await c.queue.idle();
    expect(calls).to.have.length(3);
  });

  it('should queue keys before it starts and reconcile them once started', async () => {
    const { reconciler, calls } = scripted(clock, []);
    const c = make(reconciler);
    c.enqueue('a/1');
    c.enqueue('a/2');
    c.enqueue('a/1');
    await settle();
    expect(calls).to.have.length(0);
    c.start();
    await c.queue.idle();
    expect(calls.map((call) => call.key)).to.deep.equal(['a/1', 'a/2']);
  });

  it('should log with controller, key and a reconcileId unique to each reconcile', async () => {
    const { logger, lines } = capturingLogger();
    const { reconciler, calls } = scripted(clock, ['fail', 'ok']);
    const c = make(reconciler, { logger });
    c.start();
    c.enqueue('rooms/phone-1');
    await runRetries(c);
    expect(calls).to.have.length(2);
    const failed = lines.find((l) => l.msg === 'reconcile failed; retrying with backoff');
    expect(failed).to.include({
      controller: 'device',
      key: 'rooms/phone-1',
      reconcileId: calls[0]?.ctx.reconcileId,
    });
    const done = lines.find((l) => l.msg === 'reconciled');
    expect(done).to.include({
      controller: 'device',
      key: 'rooms/phone-1',
      reconcileId: calls[1]?.ctx.reconcileId,
    });
    expect(calls[0]?.ctx.reconcileId).to.not.equal(calls[1]?.ctx.reconcileId);
  });

  it('should count reconciles by result and observe their duration', async () => {
    const metrics = new OperatorMetrics();
    const { reconciler } = scripted(clock, ['fail', { requeueAfterMs: 10 }, 'ok']);
    const c = make(reconciler, { metrics });
    c.start();
    c.enqueue('rooms/phone-1');
    await runRetries(c);
    const text = await metrics.text();
    for (const result of ['error', 'requeue_after', 'success']) {
      expect(text).to.include(`controller_runtime_reconcile_total{controller="device",result="${result}"} 1`);
    }
    expect(text).to.include('controller_runtime_reconcile_errors_total{controller="device"} 1');
    expect(text).to.include('controller_runtime_reconcile_time_seconds_count{controller="device"} 3');
    expect(text).to.include('workqueue_retries_total{name="device"} 1');
  });

  it('should wait for the reconcile in flight on stop, abort its signal and not retry it', async () => {
    const gate = deferred();
    let signal: AbortSignal | undefined;
    const c = make({
      async reconcile(_key, ctx) {
        signal = ctx.signal;
        await gate.promise;
        throw new Error('interrupted');
      },
    });
    c.start();
    c.enqueue('rooms/phone-1');
    await settle();
    let stopped = false;
    const stopping = c.stop().then(() => {
      stopped = true;
    });
    await settle();
    expect(signal?.aborted).to.equal(true);
    expect(stopped).to.equal(false);
    gate.resolve();
    await stopping;
    expect(clock.pendingTimers()).to.equal(0);
  });
});
