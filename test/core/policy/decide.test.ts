import { expect } from 'chai';
import type { UpdatePolicySpec } from '../../../src/api/v1alpha1/updatepolicy.js';
import { decidePolicyStatus, policyProblems } from '../../../src/core/policy/decide.js';
import { at, policy } from '../fixtures.js';

const NOW = at('2026-12-01T09:00:00Z');

describe('core/policy: is an UpdatePolicy usable?', () => {
  const table: Array<{ name: string; spec: Partial<UpdatePolicySpec>; problems: RegExp[] }> = [
    { name: 'should accept the defaults', spec: {}, problems: [] },
    { name: 'should accept an IANA zone', spec: { defaultTimeZone: 'America/New_York' }, problems: [] },
    {
      name: 'should name an unknown defaultTimeZone, once',
      spec: { defaultTimeZone: 'Mars/Olympus_Mons' },
      problems: [/^defaultTimeZone "Mars\/Olympus_Mons" is not a known IANA time zone$/],
    },
    {
      name: 'should name business hours that are not times of day',
      spec: { businessHours: { days: ['Monday'], start: '8am', end: '18:00' } },
      problems: [/businessHours.start "8am" is not a time of day/],
    },
    {
      name: 'should name a blackout date that is not a date, with its reason',
      spec: { blackouts: [{ from: '2026-12-24', to: '2026-13-01', reason: 'Holidays' }] },
      problems: [/blackouts\[0\] \(Holidays\): to "2026-13-01" is not a date/],
    },
    {
      name: 'should list every problem',
      spec: {
        defaultTimeZone: 'Nowhere',
        businessHours: { days: ['Funday' as 'Monday'], start: '08:00', end: '18:00' },
      },
      problems: [/defaultTimeZone "Nowhere"/, /"Funday" is not a weekday/],
    },
  ];
  for (const c of table) {
    it(c.name, () => {
      const problems = policyProblems(policy(c.spec).spec);
      expect(problems).to.have.length(c.problems.length);
      c.problems.forEach((re, i) => {
        expect(problems[i]).to.match(re);
      });
    });
  }

  it('should report problems in Ready False with InvalidPolicy, observedGeneration and a Warning Event', () => {
    const bad = policy({ defaultTimeZone: 'Mars/Olympus_Mons' });
    bad.metadata.generation = 3;
    const { status, events } = decidePolicyStatus(bad, NOW);
    expect(status.observedGeneration).to.equal(3);
    const ready = status.conditions?.find((c) => c.type === 'Ready');
    expect(ready).to.include({ status: 'False', reason: 'InvalidPolicy', observedGeneration: 3 });
    expect(ready?.message).to.match(/Mars\/Olympus_Mons/);
    expect(events.map((e) => [e.type, e.reason])).to.deep.equal([['Warning', 'InvalidPolicy']]);
  });

  it('should say Ready True once fixed, with a Normal Event, and no Event when nothing changes', () => {
    const bad = decidePolicyStatus(policy({ defaultTimeZone: 'Mars/Olympus_Mons' }), NOW).status;
    const fixed = policy({ defaultTimeZone: 'Europe/Berlin' });
    fixed.status = bad;
    const { status, events } = decidePolicyStatus(fixed, at('2026-12-01T10:00:00Z'));
    expect(status.conditions?.find((c) => c.type === 'Ready')).to.include({
      status: 'True',
      reason: 'Valid',
      lastTransitionTime: '2026-12-01T10:00:00Z',
    });
    expect(events.map((e) => [e.type, e.reason])).to.deep.equal([['Normal', 'Valid']]);
    fixed.status = status;
    expect(decidePolicyStatus(fixed, at('2026-12-01T11:00:00Z')).events).to.deep.equal([]);
    expect(decidePolicyStatus(policy({}), NOW).events, 'a first valid policy is not news').to.deep.equal([]);
  });

  it('should say that remote updates are not available in GCC-High', () => {
    const conditions = decidePolicyStatus(policy({ cloud: 'GCCHigh' }), NOW).status.conditions;
    expect(conditions?.find((c) => c.type === 'RemoteUpdateAvailable')).to.include({
      status: 'False',
      reason: 'RemoteUpdateUnavailable',
    });
    const commercial = decidePolicyStatus(policy({ cloud: 'GCC' }), NOW).status.conditions;
    expect(commercial?.find((c) => c.type === 'RemoteUpdateAvailable')).to.include({ status: 'True' });
  });
});
