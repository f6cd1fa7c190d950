// "rule N" in these test names is rule N of src/core/rules/README.md.
import { expect } from 'chai';
import type { UpdatePolicySpec } from '../../../src/api/v1alpha1/updatepolicy.js';
import {
  automaticArrival,
  automaticDecision,
  automaticTime,
  nextAutomaticUpdate,
} from '../../../src/core/rules/automatic.js';
import { spreadOffsetMs } from '../../../src/core/rules/spread.js';
import { at, catalog, DAY, type DeviceOptions, type ReleaseOptions, release, view } from '../fixtures.js';

const SPREAD_0: Partial<UpdatePolicySpec> = { rolloutSpreadDays: 0 };

interface Case {
  name: string;
  device: DeviceOptions;
  policy?: Partial<UpdatePolicySpec>;
  releases: ReleaseOptions[];
  now: string;
  blocked?: string | null;
  target?: string | null; // 'version @ dueAt'
  next?: string | null;
  wakeAt?: string | null;
}

const step = (s: { version: string; dueAt: Date | null } | null) =>
  s ? `${s.version} @ ${s.dueAt ? s.dueAt.toISOString() : 'never'}` : null;

const BERLIN_TEST: DeviceOptions = { firmware: '122.15.0.36', phase: 'Test', timeZone: 'Europe/Berlin' };
const BERLIN_GENERAL: DeviceOptions = { ...BERLIN_TEST, phase: 'General' };
/** Monday 2026-11-02, 11:00 in Berlin (CET), inside business hours. */
const R40: ReleaseOptions = { version: '122.15.0.40', releaseDate: '2026-11-02T10:00:00Z' };
/** What the devices run: a Verified release, so automatic updates are allowed. */
const R36: ReleaseOptions = { version: '122.15.0.36', releaseDate: '2026-09-01T10:00:00Z' };
const R38: ReleaseOptions = { version: '122.15.0.38', releaseDate: '2026-10-01T10:00:00Z' };

const cases: Case[] = [
  {
    name: 'should update a Test device on release day outside business hours',
    device: BERLIN_TEST,
    releases: [R40],
    now: '2026-11-02T10:00:00Z',
    target: '122.15.0.40 @ 2026-11-02T17:00:00.000Z', // 18:00 CET, the end of business hours
    next: null,
    wakeAt: '2026-11-02T17:00:00.000Z',
  },
  {
    name: 'should not target a release before its release date, and say when it will come',
    device: BERLIN_TEST,
    releases: [R40],
    now: '2026-11-02T09:00:00Z',
    target: null,
    next: '122.15.0.40 @ 2026-11-02T17:00:00.000Z',
    wakeAt: '2026-11-02T10:00:00.000Z',
  },
  {
    name: 'should not update a General device 29 days after release',
    device: BERLIN_GENERAL,
    releases: [R40],
    now: '2026-12-01T12:00:00Z',
    target: null,
    next: '122.15.0.40 @ 2026-12-02T17:00:00.000Z', // Wednesday, phase start 11:00 CET inside business hours
  },
  {
    name: 'should update a General device 30 days after release, at the end of business hours',
    device: BERLIN_GENERAL,
    releases: [R40],
    now: '2026-12-02T10:00:00Z',
    target: '122.15.0.40 @ 2026-12-02T17:00:00.000Z',
  },
  {
    name: 'should not update a Final device 89 days after release',
    device: { ...BERLIN_TEST, phase: 'Final' },
    releases: [R40],
    now: '2027-01-30T10:00:00Z',
    target: null,
    next: '122.15.0.40 @ 2027-01-31T10:00:00.000Z', // a Sunday: no business hours
  },
  {
    name: 'should update a Final device 90 days after release on a Sunday at once',
    device: { ...BERLIN_TEST, phase: 'Final' },
    releases: [R40],
    now: '2027-01-31T10:00:00Z',
    target: '122.15.0.40 @ 2027-01-31T10:00:00.000Z',
  },
  {
    name: "should use the policy's phase delays",
    device: BERLIN_GENERAL,
    policy: { phaseDelayDays: { test: 0, general: 7, final: 14 } },
    releases: [R40],
    now: '2026-11-09T10:00:00Z',
    target: '122.15.0.40 @ 2026-11-09T17:00:00.000Z',
  },
  {
    name: 'should end business hours at 18:00 EDT in New York before the clocks fall back',
    device: { ...BERLIN_TEST, timeZone: 'America/New_York' },
    releases: [{ ...R40, releaseDate: '2026-10-30T15:00:00Z' }], // Friday 11:00 EDT
    now: '2026-10-30T15:00:00Z',
    target: '122.15.0.40 @ 2026-10-30T22:00:00.000Z',
  },
  {
    name: 'should end business hours at 18:00 EST in New York after the clocks fall back',
    device: { ...BERLIN_TEST, timeZone: 'America/New_York' },
    releases: [{ ...R40, releaseDate: '2026-11-02T15:00:00Z' }], // Monday 10:00 EST
    now: '2026-11-02T15:00:00Z',
    target: '122.15.0.40 @ 2026-11-02T23:00:00.000Z',
  },
  {
    name: 'should end business hours at 18:00 CEST in Berlin before the clocks fall back',
    device: BERLIN_TEST,
    releases: [{ ...R40, releaseDate: '2026-10-23T08:00:00Z' }], // Friday 10:00 CEST
    now: '2026-10-23T08:00:00Z',
    target: '122.15.0.40 @ 2026-10-23T16:00:00.000Z',
  },
  {
    name: 'should wait over the weekend in Berlin when the release lands on a Friday 17:59 local',
    device: BERLIN_TEST,
    releases: [{ ...R40, releaseDate: '2026-10-23T15:59:00Z' }],
    now: '2026-10-23T15:59:00Z',
    target: '122.15.0.40 @ 2026-10-23T16:00:00.000Z',
  },
  {
    name: 'should end business hours at 18:00 AEST in Sydney before daylight saving starts',
    device: { ...BERLIN_TEST, timeZone: 'Australia/Sydney' },
    releases: [{ ...R40, releaseDate: '2026-10-01T01:00:00Z' }], // Thursday 11:00 AEST
    now: '2026-10-01T01:00:00Z',
    target: '122.15.0.40 @ 2026-10-01T08:00:00.000Z',
  },
  {
    name: 'should end business hours at 18:00 AEDT in Sydney after daylight saving starts',
    device: { ...BERLIN_TEST, timeZone: 'Australia/Sydney' },
    releases: [{ ...R40, releaseDate: '2026-10-05T01:00:00Z' }], // Monday 12:00 AEDT
    now: '2026-10-05T01:00:00Z',
    target: '122.15.0.40 @ 2026-10-05T07:00:00.000Z',
  },
  {
    name: 'should end business hours at 18:00 IST in Kolkata (a half-hour offset)',
    device: { ...BERLIN_TEST, timeZone: 'Asia/Kolkata' },
    releases: [{ ...R40, releaseDate: '2026-11-02T06:00:00Z' }], // Monday 11:30 IST
    now: '2026-11-02T06:00:00Z',
    target: '122.15.0.40 @ 2026-11-02T12:30:00.000Z',
  },
  {
    name: 'should update at once when the phase starts at night',
    device: { ...BERLIN_TEST, timeZone: 'Asia/Kolkata' },
    releases: [{ ...R40, releaseDate: '2026-11-02T20:00:00Z' }], // Tuesday 01:30 IST
    now: '2026-11-02T20:00:00Z',
    target: '122.15.0.40 @ 2026-11-02T20:00:00.000Z',
  },
  {
    name: 'should move an update past a holiday blackout in the device zone',
    device: BERLIN_TEST,
    policy: { blackouts: [{ from: '2026-12-24', to: '2026-12-26', reason: 'Holidays' }] },
    releases: [{ ...R40, releaseDate: '2026-12-24T10:00:00Z' }],
    now: '2026-12-24T10:00:00Z',
    target: '122.15.0.40 @ 2026-12-26T23:00:00.000Z', // local midnight into Sunday 27th
  },
  {
    name: 'should start a missed update at the next instant outside business hours (rule 11)',
    device: BERLIN_GENERAL,
    releases: [R40],
    now: '2026-12-10T12:00:00Z', // Thursday 13:00 CET, 8 days after the phase start
    target: '122.15.0.40 @ 2026-12-10T17:00:00.000Z',
  },
  {
    name: 'should start a missed update at once on a weekend (rule 11)',
    device: BERLIN_GENERAL,
    releases: [R40],
    now: '2026-12-05T12:00:00Z', // Saturday
    target: '122.15.0.40 @ 2026-12-05T12:00:00.000Z',
  },
  {
    name: 'should target the newest release whose phase has started (rule 5)',
    device: BERLIN_GENERAL,
    releases: [R38, R40],
    now: '2026-12-05T12:00:00Z',
    target: '122.15.0.40 @ 2026-12-05T12:00:00.000Z',
    next: null,
  },
  {
    name: 'should target the older release while the newer one waits for its phase, and show the next (rule 5)',
    device: BERLIN_GENERAL,
    releases: [R38, R40],
    now: '2026-11-14T12:00:00Z', // Saturday
    target: '122.15.0.38 @ 2026-11-14T12:00:00.000Z',
    next: '122.15.0.40 @ 2026-12-02T17:00:00.000Z',
    wakeAt: '2026-11-14T12:00:00.000Z',
  },
  {
    name: 'should wake at the phase start of a newer release that starts before the target is due',
    device: BERLIN_TEST,
    releases: [
      { ...R38, releaseDate: '2026-11-02T09:00:00Z' },
      { ...R40, releaseDate: '2026-11-02T12:00:00Z' },
    ],
    now: '2026-11-02T10:00:00Z',
    target: '122.15.0.38 @ 2026-11-02T17:00:00.000Z',
    next: '122.15.0.40 @ 2026-11-02T17:00:00.000Z',
    wakeAt: '2026-11-02T12:00:00.000Z',
  },
  {
    name: 'should never target an older or equal version',
    device: { ...BERLIN_TEST, firmware: '122.15.0.40' },
    releases: [R38, R40],
    now: '2026-12-05T12:00:00Z',
    blocked: 'UpToDate',
    target: null,
  },
  {
    name: 'should never target an Unknown release',
    device: BERLIN_TEST,
    releases: [{ ...R40, verification: 'Unknown' }],
    now: '2026-12-05T12:00:00Z',
    blocked: 'UpToDate',
  },
  {
    name: 'should never target a release for another model',
    device: BERLIN_TEST,
    releases: [{ ...R40, models: ['T58A'] }],
    now: '2026-12-05T12:00:00Z',
    blocked: 'UpToDate',
  },
  {
    name: 'should label a device on firmware absent from the catalog Unknown and block automatic updates',
    device: { ...BERLIN_TEST, firmware: '122.15.0.37' },
    releases: [R38, R40],
    now: '2026-12-05T12:00:00Z',
    blocked: 'UnknownFirmware',
    target: null,
  },
  {
    name: 'should block automatic updates of a device that does not support them (rule 3)',
    device: { ...BERLIN_TEST, autoUpdateSupported: false },
    releases: [{ ...R38, version: '122.15.0.36' }, R40],
    now: '2026-12-05T12:00:00Z',
    blocked: 'NotSupported',
  },
  {
    name: 'should send nothing in GCC-High (rule 10)',
    device: BERLIN_TEST,
    policy: { cloud: 'GCCHigh' },
    releases: [{ ...R38, version: '122.15.0.36' }, R40],
    now: '2026-12-05T12:00:00Z',
    blocked: 'RemoteUpdateUnavailable',
  },
  {
    name: 'should wait for a device that has not reported its firmware',
    device: { ...BERLIN_TEST, firmware: null },
    releases: [R40],
    now: '2026-12-05T12:00:00Z',
    blocked: 'VersionUnknown',
  },
  {
    name: 'should not roll out a paused release',
    device: { ...BERLIN_TEST, firmware: '122.15.0.38' },
    releases: [R38, { ...R40, paused: true }],
    now: '2026-12-05T12:00:00Z',
    blocked: 'ReleasePaused',
  },
  {
    name: 'should fall back to the older release when the newest is paused',
    device: BERLIN_TEST,
    releases: [R38, { ...R40, paused: true }],
    now: '2026-12-05T12:00:00Z',
    blocked: null,
    target: '122.15.0.38 @ 2026-12-05T12:00:00.000Z',
  },
  {
    name: 'should not roll out a release halted in the device namespace',
    device: BERLIN_TEST,
    releases: [{ ...R40, haltedIn: ['berlin'] }],
    now: '2026-12-05T12:00:00Z',
    blocked: 'ReleaseHalted',
  },
  {
    name: 'should roll out a release halted only in another namespace',
    device: BERLIN_TEST,
    releases: [{ ...R40, haltedIn: ['sydney'] }],
    now: '2026-12-05T12:00:00Z',
    target: '122.15.0.40 @ 2026-12-05T12:00:00.000Z',
  },
  {
    name: 'should block automatic updates of a device whose zone is not an IANA zone',
    device: { ...BERLIN_TEST, timeZone: 'Mars/Olympus_Mons' },
    releases: [R40],
    now: '2026-12-05T12:00:00Z',
    blocked: 'InvalidTimeZone',
  },
  {
    name: 'should block automatic updates under a policy whose business hours do not parse',
    device: BERLIN_TEST,
    policy: { businessHours: { days: ['Monday'], start: '8 am', end: '18:00' } },
    releases: [R40],
    now: '2026-12-05T12:00:00Z',
    blocked: 'InvalidPolicy',
  },
];

describe('automatic', () => {
  describe('automaticDecision', () => {
    for (const c of cases) {
      it(c.name, () => {
        const d = automaticDecision(
          view(c.device, { ...SPREAD_0, ...c.policy }),
          catalog(release(R36), ...c.releases.map(release)),
          at(c.now),
        );
        if (c.blocked !== undefined) expect(d.blockedReason, 'blockedReason').to.equal(c.blocked);
        else expect(d.blockedReason, 'blockedReason').to.equal(null);
        if (c.target !== undefined) expect(step(d.target), 'target').to.equal(c.target);
        if (c.next !== undefined) expect(step(d.next), 'next').to.equal(c.next);
        if (c.wakeAt !== undefined) expect(d.wakeAt?.toISOString() ?? null, 'wakeAt').to.equal(c.wakeAt);
        if (d.blockedReason) expect([d.target, d.next, d.wakeAt]).to.deep.equal([null, null, null]);
      });
    }

    it("should delay each device by its own stable spread offset within the phase's spread (rule 6)", () => {
      const cat = catalog(release(R36), release(R40));
      const now = at('2026-11-02T09:00:00Z');
      const starts = new Set<number>();
      for (let i = 0; i < 20; i++) {
        const v = view({ ...BERLIN_TEST, name: `phone-${i}` }, { rolloutSpreadDays: 14 });
        const next = automaticDecision(v, cat, now).next!;
        const offset = spreadOffsetMs(`phone-${i}`, next.release.metadata.name, 14);
        expect(next.notBefore.getTime() - next.phaseStart.getTime()).to.equal(offset);
        expect(offset).to.be.lessThan(14 * DAY);
        expect(next.dueAt!.getTime()).to.be.at.least(next.notBefore.getTime());
        // The weekend at most (Fri 18:00 → Mon 08:00) keeps business hours from moving it further.
        expect(next.dueAt!.getTime() - next.notBefore.getTime()).to.be.at.most(10 * 3_600_000);
        starts.add(next.notBefore.getTime());
        expect(automaticDecision(v, cat, now).next!.dueAt).to.deep.equal(next.dueAt);
      }
      expect(starts.size).to.be.greaterThan(15);
    });

    it('should spread by deviceId, so renaming the object keeps the place in the rollout', () => {
      const cat = catalog(release(R36), release(R40));
      const now = at('2026-11-02T09:00:00Z');
      const a = automaticDecision(view({ ...BERLIN_TEST, name: 'a', deviceId: 'mqtt-1' }, {}), cat, now);
      const b = automaticDecision(view({ ...BERLIN_TEST, name: 'b', deviceId: 'mqtt-1' }, {}), cat, now);
      expect(a.next?.notBefore).to.deep.equal(b.next?.notBefore);
    });
  });

  describe('automaticTime', () => {
    const cat = catalog(release(R36), release(R40));
    const r40 = cat.releases[1]!;
    const table: Array<[string, DeviceOptions, Partial<UpdatePolicySpec>, string | null]> = [
      [
        'should give the automatic time of a release for an eligible device',
        BERLIN_GENERAL,
        {},
        '2026-12-02T17:00:00.000Z',
      ],
      [
        'should give no automatic time to a device that does not support it',
        { ...BERLIN_GENERAL, autoUpdateSupported: false },
        {},
        null,
      ],
      [
        'should give no automatic time to a device on Unknown firmware',
        { ...BERLIN_GENERAL, firmware: '1.0' },
        {},
        null,
      ],
      [
        'should give no automatic time for a version the device already runs',
        { ...BERLIN_GENERAL, firmware: '122.15.0.40' },
        {},
        null,
      ],
      [
        'should give no automatic time for a version the device has not reported',
        { ...BERLIN_GENERAL, firmware: null },
        {},
        null,
      ],
    ];
    for (const [name, device, policy, expected] of table) {
      it(name, () => {
        const v = view(device, { ...SPREAD_0, ...policy });
        expect(automaticTime(v, r40, cat, at('2026-11-20T12:00:00Z'))?.toISOString() ?? null).to.equal(
          expected,
        );
      });
    }

    it('should give no automatic time for a paused, Unknown or foreign release', () => {
      const v = view(BERLIN_GENERAL, SPREAD_0);
      const now = at('2026-11-20T12:00:00Z');
      for (const options of [
        { ...R40, paused: true },
        { ...R40, verification: 'Unknown' as const },
        { ...R40, manufacturer: 'Poly' },
        { ...R40, component: 'TeamsApp' as const },
      ]) {
        const r = release(options);
        expect(automaticTime(v, r, catalog(release(R36), r), now), JSON.stringify(options)).to.equal(null);
      }
    });
  });

  describe('nextAutomaticUpdate', () => {
    it('should let a newer release whose phase starts first take over (rule 5)', () => {
      const cat = catalog(
        release(R36),
        release({ ...R38, releaseDate: '2026-11-06T10:00:00Z' }), // Friday 11:00 CET, due 18:00
        release({ ...R40, releaseDate: '2026-11-06T12:00:00Z' }), // starts before 1.38 is due
      );
      const next = nextAutomaticUpdate(
        view(BERLIN_TEST, SPREAD_0),
        cat,
        at('2026-11-06T09:00:00Z'),
        at('2027-01-01T00:00:00Z'),
      );
      expect(next && [next.release.spec.version, next.at.toISOString()]).to.deep.equal([
        '122.15.0.40',
        '2026-11-06T17:00:00.000Z',
      ]);
    });

    it('should update to the older release when it is due before the newer phase starts', () => {
      const cat = catalog(release(R36), release(R38), release(R40));
      const next = nextAutomaticUpdate(
        view(BERLIN_GENERAL, SPREAD_0),
        cat,
        at('2026-10-20T09:00:00Z'),
        at('2027-01-01T00:00:00Z'),
      );
      // 1.38: General phase starts Saturday 2026-10-31 10:00Z, outside business hours.
      expect(next && [next.release.spec.version, next.at.toISOString()]).to.deep.equal([
        '122.15.0.38',
        '2026-10-31T10:00:00.000Z',
      ]);
    });

    it('should find nothing before `until`', () => {
      const cat = catalog(release(R36), release(R40));
      expect(
        nextAutomaticUpdate(
          view(BERLIN_GENERAL, SPREAD_0),
          cat,
          at('2026-11-02T09:00:00Z'),
          at('2026-12-02T16:59:59Z'),
        ),
      ).to.equal(null);
      expect(
        nextAutomaticUpdate(
          view(BERLIN_GENERAL, SPREAD_0),
          cat,
          at('2026-11-02T09:00:00Z'),
          at('2026-12-02T17:00:00Z'),
        )?.at.toISOString(),
      ).to.equal('2026-12-02T17:00:00.000Z');
    });

    it('should find nothing for a blocked device', () => {
      const cat = catalog(release(R36), release(R40));
      expect(
        nextAutomaticUpdate(
          view({ ...BERLIN_TEST, autoUpdateSupported: false }, SPREAD_0),
          cat,
          at('2026-11-02T09:00:00Z'),
          at('2027-06-01T00:00:00Z'),
        ),
      ).to.equal(null);
    });
  });

  describe('automaticArrival (the automatic time of rule 8)', () => {
    const cat = catalog(release(R36), release(R38), release(R40));
    const table: Array<[string, DeviceOptions, string, string | null]> = [
      [
        'should find when automatic updates bring a General device to a version, through the ones before it',
        BERLIN_GENERAL,
        '122.15.0.40',
        '2026-12-02T17:00:00.000Z',
      ],
      ['should find the first step of the chain', BERLIN_GENERAL, '122.15.0.38', '2026-10-31T10:00:00.000Z'],
      [
        'should find no time for a version a newer release jumps over (rule 5)',
        { ...BERLIN_TEST, firmware: '122.15.0.36' },
        '122.15.0.38',
        null,
      ],
      [
        'should find no time for a device that does not auto-update',
        { ...BERLIN_GENERAL, autoUpdateSupported: false },
        '122.15.0.40',
        null,
      ],
      ['should find no time for a version no release provides', BERLIN_GENERAL, '122.15.0.39', null],
    ];
    for (const [name, device, version, expected] of table) {
      it(name, () => {
        const now = device.phase === 'Test' ? at('2026-11-20T12:00:00Z') : at('2026-10-20T12:00:00Z');
        expect(automaticArrival(view(device, SPREAD_0), cat, now, version)?.toISOString() ?? null).to.equal(
          expected,
        );
      });
    }
  });
});
