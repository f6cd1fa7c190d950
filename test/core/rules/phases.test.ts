import { expect } from 'chai';
import type { Phase } from '../../../src/api/v1alpha1/teamsdevice.js';
import { phaseDelayDays, phaseStart, phaseStarts } from '../../../src/core/rules/phases.js';
import { spreadOffsetMs } from '../../../src/core/rules/spread.js';
import { DAY, policySpec, release } from '../fixtures.js';

describe('phases', () => {
  const r = release({ releaseDate: '2026-11-02T00:00:00Z' });
  const cases: Array<[string, Phase, ReturnType<typeof policySpec>, string]> = [
    ['should start the Test phase on release day', 'Test', policySpec(), '2026-11-02T00:00:00.000Z'],
    [
      'should start the General phase 30 days after release',
      'General',
      policySpec(),
      '2026-12-02T00:00:00.000Z',
    ],
    ['should start the Final phase 90 days after release', 'Final', policySpec(), '2027-01-31T00:00:00.000Z'],
    [
      "should use the policy's own delays",
      'General',
      policySpec({ phaseDelayDays: { test: 1, general: 7, final: 14 } }),
      '2026-11-09T00:00:00.000Z',
    ],
  ];
  for (const [name, phase, policy, expected] of cases) {
    it(name, () => {
      expect(phaseStart(r, phase, policy).toISOString()).to.equal(expected);
    });
  }

  it('should count days of 24 hours across a daylight-saving change', () => {
    // Berlin falls back on 2026-10-25; the phase start is an instant, windows apply in the zone afterwards.
    const beforeChange = release({ releaseDate: '2026-10-20T10:00:00Z' });
    expect(
      phaseStart(
        beforeChange,
        'General',
        policySpec({ phaseDelayDays: { test: 0, general: 10, final: 90 } }),
      ).toISOString(),
    ).to.equal('2026-10-30T10:00:00.000Z');
  });

  it('should list every phase with its start, Test first', () => {
    expect(phaseStarts(r, policySpec()).map((p) => [p.phase, p.startsAt.toISOString()])).to.deep.equal([
      ['Test', '2026-11-02T00:00:00.000Z'],
      ['General', '2026-12-02T00:00:00.000Z'],
      ['Final', '2027-01-31T00:00:00.000Z'],
    ]);
    expect(phaseDelayDays(policySpec(), 'Final')).to.equal(90);
  });
});

describe('spread', () => {
  it('should keep the same spread offset across calls', () => {
    const first = spreadOffsetMs('rm-berlin-101-phone', 'yealink-mp56-122.15.0.40', 14);
    for (let i = 0; i < 5; i++) {
      expect(spreadOffsetMs('rm-berlin-101-phone', 'yealink-mp56-122.15.0.40', 14)).to.equal(first);
    }
  });

  it('should give no offset when the spread is 0 days', () => {
    expect(spreadOffsetMs('rm-berlin-101-phone', 'yealink-mp56-122.15.0.40', 0)).to.equal(0);
  });

  it('should keep offsets in [0, spread) whole minutes and spread 1,000 devices over the whole period', () => {
    const offsets = Array.from({ length: 1000 }, (_, i) => spreadOffsetMs(`phone-${i}`, 'rel-a', 14));
    for (const o of offsets) {
      expect(o)
        .to.be.at.least(0)
        .and.lessThan(14 * DAY);
      expect(o % 60_000).to.equal(0);
    }
    const perDay = new Array(14).fill(0);
    for (const o of offsets) perDay[Math.floor(o / DAY)]++;
    // ~71 a day; a hash that clumps would leave days nearly empty.
    for (const count of perDay) expect(count).to.be.within(40, 110);
  });

  it('should give a device a different place in the rollout of another release', () => {
    const a = Array.from({ length: 50 }, (_, i) => spreadOffsetMs(`phone-${i}`, 'rel-a', 14));
    const b = Array.from({ length: 50 }, (_, i) => spreadOffsetMs(`phone-${i}`, 'rel-b', 14));
    expect(a.filter((o, i) => o === b[i]).length).to.be.lessThan(3);
  });
});
