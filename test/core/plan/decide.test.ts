// "rule N" in these test names is rule N of src/core/rules/README.md.
import { expect } from 'chai';
import type {
  InFlightUpdate,
  TeamsDevice,
  TeamsDeviceStatus,
} from '../../../src/api/v1alpha1/teamsdevice.js';
import type {
  PlanDeviceRow,
  UpdatePlan,
  UpdatePlanSpec,
  UpdatePlanStatus,
} from '../../../src/api/v1alpha1/updateplan.js';
import type { UpdatePolicySpec } from '../../../src/api/v1alpha1/updatepolicy.js';
import { decidePlanStatus, type PlanDecision } from '../../../src/core/plan/decide.js';
import { countRows, planPhase } from '../../../src/core/plan/rows.js';
import { indexPolicies } from '../../../src/core/rules/policies.js';
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

const NOW = '2026-11-20T12:00:00Z';
const RELEASES: ReleaseOptions[] = [
  { version: '122.15.0.36', releaseDate: '2026-09-01T00:00:00Z' },
  { version: '122.15.0.40', releaseDate: '2026-11-02T00:00:00Z' },
  { version: '122.15.0.39', releaseDate: '2026-10-15T00:00:00Z', verification: 'Unknown' },
  { version: '122.15.0.50', releaseDate: '2026-12-24T00:00:00Z' },
];

/** Automatic updates a year after release, so that a schedule comes first. */
const LATE_AUTOMATIC: Partial<UpdatePolicySpec> = { phaseDelayDays: { test: 365, general: 365, final: 365 } };

interface Case {
  name: string;
  spec?: Partial<UpdatePlanSpec>;
  device?: DeviceOptions | null;
  /** Merged into the device's status (update, history, reported). */
  status?: Partial<TeamsDeviceStatus>;
  policy?: Partial<UpdatePolicySpec>;
  previous?: UpdatePlanStatus;
  now?: string;
}

/** The instant `requeueAfterMs` after `now`, as the controller will come back; null when it will not. */
const wakeAt = (requeueAfterMs: number | undefined, now: string) =>
  requeueAfterMs === undefined ? null : new Date(Date.parse(now) + requeueAfterMs).toISOString();

function decide(c: Case): PlanDecision {
  const devices: TeamsDevice[] = [];
  if (c.device !== null) {
    const d = device({ firmware: '122.15.0.36', timeZone: 'Europe/Berlin', ...c.device });
    d.status = { ...d.status, ...c.status };
    devices.push(d);
  }
  const p: UpdatePlan = plan('p', { devices: { names: ['phone-1'] }, ...c.spec });
  p.metadata.generation = 1;
  if (c.previous) p.status = c.previous;
  return decidePlanStatus({
    plan: p,
    devices,
    policies: indexPolicies([policy({ rolloutSpreadDays: 0, ...c.policy })]),
    catalog: catalog(...RELEASES.map(release)),
    now: at(c.now ?? NOW),
  });
}

const update = (state: InFlightUpdate['state'], source = 'UpdatePlan/p'): InFlightUpdate => ({
  commandId: 'c1',
  component: 'Firmware',
  version: '122.15.0.40',
  source,
  state,
  attempt: 1,
});

const finished = (result: 'Succeeded' | 'Failed', source = 'UpdatePlan/p') => ({
  component: 'Firmware' as const,
  from: '122.15.0.36',
  to: '122.15.0.40',
  source,
  result,
  finishedAt: '2026-11-20T11:00:00Z',
});

const previousRow = (row: Partial<PlanDeviceRow>): UpdatePlanStatus => ({
  observedGeneration: 1,
  devices: [
    {
      device: 'phone-1',
      component: 'Firmware',
      currentVersion: '122.15.0.36',
      newVersion: '122.15.0.40',
      effectiveAt: '2026-11-20T10:00:00Z',
      state: 'Pending',
      ...row,
    },
  ],
});

describe('core/plan: UpdatePlan rows from device status', () => {
  const cases: Array<Case & { want: Partial<PlanDeviceRow>; phase: string }> = [
    {
      name: 'should show an immediate row due now as Pending, effective now',
      want: { state: 'Pending', newVersion: '122.15.0.40', effectiveAt: NOW },
      phase: 'Pending',
    },
    {
      name: 'should keep the instant a row first became due instead of moving it to now',
      previous: previousRow({}),
      want: { state: 'Pending', effectiveAt: '2026-11-20T10:00:00Z' },
      phase: 'Pending',
    },
    {
      name: 'should take the state of the update in flight for this plan',
      status: { update: update('Downloading') },
      want: { state: 'Downloading', newVersion: '122.15.0.40' },
      phase: 'InProgress',
    },
    {
      name: 'should ignore an automatic update in flight: it is not this plan',
      status: { update: update('Installing', 'Auto') },
      want: { state: 'Pending' },
      phase: 'Pending',
    },
    {
      name: 'should show a retry waiting as Scheduled',
      status: { update: update('Scheduled'), history: [finished('Failed')] },
      previous: previousRow({ state: 'Sent' }),
      want: { state: 'Scheduled', reason: 'UpdateScheduled' },
      phase: 'InProgress',
    },
    {
      name: 'should show Succeeded from the newest history entry of a row the plan was running',
      device: { firmware: '122.15.0.40' },
      status: { history: [finished('Succeeded'), finished('Failed')] },
      previous: previousRow({ state: 'Installing' }),
      want: { state: 'Succeeded', currentVersion: '122.15.0.40', newVersion: '122.15.0.40' },
      phase: 'Succeeded',
    },
    {
      name: 'should show Failed when the last attempt failed and nothing is in flight',
      status: { history: [finished('Failed')] },
      previous: previousRow({ state: 'Sent' }),
      want: { state: 'Failed' },
      phase: 'Failed',
    },
    {
      name: 'should not adopt the history of an earlier plan of the same name: UpToDate, nothing sent',
      device: { firmware: '122.15.0.40' },
      status: { history: [finished('Succeeded')] },
      want: { state: 'Skipped', reason: 'UpToDate', newVersion: '122.15.0.40' },
      phase: 'Succeeded',
    },
    {
      name: 'should not count a failure of an earlier plan of the same name against a new one',
      status: { history: [finished('Failed')] },
      want: { state: 'Pending' },
      phase: 'Pending',
    },
    {
      name: 'should skip a downgrade with DowngradeRequiresFactoryReset',
      device: { firmware: '122.15.0.40' },
      spec: { updates: [{ component: 'Firmware', version: '122.15.0.36' }] },
      want: { state: 'Skipped', reason: 'DowngradeRequiresFactoryReset', newVersion: '122.15.0.36' },
      phase: 'Failed',
    },
    {
      name: 'should skip a version that is not Verified with NotVerified',
      spec: { updates: [{ component: 'Firmware', version: '122.15.0.39' }] },
      want: { state: 'Skipped', reason: 'NotVerified' },
      phase: 'Failed',
    },
    {
      name: 'should schedule a release that is not out yet for its release date',
      spec: { updates: [{ component: 'Firmware', version: '122.15.0.50' }] },
      want: { state: 'Scheduled', reason: 'NotReleased', effectiveAt: '2026-12-24T00:00:00Z' },
      phase: 'Scheduled',
    },
    {
      name: 'should keep rows of a suspended plan Pending with the reason Suspended',
      spec: { suspend: true },
      want: { state: 'Pending', reason: 'Suspended' },
      phase: 'Pending',
    },
    {
      name: 'should keep a row Pending while the device has not reported its version',
      device: { firmware: null },
      want: { state: 'Pending', reason: 'VersionUnknown' },
      phase: 'Pending',
    },
    {
      name: 'should skip every row in GCC-High with RemoteUpdateUnavailable',
      policy: { cloud: 'GCCHigh' },
      want: { state: 'Skipped', reason: 'RemoteUpdateUnavailable' },
      phase: 'Failed',
    },
    {
      name: 'should skip a named device that does not exist',
      device: null,
      want: { state: 'Skipped', reason: 'DeviceNotFound' },
      phase: 'Failed',
    },
    {
      name: 'should schedule a plan at its local time, in UTC, across the spring-forward gap',
      spec: { schedule: { at: '2027-03-28T02:30:00', timeZone: 'Europe/Berlin' } },
      policy: LATE_AUTOMATIC,
      now: '2027-03-20T12:00:00Z',
      want: { state: 'Scheduled', effectiveAt: '2027-03-28T01:00:00Z' },
      phase: 'Scheduled',
    },
    {
      name: 'should apply a scheduled firmware row at the automatic time when that comes first (rule 8)',
      spec: { schedule: { at: '2026-12-05T22:00:00', timeZone: 'Europe/Berlin' } },
      want: { state: 'Scheduled', effectiveAt: '2026-12-02T00:00:00Z' },
      phase: 'Scheduled',
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const { status } = decide(c);
      expect(status.devices).to.have.length(1);
      expect(status.devices?.[0]).to.include(c.want);
      if (!('reason' in c.want)) expect(status.devices?.[0]?.reason).to.equal(undefined);
      expect(status.phase).to.equal(c.phase);
    });
  }
});

describe('core/plan: plan phase, summary, conditions and events', () => {
  it('should count rows and derive the phase from them', () => {
    const row = (state: PlanDeviceRow['state'], reason?: string): PlanDeviceRow => ({
      device: 'd',
      component: 'Firmware',
      state,
      ...(reason ? { reason } : {}),
    });
    const table: Array<[PlanDeviceRow[], string]> = [
      [[], 'Pending'],
      [[row('Pending'), row('Scheduled')], 'Pending'],
      [[row('Scheduled')], 'Scheduled'],
      [[row('Succeeded'), row('Scheduled')], 'InProgress'],
      [[row('Succeeded'), row('Pending')], 'InProgress'],
      [[row('Installing'), row('Scheduled')], 'InProgress'],
      [[row('Succeeded'), row('Skipped', 'UpToDate')], 'Succeeded'],
      [[row('Skipped', 'UpToDate')], 'Succeeded'],
      [[row('Succeeded'), row('Failed')], 'PartiallyFailed'],
      [[row('Succeeded'), row('Skipped', 'NotVerified')], 'PartiallyFailed'],
      [[row('Failed'), row('Skipped', 'NotVerified')], 'Failed'],
    ];
    for (const [rows, phase] of table) {
      expect(planPhase(countRows(rows)), rows.map((r) => r.state).join(',')).to.equal(phase);
    }
  });

  it('should give scheduledFor in UTC and ask to be woken then', () => {
    const { status, requeueAfterMs } = decide({
      name: '',
      spec: { schedule: { at: '2026-12-05T22:00:00', timeZone: 'Europe/Berlin' } },
      policy: LATE_AUTOMATIC,
    });
    expect(status.scheduledFor).to.equal('2026-12-05T21:00:00Z');
    expect(wakeAt(requeueAfterMs, NOW)).to.equal('2026-12-05T21:00:00.000Z');
  });

  it('should give an immediate plan the instant it was first seen as scheduledFor, and keep it', () => {
    expect(decide({ name: '' }).status.scheduledFor).to.equal(NOW);
    const later = decide({
      name: '',
      previous: { ...previousRow({}), scheduledFor: '2026-11-20T10:00:00Z' },
    });
    expect(later.status.scheduledFor).to.equal('2026-11-20T10:00:00Z');
    expect(later.requeueAfterMs).to.equal(undefined);
  });

  it('should summarize rows and say when nothing needs sending', () => {
    const { status } = decide({ name: '', device: { firmware: '122.15.0.40' } });
    expect(status.summary).to.deep.equal({ total: 1, succeeded: 0, failed: 0, skipped: 1 });
    const ready = status.conditions?.find((c) => c.type === 'Ready');
    expect(ready).to.include({ status: 'True', reason: 'UpToDate', observedGeneration: 1 });
    expect(ready?.message).to.match(/nothing is sent/);
  });

  it('should report an invalid schedule zone in Ready and wait instead of failing', () => {
    const { status } = decide({
      name: '',
      spec: { schedule: { at: '2026-12-05T22:00:00', timeZone: 'Europe/Atlantis' } },
    });
    expect(status.phase).to.equal('Pending');
    expect(status.conditions?.find((c) => c.type === 'Ready')).to.include({
      status: 'False',
      reason: 'InvalidSchedule',
    });
  });

  it('should say NoDevices when nothing is selected', () => {
    const { status } = decide({ name: '', device: { name: 'other' } });
    expect(status.devices?.[0]).to.include({ device: 'phone-1', reason: 'DeviceNotFound' });
    const none = decidePlanStatus({
      plan: plan('p', { devices: { selector: { matchLabels: { site: 'nowhere' } } } }),
      devices: [device()],
      policies: indexPolicies([]),
      catalog: catalog(),
      now: at(NOW),
    });
    expect(none.status.phase).to.equal('Pending');
    expect(none.status.conditions?.find((c) => c.type === 'Ready')).to.include({
      status: 'False',
      reason: 'NoDevices',
    });
  });

  it('should say RemoteUpdateAvailable False in GCC-High, and True elsewhere', () => {
    const gcch = decide({ name: '', policy: { cloud: 'GCCHigh' } }).status.conditions;
    expect(gcch?.find((c) => c.type === 'RemoteUpdateAvailable')).to.include({
      status: 'False',
      reason: 'RemoteUpdateUnavailable',
    });
    const commercial = decide({ name: '' }).status.conditions;
    expect(commercial?.find((c) => c.type === 'RemoteUpdateAvailable')).to.include({ status: 'True' });
  });

  it('should add a Suspended condition while suspended and turn it False once resumed', () => {
    const suspended = decide({ name: '', spec: { suspend: true } }).status;
    expect(suspended.conditions?.find((c) => c.type === 'Suspended')).to.include({ status: 'True' });
    const resumed = decide({ name: '', previous: suspended }).status;
    expect(resumed.conditions?.find((c) => c.type === 'Suspended')).to.include({
      status: 'False',
      reason: 'Resumed',
    });
    expect(decide({ name: '' }).status.conditions?.some((c) => c.type === 'Suspended')).to.equal(false);
  });

  it('should ask for an Event on a phase transition only', () => {
    const first = decide({ name: '' });
    expect(first.events).to.deep.equal([
      {
        type: 'Normal',
        reason: 'Pending',
        message: `phase Pending: ${first.status.conditions?.[0]?.message}`,
      },
    ]);
    expect(decide({ name: '', previous: first.status }).events).to.deep.equal([]);
    const failed = decide({
      name: '',
      previous: { ...first.status, ...previousRow({ state: 'Sent' }) },
      status: { history: [finished('Failed')] },
    });
    expect(failed.status.phase).to.equal('Failed');
    expect(failed.events.map((e) => [e.type, e.reason])).to.deep.equal([['Warning', 'Failed']]);
  });

  it('should keep lastTransitionTime of a condition whose status does not change', () => {
    const first = decide({ name: '', now: '2026-11-20T12:00:00Z' });
    const again = decide({ name: '', previous: first.status, now: '2026-11-20T13:00:00Z' });
    expect(again.status.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime).to.equal(
      '2026-11-20T12:00:00Z',
    );
  });
});
