import { expect } from 'chai';
import { FakeClock } from '../../src/runtime/clock.js';
import {
  defaultControllerRateLimiter,
  ExponentialBackoffRateLimiter,
  TokenBucketRateLimiter,
} from '../../src/runtime/rateLimiter.js';

describe('rate limiters', () => {
  it('should double the delay of a key from 5 ms up to 5 minutes, per key', () => {
    const limiter = new ExponentialBackoffRateLimiter();
    const delays = Array.from({ length: 18 }, () => limiter.when('a'));
    expect(delays.slice(0, 5)).to.deep.equal([5, 10, 20, 40, 80]);
    expect(delays.at(-1)).to.equal(300_000);
    expect(Math.max(...delays)).to.equal(300_000);
    expect(limiter.when('b')).to.equal(5);
    expect(limiter.retries('a')).to.equal(18);
  });

  it('should start over from the base delay after forget', () => {
    const limiter = new ExponentialBackoffRateLimiter();
    limiter.when('a');
    limiter.when('a');
    limiter.forget('a');
    expect(limiter.retries('a')).to.equal(0);
    expect(limiter.when('a')).to.equal(5);
  });

  it('should stay at the cap however many failures there are', () => {
    const limiter = new ExponentialBackoffRateLimiter({ baseMs: 5, maxMs: 1000 });
    for (let i = 0; i < 2000; i++) limiter.when('a');
    expect(limiter.when('a')).to.equal(1000);
  });

  it('should let a burst through at once, then space retries by the rate', async () => {
    const clock = new FakeClock();
    const bucket = new TokenBucketRateLimiter({ clock, qps: 10, burst: 3 });
    expect([bucket.when('a'), bucket.when('b'), bucket.when('c')]).to.deep.equal([0, 0, 0]);
    expect([bucket.when('d'), bucket.when('e')]).to.deep.equal([100, 200]);
    await clock.advance(1000);
    expect(bucket.when('f')).to.equal(0);
  });

  it('should combine per-key backoff and the overall bucket by taking the longer delay', () => {
    const clock = new FakeClock();
    const limiter = defaultControllerRateLimiter(clock);
    const firstOfMany = Array.from({ length: 120 }, (_, i) => limiter.when(`key-${i}`));
    // 100 keys go at the base delay; then the bucket (10 per second) spaces the rest.
    expect(firstOfMany.slice(0, 100).every((d) => d === 5)).to.equal(true);
    expect(firstOfMany[100]).to.equal(100);
    expect(firstOfMany[119]).to.equal(2000);
  });
});
