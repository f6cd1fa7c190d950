// "rule N" in these test names is rule N of src/core/rules/README.md.
import { expect } from 'chai';
import type { UpdatePlanSpec } from '../../../src/api/v1alpha1/updateplan.js';
import type { UpdatePolicySpec } from '../../../src/api/v1alpha1/updatepolicy.js';
import {
  checkPlanTarget,
  type PlanRow,
  planSchedule,
  resolvePlan,
  selectPlanDevices,
} from '../../../src/core/rules/manual.js';
import { matchesSelector } from '../../../src/core/shared/selector.js';
import {
  at,
  catalog,
  type DeviceOptions,
  device,
  plan,
  policy,
  type ReleaseOptions,
  release,
} from '../fixtures.js';

const R36: ReleaseOptions = { version: '122.15.0.36', releaseDate: '2026-09-01T10:00:00Z' };
const R38: ReleaseOptions = { version: '122.15.0.38', releaseDate: '2026-10-01T10:00:00Z' };
const R40: ReleaseOptions = { version: '122.15.0.40', releaseDate: '2026-11-02T10:00:00Z' };
const R39U: ReleaseOptions = {
  version: '122.15.0.39',
  releaseDate: '2026-10-15T10:00:00Z',
  verification: 'Unknown',
};
const APP: ReleaseOptions = { component: 'TeamsApp', version: '1452/1.0.94.2023080101' };
const RELEASES = [R36, R38, R39U, R40, APP];
const NOW = '2026-11-20T12:00:00Z'; // Friday 13:00 CET, inside business hours
const BERLIN: DeviceOptions = { name: 'phone-1', timeZone: 'Europe/Berlin', firmware: '122.15.0.36' };

type Spec = Partial<UpdatePlanSpec>;
type RowSummary = Pick<PlanRow, 'device' | 'component' | 'newVersion'> & {
  reason: string | null;
  effectiveAt: string | null;
};

function resolve(
  spec: Spec,
  devices: DeviceOptions[] = [BERLIN],
  policyOverrides: Partial<UpdatePolicySpec> = {},
  releases = RELEASES,
): RowSummary[] {
  return resolvePlan(
    plan('p', { devices: { names: ['phone-1'] }, ...spec }),
    devices.map(device),
    [policy({ rolloutSpreadDays: 0, ...policyOverrides })],
    catalog(...releases.map(release)),
    at(NOW),
  ).map((r) => ({
    device: r.device,
    component: r.component,
    newVersion: r.newVersion,
    reason: r.reason,
    effectiveAt: r.effectiveAt?.toISOString() ?? null,
  }));
}

const row = (over: Partial<RowSummary> = {}): RowSummary => ({
  device: 'phone-1',
  component: 'Firmware',
  newVersion: '122.15.0.40',
  reason: null,
  effectiveAt: '2026-11-20T12:00:00.000Z',
  ...over,
});
const refused = (reason: string, over: Partial<RowSummary> = {}) =>
  row({ reason, effectiveAt: null, ...over });

interface Case {
  name: string;
  spec: Spec;
  devices?: DeviceOptions[];
  policy?: Partial<UpdatePolicySpec>;
  releases?: ReleaseOptions[];
  expected: RowSummary[];
}

// Verified, but dated after NOW: announced in the catalog, not out yet.
const R42_LATER: ReleaseOptions = { version: '122.15.0.42', releaseDate: '2026-12-15T10:00:00Z' };

const cases: Case[] = [
  {
    name: 'should apply an immediate plan now, ignoring business hours (rule 9)',
    spec: {},
    expected: [row()],
  },
  {
    name: 'should default to the newest Verified release that applies to the device',
    spec: { updates: [{ component: 'Firmware' }, { component: 'TeamsApp' }] },
    expected: [row(), row({ component: 'TeamsApp', newVersion: '1452/1.0.94.2023080101' })],
  },
  {
    name: 'should install the requested Verified version',
    spec: { updates: [{ component: 'Firmware', version: '122.15.0.38' }] },
    expected: [row({ newVersion: '122.15.0.38' })],
  },
  {
    name: 'should refuse a version that is not Verified (rule 1)',
    spec: { updates: [{ component: 'Firmware', version: '122.15.0.39' }] },
    expected: [refused('NotVerified', { newVersion: null })],
  },
  {
    name: 'should refuse a version no release provides',
    spec: { updates: [{ component: 'Firmware', version: '122.15.0.41' }] },
    expected: [refused('NotApplicable', { newVersion: null })],
  },
  {
    name: 'should refuse firmware of another model',
    spec: {},
    devices: [{ ...BERLIN, model: 'T58A' }],
    expected: [refused('NotApplicable', { newVersion: null })],
  },
  {
    name: 'should never send an older version (DowngradeRequiresFactoryReset)',
    spec: { updates: [{ component: 'Firmware', version: '122.15.0.36' }] },
    devices: [{ ...BERLIN, firmware: '122.15.0.38' }],
    expected: [refused('DowngradeRequiresFactoryReset', { newVersion: '122.15.0.36' })],
  },
  {
    name: 'should skip a device that already runs the target (UpToDate)',
    spec: {},
    devices: [{ ...BERLIN, firmware: '122.15.0.40' }],
    expected: [refused('UpToDate')],
  },
  {
    name: 'should refuse a device whose version is unknown, since a downgrade cannot be ruled out',
    spec: {},
    devices: [{ ...BERLIN, firmware: null }],
    expected: [refused('VersionUnknown')],
  },
  {
    name: 'should update a device on Unknown firmware manually (rule 2)',
    spec: {},
    devices: [{ ...BERLIN, firmware: '122.15.0.39' }],
    expected: [row()],
  },
  {
    name: 'should update a device that cannot auto-update manually (rule 3)',
    spec: {},
    devices: [{ ...BERLIN, autoUpdateSupported: false }],
    expected: [row()],
  },
  {
    name: 'should send nothing in GCC-High, manual included (rule 10)',
    spec: { updates: [{ component: 'Firmware' }, { component: 'TeamsApp' }] },
    policy: { cloud: 'GCCHigh' },
    expected: [
      refused('RemoteUpdateUnavailable', { newVersion: null }),
      refused('RemoteUpdateUnavailable', { component: 'TeamsApp', newVersion: null }),
    ],
  },
  {
    name: 'should send nothing for a suspended plan',
    spec: { suspend: true },
    expected: [refused('Suspended', { newVersion: null })],
  },
  {
    name: 'should report a named device that does not exist',
    spec: { devices: { names: ['phone-1', 'ghost'] } },
    expected: [row(), refused('DeviceNotFound', { device: 'ghost', newVersion: null })],
  },
  {
    name: 'should apply a scheduled update at the local time in the schedule zone, ignoring windows (rule 9)',
    spec: { schedule: { at: '2026-11-24T10:00', timeZone: 'Europe/Berlin' } }, // Tuesday, business hours
    expected: [row({ effectiveAt: '2026-11-24T09:00:00.000Z' })],
  },
  {
    name: 'should run a schedule that is already in the past now',
    spec: { schedule: { at: '2026-03-07T22:00', timeZone: 'America/New_York' } },
    expected: [row({ effectiveAt: '2026-11-20T12:00:00.000Z' })],
  },
  {
    name: 'should apply a scheduled firmware update at the automatic time when the schedule is later (rule 8)',
    spec: { schedule: { at: '2026-12-20T22:00:00', timeZone: 'Europe/Berlin' } },
    devices: [{ ...BERLIN, phase: 'General' }],
    // 1.40 is due automatically at the General phase start, 2026-12-02 18:00 CET.
    expected: [row({ effectiveAt: '2026-12-02T17:00:00.000Z' })],
  },
  {
    name: 'should apply a scheduled firmware update at the schedule when it is before the automatic time (rule 8)',
    spec: { schedule: { at: '2026-11-28T22:00:00', timeZone: 'Europe/Berlin' } },
    devices: [{ ...BERLIN, phase: 'General' }],
    expected: [row({ effectiveAt: '2026-11-28T21:00:00.000Z' })],
  },
  {
    name: 'should keep the schedule of a Teams app update, which is never automatic',
    spec: {
      updates: [{ component: 'TeamsApp' }],
      schedule: { at: '2026-12-20T22:00:00', timeZone: 'Europe/Berlin' },
    },
    expected: [
      row({
        component: 'TeamsApp',
        newVersion: '1452/1.0.94.2023080101',
        effectiveAt: '2026-12-20T21:00:00.000Z',
      }),
    ],
  },
  {
    name: 'should keep the schedule on a device that cannot auto-update (no automatic time to cap it)',
    spec: { schedule: { at: '2026-12-20T22:00:00', timeZone: 'Europe/Berlin' } },
    devices: [{ ...BERLIN, phase: 'General', autoUpdateSupported: false }],
    expected: [row({ effectiveAt: '2026-12-20T21:00:00.000Z' })],
  },
  {
    name: 'should refuse a schedule in a zone that does not exist',
    spec: { schedule: { at: '2026-12-20T22:00:00', timeZone: 'Europe/Atlantis' } },
    expected: [refused('InvalidSchedule', { newVersion: null })],
  },
  {
    name: 'should refuse a schedule at a date that does not exist',
    spec: { schedule: { at: '2026-02-30T22:00:00', timeZone: 'Europe/Berlin' } },
    expected: [refused('InvalidSchedule', { newVersion: null })],
  },
  {
    name: 'should default to the newest release that is out, not one dated after the plan runs',
    spec: {},
    releases: [...RELEASES, R42_LATER],
    expected: [row()],
  },
  {
    name: 'should refuse a requested version whose release date is still ahead (NotReleased)',
    spec: { updates: [{ component: 'Firmware', version: '122.15.0.42' }] },
    releases: [...RELEASES, R42_LATER],
    expected: [refused('NotReleased', { newVersion: '122.15.0.42' })],
  },
  {
    name: 'should install a release that is out by the time a scheduled plan runs',
    spec: { schedule: { at: '2026-12-19T22:00:00', timeZone: 'Europe/Berlin' } },
    releases: [...RELEASES, R42_LATER],
    expected: [row({ newVersion: '122.15.0.42', effectiveAt: '2026-12-19T21:00:00.000Z' })],
  },
];

describe('manual updates', () => {
  for (const c of cases) {
    it(c.name, () => {
      expect(resolve(c.spec, c.devices, c.policy, c.releases)).to.deep.equal(c.expected);
    });
  }

  it('should give the current version, the release and the run time of each row', () => {
    const [r] = resolvePlan(
      plan('p', {
        devices: { names: ['phone-1'] },
        schedule: { at: '2026-12-20T22:00:00', timeZone: 'Europe/Berlin' },
      }),
      [device({ ...BERLIN, phase: 'General' })],
      [policy({ rolloutSpreadDays: 0 })],
      catalog(...RELEASES.map(release)),
      at(NOW),
    );
    expect(r).to.deep.include({
      currentVersion: '122.15.0.36',
      newVersion: '122.15.0.40',
      release: 'yealink-mp56-122.15.0.40',
    });
    expect(r?.runAt?.toISOString()).to.equal('2026-12-20T21:00:00.000Z');
  });

  describe('planSchedule', () => {
    const table: Array<[string, UpdatePlanSpec['schedule'], string]> = [
      ['should read an immediate plan as immediate', undefined, 'immediate'],
      [
        'should read Berlin winter time (CET)',
        { at: '2026-12-05T22:00', timeZone: 'Europe/Berlin' },
        '2026-12-05T21:00:00.000Z',
      ],
      [
        'should read Berlin summer time (CEST)',
        { at: '2026-07-05T22:00', timeZone: 'Europe/Berlin' },
        '2026-07-05T20:00:00.000Z',
      ],
      [
        'should read Sydney summer time (AEDT)',
        { at: '2026-12-05T22:00', timeZone: 'Australia/Sydney' },
        '2026-12-05T11:00:00.000Z',
      ],
      [
        'should read Kolkata time',
        { at: '2026-12-05T22:00:30', timeZone: 'Asia/Kolkata' },
        '2026-12-05T16:30:30.000Z',
      ],
      [
        'should move a time in the spring-forward gap to the end of the gap',
        { at: '2026-03-08T02:30', timeZone: 'America/New_York' },
        '2026-03-08T07:00:00.000Z',
      ],
      [
        'should take the first of a time that happens twice when clocks fall back',
        { at: '2026-11-01T01:30', timeZone: 'America/New_York' },
        '2026-11-01T05:30:00.000Z',
      ],
      ['should refuse a schedule without a zone', { at: '2026-12-05T22:00' }, 'invalid'],
    ];
    for (const [name, schedule, expected] of table) {
      it(name, () => {
        const s = planSchedule(schedule ? { schedule } : {});
        expect(s.kind === 'scheduled' ? s.at.toISOString() : s.kind).to.equal(expected);
      });
    }
  });

  describe('checkPlanTarget', () => {
    const table: Array<[string, string | null, string, string | null]> = [
      ['should allow a newer version', '1.2', '1.3', null],
      ['should refuse an older version', '1.3', '1.2', 'DowngradeRequiresFactoryReset'],
      ['should allow the release over its pre-release', '1.2-rc', '1.2', null],
      ['should refuse the same version written differently', '1.2.0', '1.2', 'UpToDate'],
      ['should refuse when the running version is unknown', null, '1.2', 'VersionUnknown'],
    ];
    for (const [name, running, target, expected] of table) {
      it(name, () => {
        expect(checkPlanTarget(running, target)).to.equal(expected);
      });
    }
  });

  describe('device selection', () => {
    const devices = [
      device({ name: 'a', labels: { site: 'berlin', floor: '1' } }),
      device({ name: 'b', labels: { site: 'berlin', floor: '2' } }),
      device({ name: 'c', labels: { site: 'munich' } }),
      device({ name: 'd' }),
      device({ name: 'e', namespace: 'sydney', labels: { site: 'berlin' } }),
    ];
    const table: Array<[string, UpdatePlanSpec['devices'], string[], string[]]> = [
      ['should select devices by name', { names: ['d', 'a'] }, ['a', 'd'], []],
      [
        'should select devices by matchLabels',
        { selector: { matchLabels: { site: 'berlin' } } },
        ['a', 'b'],
        [],
      ],
      [
        'should select the union of names and selector, once each',
        { names: ['a', 'c'], selector: { matchLabels: { site: 'berlin' } } },
        ['a', 'b', 'c'],
        [],
      ],
      [
        'should select with In',
        { selector: { matchExpressions: [{ key: 'site', operator: 'In', values: ['munich', 'hamburg'] }] } },
        ['c'],
        [],
      ],
      [
        'should select with NotIn, including devices without the label',
        { selector: { matchExpressions: [{ key: 'site', operator: 'NotIn', values: ['berlin'] }] } },
        ['c', 'd'],
        [],
      ],
      [
        'should select with Exists',
        { selector: { matchExpressions: [{ key: 'floor', operator: 'Exists' }] } },
        ['a', 'b'],
        [],
      ],
      [
        'should select with DoesNotExist',
        { selector: { matchExpressions: [{ key: 'site', operator: 'DoesNotExist' }] } },
        ['d'],
        [],
      ],
      [
        'should AND matchLabels and matchExpressions',
        {
          selector: {
            matchLabels: { site: 'berlin' },
            matchExpressions: [{ key: 'floor', operator: 'In', values: ['2'] }],
          },
        },
        ['b'],
        [],
      ],
      [
        'should select every device of the namespace with an empty selector',
        { selector: {} },
        ['a', 'b', 'c', 'd'],
        [],
      ],
      ['should not select a device of another namespace by name', { names: ['e'] }, [], ['e']],
    ];
    for (const [name, devs, selected, missing] of table) {
      it(name, () => {
        const result = selectPlanDevices(plan('p', { devices: devs }), devices);
        expect(result.selected.map((d) => d.metadata.name)).to.deep.equal(selected);
        expect(result.missing).to.deep.equal(missing);
      });
    }

    it('should not match a label that is absent with In', () => {
      expect(
        matchesSelector(undefined, { matchExpressions: [{ key: 'x', operator: 'In', values: [''] }] }),
      ).to.equal(false);
    });
  });
});
