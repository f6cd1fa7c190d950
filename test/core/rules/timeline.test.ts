// "rule N" in these test names is rule N of src/core/rules/README.md.
import { expect } from 'chai';
import type { UpdatePlanSpec } from '../../../src/api/v1alpha1/updateplan.js';
import type { UpdatePolicySpec } from '../../../src/api/v1alpha1/updatepolicy.js';
import { type Fleet, planTimeline, type TimelineEntry } from '../../../src/core/rules/timeline.js';
import { at, type DeviceOptions, device, plan, policy, type ReleaseOptions, release } from '../fixtures.js';

const R36: ReleaseOptions = { version: '122.15.0.36', releaseDate: '2026-09-01T10:00:00Z' };
const R38: ReleaseOptions = { version: '122.15.0.38', releaseDate: '2026-10-01T10:00:00Z' };
const R40: ReleaseOptions = { version: '122.15.0.40', releaseDate: '2026-11-02T10:00:00Z' };
const R44: ReleaseOptions = { version: '122.15.0.44', releaseDate: '2027-01-04T10:00:00Z' }; // a Monday
const APP: ReleaseOptions = {
  component: 'TeamsApp',
  version: '1452/1.0.94.2023080101',
  releaseDate: '2026-08-01T00:00:00Z',
};
const RELEASES = [R36, R38, R40, R44];
const NOW = '2026-11-20T12:00:00Z'; // Friday 13:00 CET
const UNTIL = '2027-06-01T00:00:00Z';
const BERLIN: DeviceOptions = {
  name: 'phone-1',
  timeZone: 'Europe/Berlin',
  firmware: '122.15.0.36',
  teamsApp: null,
};

interface Scenario {
  devices: DeviceOptions[];
  releases?: ReleaseOptions[];
  policy?: Partial<UpdatePolicySpec>;
  plans?: Array<[string, Partial<UpdatePlanSpec>]>;
  now?: string;
  until?: string;
}

function timeline(s: Scenario): TimelineEntry[] {
  const fleet: Fleet = {
    devices: s.devices.map(device),
    releases: (s.releases ?? RELEASES).map(release),
    policies: [policy({ rolloutSpreadDays: 0, ...s.policy })],
    plans: (s.plans ?? []).map(([name, spec]) => plan(name, { devices: { names: ['phone-1'] }, ...spec })),
  };
  return planTimeline(fleet, at(s.now ?? NOW), at(s.until ?? UNTIL));
}

/** 'from -> to @ at [source]' or 'from -> to: reason [source]', one line per entry. */
const brief = (entries: TimelineEntry[]) =>
  entries.map(
    (e) =>
      `${e.device} ${e.component} ${e.fromVersion} -> ${e.toVersion} ${e.reason ? `: ${e.reason}` : `@ ${e.at}`} [${e.source}]`,
  );

const cases: Array<[string, Scenario, string[]]> = [
  [
    'should chain automatic updates: the newest started release now, the next when its phase starts',
    { devices: [{ ...BERLIN, phase: 'Test' }] },
    [
      // 1.38 and 1.40 have both started: rule 5 skips 1.38.
      'phone-1 Firmware 122.15.0.36 -> 122.15.0.40 @ 2026-11-20T17:00:00Z [Auto]',
      'phone-1 Firmware 122.15.0.40 -> 122.15.0.44 @ 2027-01-04T17:00:00Z [Auto]',
    ],
  ],
  [
    'should take each release in turn when each is due before the next phase starts',
    { devices: [{ ...BERLIN, phase: 'General' }] },
    [
      'phone-1 Firmware 122.15.0.36 -> 122.15.0.38 @ 2026-11-20T17:00:00Z [Auto]',
      'phone-1 Firmware 122.15.0.38 -> 122.15.0.40 @ 2026-12-02T17:00:00Z [Auto]',
      'phone-1 Firmware 122.15.0.40 -> 122.15.0.44 @ 2027-02-03T17:00:00Z [Auto]',
    ],
  ],
  [
    'should let a newer release whose phase starts before the older one is due take over (rule 5)',
    {
      devices: [{ ...BERLIN, phase: 'Test' }],
      releases: [
        R36,
        { ...R38, releaseDate: '2026-11-23T09:00:00Z' },
        { ...R40, releaseDate: '2026-11-23T12:00:00Z' },
      ],
    },
    ['phone-1 Firmware 122.15.0.36 -> 122.15.0.40 @ 2026-11-23T17:00:00Z [Auto]'],
  ],
  [
    'should not list updates due after `until`',
    { devices: [{ ...BERLIN, phase: 'Final' }], until: '2027-01-01T00:00:00Z' },
    // 90 days after 1.38 is Wednesday 2026-12-30 11:00 CET: business hours until 18:00.
    ['phone-1 Firmware 122.15.0.36 -> 122.15.0.38 @ 2026-12-30T17:00:00Z [Auto]'],
  ],
  [
    'should list a device on firmware absent from the catalog once, as UnknownFirmware',
    { devices: [{ ...BERLIN, firmware: '122.15.0.37' }] },
    ['phone-1 Firmware 122.15.0.37 -> 122.15.0.44 : UnknownFirmware [Auto]'],
  ],
  [
    'should update a device on Unknown firmware by plan now, then automatically from the new version',
    {
      devices: [{ ...BERLIN, firmware: '122.15.0.37' }],
      plans: [['fix', { updates: [{ component: 'Firmware', version: '122.15.0.40' }] }]],
    },
    [
      'phone-1 Firmware 122.15.0.37 -> 122.15.0.40 @ 2026-11-20T12:00:00Z [UpdatePlan/fix]',
      'phone-1 Firmware 122.15.0.40 -> 122.15.0.44 @ 2027-02-03T17:00:00Z [Auto]',
    ],
  ],
  [
    'should list a device that cannot auto-update as NotSupported',
    { devices: [{ ...BERLIN, autoUpdateSupported: false }] },
    ['phone-1 Firmware 122.15.0.36 -> 122.15.0.44 : NotSupported [Auto]'],
  ],
  [
    'should list a Teams app update without a plan as ManualOnly',
    {
      devices: [{ ...BERLIN, firmware: '122.15.0.44', teamsApp: '1449/1.0.94.2023071702' }],
      releases: [...RELEASES, APP],
    },
    ['phone-1 TeamsApp 1449/1.0.94.2023071702 -> 1452/1.0.94.2023080101 : ManualOnly [Auto]'],
  ],
  [
    'should update the Teams app when a plan asks for it',
    {
      devices: [{ ...BERLIN, firmware: '122.15.0.44', teamsApp: '1449/1.0.94.2023071702' }],
      releases: [...RELEASES, APP],
      plans: [
        [
          'app',
          {
            updates: [{ component: 'TeamsApp' }],
            schedule: { at: '2026-11-21T03:00', timeZone: 'Asia/Kolkata' },
          },
        ],
      ],
    },
    [
      'phone-1 TeamsApp 1449/1.0.94.2023071702 -> 1452/1.0.94.2023080101 @ 2026-11-20T21:30:00Z [UpdatePlan/app]',
    ],
  ],
  [
    'should send nothing in GCC-High, automatic or manual',
    {
      devices: [{ ...BERLIN, teamsApp: '1449/1.0.94.2023071702' }],
      releases: [...RELEASES, APP],
      policy: { cloud: 'GCCHigh' },
      plans: [['p', {}]],
    },
    [
      'phone-1 Firmware 122.15.0.36 -> 122.15.0.44 : RemoteUpdateUnavailable [Auto]',
      'phone-1 Firmware 122.15.0.36 -> null : RemoteUpdateUnavailable [UpdatePlan/p]',
      'phone-1 TeamsApp 1449/1.0.94.2023071702 -> 1452/1.0.94.2023080101 : RemoteUpdateUnavailable [Auto]',
    ],
  ],
  [
    'should refuse a plan asking for a downgrade and carry on automatically',
    {
      devices: [{ ...BERLIN, firmware: '122.15.0.40', phase: 'Test' }],
      plans: [['back', { updates: [{ component: 'Firmware', version: '122.15.0.38' }] }]],
    },
    [
      'phone-1 Firmware 122.15.0.40 -> 122.15.0.44 @ 2027-01-04T17:00:00Z [Auto]',
      'phone-1 Firmware 122.15.0.40 -> 122.15.0.38 : DowngradeRequiresFactoryReset [UpdatePlan/back]',
    ],
  ],
  [
    'should apply a scheduled firmware update at the automatic time when the schedule is later (rule 8)',
    {
      devices: [{ ...BERLIN, firmware: '122.15.0.38', phase: 'General' }],
      plans: [
        [
          'later',
          {
            updates: [{ component: 'Firmware', version: '122.15.0.40' }],
            schedule: { at: '2026-12-20T22:00', timeZone: 'Europe/Berlin' },
          },
        ],
      ],
    },
    [
      'phone-1 Firmware 122.15.0.38 -> 122.15.0.40 @ 2026-12-02T17:00:00Z [UpdatePlan/later]',
      'phone-1 Firmware 122.15.0.40 -> 122.15.0.44 @ 2027-02-03T17:00:00Z [Auto]',
    ],
  ],
  [
    'should apply a scheduled firmware update earlier than the automatic time at the schedule (rule 8)',
    {
      devices: [{ ...BERLIN, firmware: '122.15.0.38', phase: 'General' }],
      plans: [['sooner', { schedule: { at: '2026-11-25T10:00', timeZone: 'Europe/Berlin' } }]],
    },
    // The plan's default target is the newest Verified release that is out by then (1.40, due for General
    // only from 2026-12-02); 1.44 then comes automatically 30 days after its release.
    [
      'phone-1 Firmware 122.15.0.38 -> 122.15.0.40 @ 2026-11-25T09:00:00Z [UpdatePlan/sooner]',
      'phone-1 Firmware 122.15.0.40 -> 122.15.0.44 @ 2027-02-03T17:00:00Z [Auto]',
    ],
  ],
  [
    'should refuse a scheduled plan whose target automatic updates have passed by then',
    {
      devices: [{ ...BERLIN, phase: 'Test' }],
      plans: [
        [
          'old',
          {
            updates: [{ component: 'Firmware', version: '122.15.0.38' }],
            schedule: { at: '2026-12-20T22:00', timeZone: 'Europe/Berlin' },
          },
        ],
      ],
    },
    [
      'phone-1 Firmware 122.15.0.36 -> 122.15.0.40 @ 2026-11-20T17:00:00Z [Auto]',
      'phone-1 Firmware 122.15.0.40 -> 122.15.0.44 @ 2027-01-04T17:00:00Z [Auto]',
      'phone-1 Firmware 122.15.0.40 -> 122.15.0.38 : DowngradeRequiresFactoryReset [UpdatePlan/old]',
    ],
  ],
  [
    'should list a plan row for a device that does not exist',
    {
      devices: [{ ...BERLIN, firmware: '122.15.0.44' }],
      plans: [['p', { devices: { names: ['phone-1', 'ghost'] } }]],
    },
    [
      'ghost Firmware null -> null : DeviceNotFound [UpdatePlan/p]',
      'phone-1 Firmware 122.15.0.44 -> 122.15.0.44 : UpToDate [UpdatePlan/p]',
    ],
  ],
  [
    'should list a suspended plan without sending it',
    { devices: [{ ...BERLIN, firmware: '122.15.0.44' }], plans: [['p', { suspend: true }]] },
    ['phone-1 Firmware 122.15.0.44 -> null : Suspended [UpdatePlan/p]'],
  ],
  [
    'should list a paused newest release once the device has taken the others',
    { devices: [{ ...BERLIN, phase: 'Test' }], releases: [R36, R38, R40, { ...R44, paused: true }] },
    [
      'phone-1 Firmware 122.15.0.36 -> 122.15.0.40 @ 2026-11-20T17:00:00Z [Auto]',
      'phone-1 Firmware 122.15.0.40 -> 122.15.0.44 : ReleasePaused [Auto]',
    ],
  ],
  [
    'should list a device that has not reported a version as VersionUnknown',
    { devices: [{ ...BERLIN, firmware: null }] },
    ['phone-1 Firmware null -> 122.15.0.44 : VersionUnknown [Auto]'],
  ],
  ['should list nothing for an up-to-date device', { devices: [{ ...BERLIN, firmware: '122.15.0.44' }] }, []],
];

describe('timeline', () => {
  for (const [name, scenario, expected] of cases) {
    it(name, () => {
      expect(brief(timeline(scenario))).to.deep.equal(expected);
    });
  }

  it('should give each entry its instant in UTC, its local time and the zone of the device', () => {
    const [first] = timeline({ devices: [{ ...BERLIN, phase: 'Test', timeZone: 'America/New_York' }] });
    expect(first).to.deep.equal({
      namespace: 'berlin',
      device: 'phone-1',
      component: 'Firmware',
      fromVersion: '122.15.0.36',
      toVersion: '122.15.0.40',
      at: '2026-11-20T12:00:00Z', // 07:00 in New York: before business hours, so at once
      localTime: '2026-11-20T07:00:00-05:00',
      timeZone: 'America/New_York',
      source: 'Auto',
      reason: null,
    });
  });

  it('should use local times on both sides of a daylight-saving change in Sydney', () => {
    const entries = timeline({
      devices: [{ ...BERLIN, phase: 'Test', timeZone: 'Australia/Sydney' }],
      releases: [
        R36,
        { ...R38, releaseDate: '2026-10-01T01:00:00Z' },
        { ...R40, releaseDate: '2026-10-05T01:00:00Z' },
      ],
      now: '2026-09-30T00:00:00Z',
    });
    expect(entries.map((e) => [e.at, e.localTime])).to.deep.equal([
      ['2026-10-01T08:00:00Z', '2026-10-01T18:00:00+10:00'],
      ['2026-10-05T07:00:00Z', '2026-10-05T18:00:00+11:00'],
    ]);
  });

  it('should sort by time, blocked last, then namespace, device and component', () => {
    const entries = timeline({
      devices: [
        { ...BERLIN, name: 'b', phase: 'Test', teamsApp: '1449/1.0.94.2023071702' },
        { ...BERLIN, name: 'a', phase: 'Test', teamsApp: '1449/1.0.94.2023071702' },
        { ...BERLIN, name: 'c', phase: 'Test', timeZone: 'Asia/Kolkata' },
        { ...BERLIN, name: 'd', firmware: '9.9' },
      ],
      releases: [...RELEASES, APP],
      until: '2026-12-31T00:00:00Z',
    });
    expect(entries.map((e) => `${e.at ?? '-'} ${e.device} ${e.component}`)).to.deep.equal([
      '2026-11-20T12:30:00Z c Firmware',
      '2026-11-20T17:00:00Z a Firmware',
      '2026-11-20T17:00:00Z b Firmware',
      '- a TeamsApp',
      '- b TeamsApp',
      '- c TeamsApp', // VersionUnknown: c has not reported its Teams app version
      '- d Firmware',
      '- d TeamsApp',
    ]);
  });

  it('should not list plan rows that have finished', () => {
    const fleet: Fleet = {
      devices: [device({ ...BERLIN, firmware: '122.15.0.44' })],
      releases: RELEASES.map(release),
      policies: [],
      plans: [plan('done', { devices: { names: ['phone-1'] } })],
    };
    fleet.plans[0]!.status = { devices: [{ device: 'phone-1', component: 'Firmware', state: 'Succeeded' }] };
    expect(planTimeline(fleet, at(NOW), at(UNTIL))).to.deep.equal([]);
  });

  it('should give the same timeline on every run (spread offsets are stable)', () => {
    const fleet = (): Fleet => ({
      devices: Array.from({ length: 50 }, (_, i) => device({ ...BERLIN, name: `phone-${i}` })),
      releases: RELEASES.map(release),
      policies: [policy({ rolloutSpreadDays: 14 })],
      plans: [],
    });
    const first = planTimeline(fleet(), at(NOW), at(UNTIL));
    expect(new Set(first.map((e) => e.at)).size).to.be.greaterThan(40);
    expect(planTimeline(fleet(), at(NOW), at(UNTIL))).to.deep.equal(first);
  });

  it('should plan 10,000 devices and 5 releases, with every plan row and no lost device', () => {
    const zones = ['Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata', 'UTC'];
    const phases = ['Test', 'General', 'Final'] as const;
    const fleet: Fleet = {
      devices: Array.from({ length: 10_000 }, (_, i) =>
        device({
          name: `phone-${i}`,
          namespace: `site-${i % 4}`,
          timeZone: zones[i % zones.length],
          phase: phases[i % 3],
          firmware: i % 50 === 0 ? '1.0-custom' : '122.15.0.36',
          teamsApp: '1449/1.0.94.2023071702',
        }),
      ),
      releases: [...RELEASES, APP].map(release),
      policies: [0, 1, 2, 3].map((i) => policy({}, { namespace: `site-${i}` })),
      plans: [plan('all', { devices: { selector: {} }, updates: [{ component: 'TeamsApp' }] }, 'site-1')],
    };
    const entries = planTimeline(fleet, at(NOW), at(UNTIL));
    expect(entries.length).to.be.greaterThan(30_000);
    expect(entries.filter((e) => e.source === 'UpdatePlan/all')).to.have.length(2500);
    expect(new Set(entries.map((e) => `${e.namespace}/${e.device}`)).size).to.equal(10_000);
  });
});
