import { expect } from 'chai';
import { DEFAULT_BACKOFF, reconnectDelayMs } from '../../../src/transport/mqtt/backoff.js';

describe('reconnectDelayMs', () => {
  const policy = { initialMs: 500, maxMs: 30_000 };
  const cases: Array<{ name: string; attempt: number; random: number; ms: number }> = [
    {
      name: 'should wait at least half the initial delay before the first attempt',
      attempt: 0,
      random: 0,
      ms: 250,
    },
    {
      name: 'should wait at most the initial delay before the first attempt',
      attempt: 0,
      random: 1,
      ms: 500,
    },
    { name: 'should double the delay with each failed attempt', attempt: 3, random: 1, ms: 4_000 },
    { name: 'should never wait longer than the cap', attempt: 12, random: 1, ms: 30_000 },
    { name: 'should keep half the cap for sure after many failures', attempt: 1_000, random: 0, ms: 15_000 },
  ];
  for (const { name, attempt, random, ms } of cases) {
    it(name, () => {
      expect(reconnectDelayMs(attempt, policy, () => random)).to.equal(ms);
    });
  }

  it('should spread the delays of clients that failed together', () => {
    const draws = [0.1, 0.5, 0.9].map((r) => reconnectDelayMs(4, DEFAULT_BACKOFF, () => r));
    expect(new Set(draws).size).to.equal(3);
  });
});
