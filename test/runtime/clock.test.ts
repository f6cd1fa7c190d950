import { expect } from 'chai';
import { AcceleratedClock, FakeClock, RealClock, setTimerIn, sleep } from '../../src/runtime/clock.js';

describe('clock', () => {
  describe('FakeClock', () => {
    it('should run due timers in order of their instant, each at its own instant', async () => {
      const clock = new FakeClock('2026-12-01T00:00:00Z');
      const fired: string[] = [];
      setTimerIn(clock, 3000, () => void fired.push(`c@${clock.now().toISOString()}`));
      setTimerIn(clock, 1000, () => void fired.push(`a@${clock.now().toISOString()}`));
      setTimerIn(clock, 2000, () => void fired.push(`b@${clock.now().toISOString()}`));
      await clock.advance(2500);
      expect(fired).to.deep.equal(['a@2026-12-01T00:00:01.000Z', 'b@2026-12-01T00:00:02.000Z']);
      expect(clock.now().toISOString()).to.equal('2026-12-01T00:00:02.500Z');
      await clock.advance(500);
      expect(fired).to.have.length(3);
    });

    it('should fire timers of the same instant in the order they were set', async () => {
      const clock = new FakeClock();
      const fired: number[] = [];
      for (const n of [1, 2, 3]) setTimerIn(clock, 10, () => void fired.push(n));
      await clock.advance(10);
      expect(fired).to.deep.equal([1, 2, 3]);
    });

    it('should await an async callback and fire a timer it sets within the same advance', async () => {
      const clock = new FakeClock();
      const fired: number[] = [];
      setTimerIn(clock, 1000, async () => {
        await Promise.resolve();
        fired.push(clock.now().getTime());
        setTimerIn(clock, 1000, () => void fired.push(clock.now().getTime()));
      });
      const start = clock.now().getTime();
      await clock.advance(5000);
      expect(fired.map((t) => t - start)).to.deep.equal([1000, 2000]);
    });

    it('should not run a cancelled timer', async () => {
      const clock = new FakeClock();
      let fired = false;
      const handle = setTimerIn(clock, 100, () => {
        fired = true;
      });
      handle.cancel();
      await clock.advance(1000);
      expect(fired).to.equal(false);
      expect(clock.pendingTimers()).to.equal(0);
    });

    it('should refuse to go back in time', async () => {
      const clock = new FakeClock('2026-12-01T00:00:00Z');
      let error: unknown;
      await clock.advanceTo(new Date('2026-11-30T00:00:00Z')).catch((err: unknown) => {
        error = err;
      });
      expect(String(error)).to.match(/cannot go back/);
    });

    it('should resolve sleep when the clock reaches its end, or at once when aborted', async () => {
      const clock = new FakeClock();
      let woke = false;
      const slept = sleep(clock, 5000).then(() => {
        woke = true;
      });
      await clock.advance(4999);
      expect(woke).to.equal(false);
      await clock.advance(1);
      await slept;
      expect(woke).to.equal(true);

      const abort = new AbortController();
      const aborted = sleep(clock, 60_000, abort.signal);
      abort.abort();
      await aborted;
      expect(clock.pendingTimers()).to.equal(0);
    });
  });

  describe('RealClock', () => {
    it('should never run a timer before its instant', async () => {
      const clock = new RealClock();
      const at = new Date(clock.now().getTime() + 25);
      const firedAt = await new Promise<number>((resolve) =>
        clock.setTimer(at, () => resolve(clock.now().getTime())),
      );
      expect(firedAt).to.be.at.least(at.getTime());
    });

    it('should run a timer set for the past, and not one cancelled', async () => {
      const clock = new RealClock();
      const fired: string[] = [];
      clock.setTimer(new Date(clock.now().getTime() + 5), () => void fired.push('cancelled')).cancel();
      await new Promise<void>((resolve) =>
        clock.setTimer(new Date(0), () => {
          fired.push('past');
          resolve();
        }),
      );
      await sleep(clock, 10);
      expect(fired).to.deep.equal(['past']);
    });
  });

  describe('AcceleratedClock', () => {
    it('should run N simulated seconds per real second from its start', async () => {
      const real = new FakeClock('2026-01-01T00:00:00Z');
      const clock = new AcceleratedClock({
        start: new Date('2026-12-01T08:00:00Z'),
        speed: 3600,
        base: real,
      });
      expect(clock.now().toISOString()).to.equal('2026-12-01T08:00:00.000Z');
      await real.advance(1000);
      expect(clock.now().toISOString()).to.equal('2026-12-01T09:00:00.000Z');
      await real.advance(23_000);
      expect(clock.now().toISOString()).to.equal('2026-12-02T08:00:00.000Z');
    });

    it('should fire a timer for a simulated instant at the matching real instant', async () => {
      const real = new FakeClock('2026-01-01T00:00:00Z');
      const clock = new AcceleratedClock({
        start: new Date('2026-12-01T00:00:00Z'),
        speed: 86_400,
        base: real,
      });
      const fired: string[] = [];
      // 90 simulated days at one day per real second: 90 real seconds.
      clock.setTimer(new Date('2026-03-01T00:00:00Z'), () => void fired.push('past'));
      clock.setTimer(
        new Date('2027-03-01T00:00:00Z'),
        () => void fired.push(`${clock.now().toISOString()} real ${real.now().toISOString()}`),
      );
      expect(clock.toReal(new Date('2027-03-01T00:00:00Z')).toISOString()).to.equal(
        '2026-01-01T00:01:30.000Z',
      );
      await real.advance(0);
      expect(fired).to.deep.equal(['past']);
      await real.advance(89_999);
      expect(fired).to.have.length(1);
      await real.advance(1);
      expect(fired[1]).to.equal('2027-03-01T00:00:00.000Z real 2026-01-01T00:01:30.000Z');
    });

    it('should never fire a timer before its simulated instant when the speed does not divide evenly', async () => {
      const real = new FakeClock('2026-01-01T00:00:00Z');
      const clock = new AcceleratedClock({ start: new Date('2026-12-01T00:00:00Z'), speed: 7, base: real });
      const at = new Date('2026-12-01T00:00:00.010Z');
      let firedAt: number | undefined;
      clock.setTimer(at, () => {
        firedAt = clock.now().getTime();
      });
      await real.advance(10);
      expect(firedAt).to.be.at.least(at.getTime());
    });

    it('should reject a speed that is not positive', () => {
      expect(() => new AcceleratedClock({ start: new Date(), speed: 0 })).to.throw(/positive/);
    });
  });
});
