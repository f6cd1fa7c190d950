import { expect } from 'chai';
import { LabClock } from '../../src/local/lab-clock.js';
import { FakeClock } from '../../src/runtime/clock.js';

const START = new Date('2026-12-05T00:00:00Z');

describe('local: the lab clock', () => {
  it('should run speed times faster than real time', async () => {
    const base = new FakeClock('2026-01-01T00:00:00Z');
    const clock = new LabClock({ start: START, speed: 3600, base });
    await base.advance(1000);
    expect(clock.now().toISOString()).to.equal('2026-12-05T01:00:00.000Z');
  });

  it('should stand still while paused, fire no timer, and go on from the same instant when resumed', async () => {
    const base = new FakeClock('2026-01-01T00:00:00Z');
    const clock = new LabClock({ start: START, speed: 3600, base });
    const fired: string[] = [];
    clock.setTimer(new Date('2026-12-05T02:00:00Z'), () => {
      fired.push(clock.now().toISOString());
    });
    await base.advance(1000);
    clock.setPaused(true);
    await base.advance(60_000);
    expect(clock.now().toISOString()).to.equal('2026-12-05T01:00:00.000Z');
    expect(fired).to.deep.equal([]);
    clock.setPaused(false);
    await base.advance(1000);
    expect(fired).to.deep.equal(['2026-12-05T02:00:00.000Z']);
  });

  it('should fire a pending timer at its simulated instant after the speed changes', async () => {
    const base = new FakeClock('2026-01-01T00:00:00Z');
    const clock = new LabClock({ start: START, speed: 3600, base });
    let firedAtReal: number | undefined;
    clock.setTimer(new Date('2026-12-05T10:00:00Z'), () => {
      firedAtReal = base.now().getTime();
    });
    await base.advance(2000); // simulated 02:00
    clock.setSpeed(7200); // 8 simulated hours left: 4 real seconds
    await base.advance(3999);
    expect(firedAtReal).to.equal(undefined);
    await base.advance(1);
    expect(firedAtReal).to.equal(new Date('2026-01-01T00:00:06Z').getTime());
  });

  it('should refuse a speed that is not a positive number', () => {
    expect(() => new LabClock({ start: START, speed: 0 })).to.throw(/positive number/);
  });
});
