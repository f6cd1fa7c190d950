// "rule N" in these test names is rule N of src/core/rules/README.md.
import { expect } from 'chai';
import type {
  HistoryEntry,
  InFlightUpdate,
  TeamsDeviceStatus,
} from '../../../src/api/v1alpha1/teamsdevice.js';
import type { UpdatePlan, UpdatePlanSpec } from '../../../src/api/v1alpha1/updateplan.js';
import type { UpdatePolicySpec } from '../../../src/api/v1alpha1/updatepolicy.js';
import { commandId } from '../../../src/core/device/command-id.js';
import {
  type DeviceDecision,
  type DeviceDecisionOptions,
  type DeviceObservation,
  decideDevice,
  type ObservedCommandEvent,
} from '../../../src/core/device/decide.js';
import { buildCatalog } from '../../../src/core/rules/catalog.js';
import { planTimeline } from '../../../src/core/rules/timeline.js';
import type { Condition } from '../../../src/core/shared/conditions.js';
import { toIsoSeconds } from '../../../src/core/shared/instant.js';
import {
  at,
  type DeviceOptions,
  device,
  plan,
  policy,
  policySpec,
  type ReleaseOptions,
  release,
} from '../fixtures.js';

const R36: ReleaseOptions = { version: '122.15.0.36', releaseDate: '2026-09-01T10:00:00Z' };
/** Monday 2026-11-02, 11:00 in Berlin: inside business hours. */
const R40: ReleaseOptions = { version: '122.15.0.40', releaseDate: '2026-11-02T10:00:00Z' };
const R44: ReleaseOptions = { version: '122.15.0.44', releaseDate: '2027-01-04T10:00:00Z' };
const UNKNOWN_99: ReleaseOptions = {
  version: '122.15.0.99',
  releaseDate: '2026-10-01T00:00:00Z',
  verification: 'Unknown',
};
const APP: ReleaseOptions = {
  component: 'TeamsApp',
  version: '1452/1.0.94.2023080101',
  releaseDate: '2026-08-01T00:00:00Z',
};
const RELEASES = [R36, R40, APP];
const BERLIN: DeviceOptions = { name: 'phone-1', phase: 'Test', timeZone: 'Europe/Berlin' };
const NO_SPREAD: Partial<UpdatePolicySpec> = { rolloutSpreadDays: 0 };
const ID = 'phone-1';

interface Setup {
  device?: DeviceOptions;
  status?: Partial<TeamsDeviceStatus>;
  policy?: Partial<UpdatePolicySpec>;
  releases?: ReleaseOptions[];
  plans?: Array<[string, Partial<UpdatePlanSpec>]>;
  /** null: nothing heard from the device. Default online. */
  online?: boolean | null;
  firmware?: string;
  event?: ObservedCommandEvent;
  slot?: boolean;
  /** When the device sent its state; default now. */
  seenAt?: string;
  delivery?: { lastSentAt?: Date; failed?: boolean };
  options?: DeviceDecisionOptions;
  now: string;
}

function plansOf(setup: Setup): UpdatePlan[] {
  return (setup.plans ?? []).map(([name, spec]) => plan(name, { devices: { names: [ID] }, ...spec }));
}

function observation(
  setup: Setup,
  firmware = setup.firmware ?? '122.15.0.36',
): DeviceObservation | undefined {
  if (setup.online === null) return undefined;
  return {
    online: setup.online ?? true,
    manufacturer: 'Yealink',
    model: 'MP56',
    firmwareVersion: firmware,
    teamsAppVersion: '1449/1.0.94.2023071702',
    autoUpdateSupported: true,
    ts: setup.seenAt ?? setup.now,
  };
}

function decide(setup: Setup): DeviceDecision {
  const d = device({ ...BERLIN, ...setup.device });
  d.metadata.generation = 3;
  if (setup.status) d.status = { ...d.status, ...setup.status };
  return decideDevice({
    device: d,
    observed: observation(setup),
    catalog: buildCatalog((setup.releases ?? RELEASES).map(release)),
    policy: policySpec({ ...NO_SPREAD, ...setup.policy }),
    plans: plansOf(setup),
    event: setup.event,
    slotAvailable: setup.slot ?? true,
    delivery: setup.delivery,
    now: at(setup.now),
    ...(setup.options ? { options: setup.options } : {}),
  });
}

const sent = (d: DeviceDecision) =>
  d.send
    ? `${d.send.component} ${d.send.version} [${d.send.source}] attempt ${d.send.attempt}${d.send.resend ? ' again' : ''}`
    : null;
const wakeAt = (d: DeviceDecision, now: string) =>
  d.requeueAfterMs === undefined ? null : new Date(Date.parse(now) + d.requeueAfterMs).toISOString();
const condition = (d: DeviceDecision, type: string) => d.status.conditions?.find((c) => c.type === type);
const reason = (d: DeviceDecision, type: string) => condition(d, type)?.reason;

function inFlight(
  state: InFlightUpdate['state'],
  o: Partial<InFlightUpdate> & { startedAt?: string } = {},
): InFlightUpdate {
  const version = o.version ?? '122.15.0.40';
  const attempt = o.attempt ?? 1;
  return {
    commandId: commandId(ID, 'Firmware', version, attempt),
    component: 'Firmware',
    version,
    source: 'Auto',
    state,
    attempt,
    startedAt: '2026-11-02T17:00:00Z',
    ...o,
  };
}

const failed = (finishedAt: string, source = 'Auto', to = '122.15.0.40'): HistoryEntry => ({
  component: 'Firmware',
  from: '122.15.0.36',
  to,
  source,
  result: 'Failed',
  finishedAt,
});

const ev = (
  state: ObservedCommandEvent['state'],
  o: Partial<ObservedCommandEvent> = {},
): ObservedCommandEvent => ({
  commandId: commandId(ID, 'Firmware', '122.15.0.40', 1),
  state,
  ts: '2026-11-02T17:01:00Z',
  ...o,
});

describe('decideDevice: what starts when', () => {
  interface Case {
    name: string;
    setup: Setup;
    send: string | null;
    wake?: string | null;
    updating?: string;
  }
  const cases: Case[] = [
    {
      name: 'should start the automatic update in Berlin at 18:00, the end of business hours',
      setup: { now: '2026-11-02T17:00:00Z' },
      send: 'Firmware 122.15.0.40 [Auto] attempt 1',
      wake: '2026-11-02T17:05:00.000Z', // resend check; the timeout comes later
      updating: 'Sent',
    },
    {
      name: 'should not start inside business hours, and wake at their end',
      setup: { now: '2026-11-02T12:00:00Z' },
      send: null,
      wake: '2026-11-02T17:00:00.000Z',
      updating: 'Idle',
    },
    {
      name: 'should not start in Berlin at 17:59:59 local time',
      setup: { now: '2026-11-02T16:59:59Z' },
      send: null,
      wake: '2026-11-02T17:00:00.000Z',
    },
    {
      name: 'should start a missed automatic update at once before business hours the next morning',
      setup: { now: '2026-11-03T05:30:00Z' }, // 06:30 CET
      send: 'Firmware 122.15.0.40 [Auto] attempt 1',
    },
    {
      name: 'should move a missed automatic update to the end of business hours when the device is back at 10:00',
      setup: { now: '2026-11-03T09:00:00Z' },
      send: null,
      wake: '2026-11-03T17:00:00.000Z',
    },
    {
      name: 'should start automatically in New York at 18:00 EST, the day after clocks fell back',
      setup: { device: { timeZone: 'America/New_York' }, now: '2026-11-02T23:00:00Z' },
      send: 'Firmware 122.15.0.40 [Auto] attempt 1',
    },
    {
      name: 'should not start in New York at 17:00 EST',
      setup: { device: { timeZone: 'America/New_York' }, now: '2026-11-02T22:00:00Z' },
      send: null,
      wake: '2026-11-02T23:00:00.000Z',
    },
    {
      name: 'should wait through a blackout and wake at the local midnight after it',
      setup: {
        policy: { blackouts: [{ from: '2026-11-02', to: '2026-11-04' }] },
        now: '2026-11-02T17:00:00Z',
      },
      send: null,
      wake: '2026-11-04T23:00:00.000Z',
    },
    {
      name: 'should not send to an offline device, and wait for it without a timer',
      setup: { online: false, now: '2026-11-02T17:00:00Z' },
      send: null,
      wake: null,
      updating: 'WaitingForDevice',
    },
    {
      name: 'should not send to a device never heard from',
      setup: { online: null, now: '2026-11-02T17:00:00Z' },
      send: null,
      updating: 'WaitingForDevice',
    },
    {
      name: 'should not start without a concurrency slot',
      setup: { slot: false, now: '2026-11-02T17:00:00Z' },
      send: null,
      wake: null,
      updating: 'WaitingForSlot',
    },
    {
      name: 'should start an immediate plan at once, even inside business hours (rule 9)',
      setup: { device: { phase: 'Final' }, plans: [['now', {}]], now: '2026-11-02T12:00:00Z' },
      send: 'Firmware 122.15.0.40 [UpdatePlan/now] attempt 1',
    },
    {
      name: 'should start a scheduled plan at its local time in Tokyo, not before',
      setup: {
        device: { phase: 'Final' },
        plans: [['tokyo', { schedule: { at: '2026-11-05T10:00:00', timeZone: 'Asia/Tokyo' } }]],
        now: '2026-11-04T12:00:00Z',
      },
      send: null,
      wake: '2026-11-05T01:00:00.000Z',
    },
    {
      name: 'should start a scheduled plan at its time, inside business hours',
      setup: {
        device: { phase: 'Final' },
        plans: [['tokyo', { schedule: { at: '2026-11-05T10:00:00', timeZone: 'Asia/Tokyo' } }]],
        now: '2026-11-05T01:00:00Z',
      },
      send: 'Firmware 122.15.0.40 [UpdatePlan/tokyo] attempt 1',
    },
    {
      name: 'should send one command, from the plan, when a plan and the automatic update install the same version',
      setup: { plans: [['now', {}]], now: '2026-11-02T17:00:00Z' },
      send: 'Firmware 122.15.0.40 [UpdatePlan/now] attempt 1',
    },
    {
      name: 'should update the Teams app only by a plan (rule 12)',
      setup: {
        device: { phase: 'Final' },
        plans: [['app', { updates: [{ component: 'TeamsApp' }] }]],
        now: '2026-11-02T12:00:00Z',
      },
      send: 'TeamsApp 1452/1.0.94.2023080101 [UpdatePlan/app] attempt 1',
    },
    {
      name: 'should never downgrade, whatever a plan asks',
      setup: {
        device: { phase: 'Final' },
        firmware: '122.15.0.40',
        plans: [['old', { updates: [{ component: 'Firmware', version: '122.15.0.36' }] }]],
        now: '2026-11-02T12:00:00Z',
      },
      send: null,
    },
    {
      name: 'should never install an Unknown version, whatever a plan asks',
      setup: {
        device: { phase: 'Final' },
        releases: [...RELEASES, UNKNOWN_99],
        plans: [['unknown', { updates: [{ component: 'Firmware', version: '122.15.0.99' }] }]],
        now: '2026-11-02T12:00:00Z',
      },
      send: null,
    },
    {
      name: 'should send nothing at all in GCC-High, not even a plan',
      setup: { policy: { cloud: 'GCCHigh' }, plans: [['now', {}]], now: '2026-11-02T17:00:00Z' },
      send: null,
      wake: null,
    },
    {
      name: 'should update a device running unknown firmware only by a plan',
      setup: {
        firmware: '122.15.0.99',
        releases: [...RELEASES, UNKNOWN_99],
        plans: [['fix', { updates: [{ component: 'Firmware', version: '122.15.0.40' }] }]],
        now: '2026-11-02T12:00:00Z',
      },
      send: null, // 122.15.0.40 is older than the unknown 122.15.0.99: a downgrade
    },
    {
      name: 'should not start a second update while one is in flight',
      setup: {
        status: { update: inFlight('Downloading') },
        event: ev('downloading'),
        plans: [['app', { updates: [{ component: 'TeamsApp' }] }]],
        now: '2026-11-02T17:02:00Z',
      },
      send: null,
      wake: '2026-11-02T19:00:00.000Z', // the timeout of the update in flight
      updating: 'Downloading',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const d = decide(c.setup);
      expect(sent(d)).to.equal(c.send);
      if (c.wake !== undefined) expect(wakeAt(d, c.setup.now)).to.equal(c.wake);
      if (c.updating) expect(reason(d, 'Updating')).to.equal(c.updating);
      if (d.send) {
        expect(d.status.update).to.include({
          state: 'Sent',
          commandId: d.send.commandId,
          startedAt: toIsoSeconds(at(c.setup.now)),
        });
        expect(d.inFlight).to.equal(true);
        // The start is no Event: status.update, the Updating condition, the log and the metric show it.
        expect(d.events.filter((e) => e.reason.startsWith('Update'))).to.deep.equal([]);
      }
    });
  }

  it('should give the command the deterministic id of (deviceId, component, version, attempt)', () => {
    const d = decide({ device: { deviceId: 'rm-101-phone' }, now: '2026-11-02T17:00:00Z' });
    expect(d.send?.commandId).to.equal(commandId('rm-101-phone', 'Firmware', '122.15.0.40', 1));
    expect(d.send?.artifact.url).to.equal('https://firmware.example.com/122.15.0.40.rom');
  });
});

describe('decideDevice: the update in flight', () => {
  interface Case {
    name: string;
    setup: Setup;
    state: string | null; // status.update.state
    history?: string[]; // 'result to [source]'
    send?: string | null;
    wake?: string | null;
    events?: string[];
    /** The message of the first Event. */
    message?: RegExp;
    /** status.update.progress (undefined: none). */
    progress?: number;
  }
  const cases: Case[] = [
    {
      name: 'should move Sent to Downloading on a downloading event, with its progress percentage',
      setup: {
        status: { update: inFlight('Sent') },
        event: ev('downloading', { progress: 40 }),
        now: '2026-11-02T17:01:00Z',
      },
      state: 'Downloading',
      wake: '2026-11-02T19:00:00.000Z',
      events: [],
      progress: 40,
    },
    {
      name: 'should drop the download percentage once the device installs',
      setup: {
        status: { update: inFlight('Downloading', { progress: 90 }) },
        event: ev('installing'),
        now: '2026-11-02T17:01:00Z',
      },
      state: 'Installing',
    },
    {
      name: 'should round a reported percentage and keep it within 0 to 100',
      setup: {
        status: { update: inFlight('Installing', { progress: 10 }) },
        event: ev('installing', { progress: 66.6 }),
        now: '2026-11-02T17:01:00Z',
      },
      state: 'Installing',
      progress: 67,
    },
    {
      name: 'should stay Sent on an accepted event',
      setup: { status: { update: inFlight('Sent') }, event: ev('accepted'), now: '2026-11-02T17:01:00Z' },
      state: 'Sent',
    },
    {
      name: 'should never go back from Installing to Downloading, nor show its percentage',
      setup: {
        status: { update: inFlight('Installing') },
        event: ev('downloading', { progress: 50 }),
        now: '2026-11-02T17:01:00Z',
      },
      state: 'Installing',
    },
    {
      name: 'should ignore the event of another command',
      setup: {
        status: { update: inFlight('Sent') },
        event: ev('failed', { commandId: 'another' }),
        delivery: { lastSentAt: at('2026-11-02T17:00:00Z') },
        now: '2026-11-02T17:01:00Z',
      },
      state: 'Sent',
    },
    {
      name: 'should finish Succeeded when the device says so, with a history entry',
      setup: {
        status: { update: inFlight('Installing') },
        event: ev('succeeded'),
        now: '2026-11-02T17:04:00Z',
      },
      state: null,
      history: ['Succeeded 122.15.0.36 -> 122.15.0.40 [Auto] at 2026-11-02T17:04:00Z'],
      events: ['UpdateSucceeded'],
    },
    {
      name: 'should finish Succeeded when the device reports the new version, even before the event',
      setup: {
        status: { update: inFlight('Installing') },
        firmware: '122.15.0.40',
        now: '2026-11-02T17:04:00Z',
      },
      state: null,
      history: ['Succeeded 122.15.0.36 -> 122.15.0.40 [Auto] at 2026-11-02T17:04:00Z'],
    },
    {
      name: 'should fail an automatic attempt and retry it after the backoff, outside business hours',
      setup: {
        status: { update: inFlight('Installing') },
        event: ev('failed', { message: 'sha256 mismatch' }),
        now: '2026-11-02T17:10:00Z',
      },
      state: 'Scheduled',
      history: ['Failed 122.15.0.36 -> 122.15.0.40 [Auto] at 2026-11-02T17:10:00Z'],
      wake: '2026-11-02T18:10:00.000Z',
      events: ['UpdateFailed'],
      message: /failed after 10m0s .*: sha256 mismatch; attempt 2 of 3: retry at 2026-11-02T18:10:00Z$/,
    },
    {
      name: 'should move an automatic retry whose backoff ends in business hours to their end (rule 11)',
      setup: {
        status: { update: inFlight('Installing', { startedAt: '2026-11-03T06:00:00Z' }) },
        event: ev('failed'),
        now: '2026-11-03T06:30:00Z', // 07:30 CET; +60 min is inside business hours
      },
      state: 'Scheduled',
      wake: '2026-11-03T17:00:00.000Z',
    },
    {
      name: 'should retry a plan row after the backoff, inside business hours (rule 9)',
      setup: {
        device: { phase: 'Final' },
        plans: [['now', {}]],
        status: {
          update: inFlight('Installing', { source: 'UpdatePlan/now', startedAt: '2026-11-03T06:00:00Z' }),
        },
        event: ev('failed'),
        now: '2026-11-03T06:30:00Z',
      },
      state: 'Scheduled',
      wake: '2026-11-03T07:30:00.000Z',
    },
    {
      name: 'should start the retry as attempt 2 with a new command id once the backoff is over',
      setup: { status: { history: [failed('2026-11-02T17:10:00Z')] }, now: '2026-11-02T18:10:00Z' },
      state: 'Sent',
      send: 'Firmware 122.15.0.40 [Auto] attempt 2',
    },
    {
      name: 'should keep a retry waiting during the backoff',
      setup: { status: { history: [failed('2026-11-02T17:10:00Z')] }, now: '2026-11-02T17:40:00Z' },
      state: 'Scheduled',
      send: null,
      wake: '2026-11-02T18:10:00.000Z',
    },
    {
      name: 'should give up after retry.maxAttempts failures in a row',
      setup: {
        status: {
          update: inFlight('Installing', { attempt: 3, startedAt: '2026-11-02T19:00:00Z' }),
          history: [failed('2026-11-02T18:10:00Z'), failed('2026-11-02T17:10:00Z')],
        },
        event: ev('failed', { commandId: commandId(ID, 'Firmware', '122.15.0.40', 3) }),
        now: '2026-11-02T19:10:00Z',
      },
      state: null,
      send: null,
      wake: null,
      events: ['UpdateFailed', 'AutoUpdateBlocked'],
      message:
        /\(Auto, attempt 3\) failed after 10m0s .*; failed 3 times in a row: giving up \(retry.maxAttempts 3\)$/,
    },
    {
      name: 'should let a plan install a version automatic updates gave up on, with a new command id',
      setup: {
        device: { phase: 'Final' },
        plans: [['force', {}]],
        status: {
          history: [
            failed('2026-11-02T19:10:00Z'),
            failed('2026-11-02T18:10:00Z'),
            failed('2026-11-02T17:10:00Z'),
          ],
        },
        now: '2026-11-03T09:00:00Z',
      },
      state: 'Sent',
      send: 'Firmware 122.15.0.40 [UpdatePlan/force] attempt 4',
    },
    {
      name: 'should count a rejection as a failed attempt',
      setup: {
        status: { update: inFlight('Sent') },
        event: ev('rejected', { message: 'device is offline' }),
        now: '2026-11-02T17:01:00Z',
      },
      state: 'Scheduled',
      history: ['Failed 122.15.0.36 -> 122.15.0.40 [Auto] at 2026-11-02T17:01:00Z'],
    },
    {
      name: 'should fail an attempt with no result after updateTimeoutMinutes',
      setup: { status: { update: inFlight('Downloading') }, now: '2026-11-02T19:00:00Z' },
      state: 'Scheduled',
      history: ['Failed 122.15.0.36 -> 122.15.0.40 [Auto] at 2026-11-02T19:00:00Z'],
      wake: '2026-11-02T20:00:00.000Z',
    },
    {
      name: 'should send a command again under the same id when nothing was heard for 5 minutes',
      setup: {
        status: { update: inFlight('Sent') },
        delivery: { lastSentAt: at('2026-11-02T17:00:00Z') },
        now: '2026-11-02T17:05:00Z',
      },
      state: 'Sent',
      send: 'Firmware 122.15.0.40 [Auto] attempt 1 again',
      wake: '2026-11-02T17:10:00.000Z',
      events: [],
    },
    {
      name: 'should not send a command again within 5 minutes',
      setup: {
        status: { update: inFlight('Sent') },
        delivery: { lastSentAt: at('2026-11-02T17:03:00Z') },
        now: '2026-11-02T17:05:00Z',
      },
      state: 'Sent',
      send: null,
      wake: '2026-11-02T17:08:00.000Z',
    },
    {
      name: 'should send again after a restart only once startedAt is 5 minutes old',
      setup: {
        status: { update: inFlight('Sent', { startedAt: '2026-11-02T17:00:00Z' }) },
        now: '2026-11-02T17:02:00Z',
      },
      state: 'Sent',
      send: null,
      wake: '2026-11-02T17:05:00.000Z',
    },
    {
      name: 'should send a Downloading command again after a restart that lost its events',
      setup: {
        status: { update: inFlight('Downloading', { startedAt: '2026-11-02T17:00:00Z' }) },
        now: '2026-11-02T17:05:00Z',
      },
      state: 'Downloading',
      send: 'Firmware 122.15.0.40 [Auto] attempt 1 again',
    },
    {
      name: 'should not send a Downloading command again while its events come',
      setup: {
        status: { update: inFlight('Downloading', { startedAt: '2026-11-02T17:00:00Z' }) },
        event: ev('downloading'),
        now: '2026-11-02T17:30:00Z',
      },
      state: 'Downloading',
      send: null,
      wake: '2026-11-02T19:00:00.000Z',
    },
    {
      name: 'should send again at once when handing the command to the transport failed',
      setup: {
        status: { update: inFlight('Sent') },
        delivery: { failed: true },
        now: '2026-11-02T17:00:01Z',
      },
      state: 'Sent',
      send: 'Firmware 122.15.0.40 [Auto] attempt 1 again',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const d = decide(c.setup);
      expect(d.status.update?.state ?? null).to.equal(c.state);
      if (c.history) {
        expect(
          (d.status.history ?? [])
            .slice(0, c.history.length)
            .map((h) => `${h.result} ${h.from} -> ${h.to} [${h.source}] at ${h.finishedAt}`),
        ).to.deep.equal(c.history);
      }
      if (c.send !== undefined) expect(sent(d)).to.equal(c.send);
      if (c.wake !== undefined) expect(wakeAt(d, c.setup.now)).to.equal(c.wake);
      if (c.events) expect(d.events.map((e) => e.reason)).to.deep.equal(c.events);
      if (c.message) expect(d.events[0]?.message).to.match(c.message);
      expect(d.status.update?.progress).to.equal(c.progress);
      expect(d.inFlight).to.equal(['Sent', 'Downloading', 'Installing'].includes(c.state ?? ''));
    });
  }

  it('should keep at most 10 history entries, newest first', () => {
    const history = Array.from({ length: 10 }, (_, i) => ({
      ...failed(`2026-10-0${(i % 9) + 1}T00:00:00Z`, 'UpdatePlan/old', `122.15.0.${10 + i}`),
    }));
    const d = decide({
      status: { update: inFlight('Installing'), history },
      event: ev('succeeded'),
      now: '2026-11-02T17:04:00Z',
    });
    expect(d.status.history).to.have.length(10);
    expect(d.status.history?.[0]?.result).to.equal('Succeeded');
  });
});

describe('decideDevice: progress writes', () => {
  /** The status written when the automatic update started at 17:00:00 (Sent). */
  const sentAt1700 = () => {
    const d = decide({ now: '2026-11-02T17:00:00Z' });
    expect(d.status.update).to.include({ state: 'Sent', startedAt: '2026-11-02T17:00:00Z' });
    return d.status;
  };
  const progress = (d: DeviceDecision) =>
    `${d.status.update?.state} ${d.status.update?.progressAt ?? '-'} ${reason(d, 'Updating')}`;

  it('should write nothing when the only change is progress inside the interval, and wake at its end', () => {
    const status = sentAt1700();
    const d = decide({ status, event: ev('downloading', { progress: 40 }), now: '2026-11-02T17:00:10Z' });
    expect(d.status).to.deep.equal(status);
    expect(progress(d)).to.equal('Sent - Sent');
    expect(d.events).to.deep.equal([]);
    expect(d.inFlight).to.equal(true);
    // startedAt (the Sent write) + 30 s; the timeout (19:00) comes later.
    expect(wakeAt(d, '2026-11-02T17:00:10Z')).to.equal('2026-11-02T17:00:30.000Z');
  });

  it('should write the progress once the interval has passed since the Sent write, with progressAt', () => {
    const status = sentAt1700();
    const d = decide({ status, event: ev('downloading'), now: '2026-11-02T17:00:30Z' });
    expect(progress(d)).to.equal('Downloading 2026-11-02T17:00:30Z Downloading');
    expect(d.status.update?.startedAt).to.equal('2026-11-02T17:00:00Z');
    expect(wakeAt(d, '2026-11-02T17:00:30Z')).to.equal('2026-11-02T19:00:00.000Z');
  });

  it('should count the interval from progressAt, the last progress write', () => {
    const status = decide({
      status: sentAt1700(),
      event: ev('downloading'),
      now: '2026-11-02T17:00:30Z',
    }).status;
    const inside = decide({ status, event: ev('installing'), now: '2026-11-02T17:00:59Z' });
    expect(inside.status).to.deep.equal(status);
    expect(wakeAt(inside, '2026-11-02T17:00:59Z')).to.equal('2026-11-02T17:01:00.000Z');
    const at = decide({ status, event: ev('installing'), now: '2026-11-02T17:01:00Z' });
    expect(progress(at)).to.equal('Installing 2026-11-02T17:01:00Z Installing');
  });

  it('should write the final result at once, even inside the interval', () => {
    const d = decide({ status: sentAt1700(), event: ev('succeeded'), now: '2026-11-02T17:00:02Z' });
    expect(d.status.update).to.equal(null);
    expect(d.status.history?.[0]).to.include({ result: 'Succeeded', finishedAt: '2026-11-02T17:00:02Z' });
    expect(reason(d, 'Updating')).to.equal('Idle');
    expect(d.inFlight).to.equal(false);
  });

  it('should write a failure at once, even inside the interval', () => {
    const d = decide({
      status: sentAt1700(),
      event: ev('failed', { message: 'sha256 mismatch' }),
      now: '2026-11-02T17:00:02Z',
    });
    expect(d.status.update).to.include({ state: 'Scheduled', attempt: 2 });
    expect(d.status.history?.[0]).to.include({ result: 'Failed' });
  });

  it('should write a timeout at once, whatever the interval', () => {
    const d = decide({
      status: sentAt1700(),
      event: ev('downloading'),
      options: { progressIntervalMs: 24 * 3_600_000 },
      now: '2026-11-02T19:00:00Z',
    });
    expect(d.status.history?.[0]).to.include({ result: 'Failed' });
    expect(d.status.update).to.include({ state: 'Scheduled' });
  });

  it('should write the progress along with another change inside the interval', () => {
    // lastSeen is refreshed after 10 minutes: that write carries the progress too.
    const d = decide({
      status: sentAt1700(),
      event: ev('installing'),
      options: { progressIntervalMs: 3_600_000 },
      now: '2026-11-02T17:10:00Z',
    });
    expect(d.status.lastSeen).to.equal('2026-11-02T17:10:00Z');
    expect(progress(d)).to.equal('Installing 2026-11-02T17:10:00Z Installing');
  });

  it('should write every progress change with an interval of 0', () => {
    const status = sentAt1700();
    const options = { progressIntervalMs: 0 };
    const downloading = decide({ status, event: ev('downloading'), options, now: '2026-11-02T17:00:01Z' });
    expect(progress(downloading)).to.equal('Downloading 2026-11-02T17:00:01Z Downloading');
    const installing = decide({
      status: downloading.status,
      event: ev('installing'),
      options,
      now: '2026-11-02T17:00:02Z',
    });
    expect(progress(installing)).to.equal('Installing 2026-11-02T17:00:02Z Installing');
  });

  it('should write nothing and wake for nothing new when the progress did not change', () => {
    const status = decide({
      status: sentAt1700(),
      event: ev('downloading', { progress: 40 }),
      now: '2026-11-02T17:00:30Z',
    }).status;
    expect(status.update?.progress).to.equal(40);
    const d = decide({ status, event: ev('downloading', { progress: 40 }), now: '2026-11-02T17:00:40Z' });
    expect(d.status).to.deep.equal(status);
    expect(wakeAt(d, '2026-11-02T17:00:40Z')).to.equal('2026-11-02T19:00:00.000Z');
  });

  it('should hold a new percentage inside the interval and write it at its end', () => {
    const status = decide({
      status: sentAt1700(),
      event: ev('downloading', { progress: 40 }),
      now: '2026-11-02T17:00:30Z',
    }).status;
    const held = decide({ status, event: ev('downloading', { progress: 90 }), now: '2026-11-02T17:00:40Z' });
    expect(held.status).to.deep.equal(status);
    expect(wakeAt(held, '2026-11-02T17:00:40Z')).to.equal('2026-11-02T17:01:00.000Z');
    const written = decide({
      status,
      event: ev('downloading', { progress: 90 }),
      now: '2026-11-02T17:01:00Z',
    });
    expect(written.status.update).to.include({ progress: 90, progressAt: '2026-11-02T17:01:00Z' });
  });
});

describe('decideDevice: Events', () => {
  const idleAt1200 = () => decide({ now: '2026-11-02T12:00:00Z' }).status;

  it('should record one UpdateSucceeded per finished attempt, with its duration and start', () => {
    const d = decide({
      status: { update: inFlight('Installing', { startedAt: '2026-11-02T17:00:00Z' }) },
      event: ev('succeeded'),
      now: '2026-11-02T17:04:12Z',
    });
    expect(d.events).to.deep.equal([
      {
        type: 'Normal',
        reason: 'UpdateSucceeded',
        message:
          'Firmware 122.15.0.36 -> 122.15.0.40 (Auto, attempt 1) succeeded in 4m12s (started 2026-11-02T17:00:00Z): installed 122.15.0.40',
      },
    ]);
  });

  it('should record one Warning UpdateFailed that says when the retry comes', () => {
    const d = decide({
      status: { update: inFlight('Downloading', { startedAt: '2026-11-02T16:58:30Z' }) },
      event: ev('failed', { message: 'sha256 mismatch' }),
      now: '2026-11-02T18:01:35Z',
    });
    expect(d.events).to.deep.equal([
      {
        type: 'Warning',
        reason: 'UpdateFailed',
        message:
          'Firmware 122.15.0.36 -> 122.15.0.40 (Auto, attempt 1) failed after 1h3m5s (started 2026-11-02T16:58:30Z): sha256 mismatch; attempt 2 of 3: retry at 2026-11-02T19:01:35Z',
      },
    ]);
  });

  it('should say in the one UpdateFailed that the retry was sent at once when there is no backoff', () => {
    const d = decide({
      status: { update: inFlight('Installing') },
      event: ev('failed', { message: 'install failed' }),
      policy: { retry: { maxAttempts: 3, backoffMinutes: 0 } },
      now: '2026-11-02T17:03:00Z',
    });
    expect(sent(d)).to.equal('Firmware 122.15.0.40 [Auto] attempt 2');
    expect(d.events.map((e) => `${e.type} ${e.reason}: ${e.message}`)).to.deep.equal([
      'Warning UpdateFailed: Firmware 122.15.0.36 -> 122.15.0.40 (Auto, attempt 1) failed after 3m0s (started 2026-11-02T17:00:00Z): install failed; attempt 2 of 3: sent now',
    ]);
  });

  it('should leave the duration out when the start is not known', () => {
    const d = decide({
      status: { update: inFlight('Installing', { startedAt: undefined }) },
      event: ev('succeeded', { message: 'done' }),
      now: '2026-11-02T17:04:00Z',
    });
    expect(d.events.map((e) => e.message)).to.deep.equal([
      'Firmware 122.15.0.36 -> 122.15.0.40 (Auto, attempt 1) succeeded: done',
    ]);
  });

  it('should record no Event while a due update waits for a concurrency slot', () => {
    const d = decide({ status: idleAt1200(), slot: false, now: '2026-11-02T17:00:00Z' });
    expect(reason(d, 'Updating')).to.equal('WaitingForSlot');
    expect(d.events).to.deep.equal([]);
  });

  it('should record UpdateWaiting when a due update waits for its device', () => {
    const d = decide({ status: idleAt1200(), online: false, now: '2026-11-02T17:00:00Z' });
    expect(reason(d, 'Updating')).to.equal('WaitingForDevice');
    expect(d.events.map((e) => `${e.type} ${e.reason}: ${e.message}`)).to.deep.equal([
      'Warning DeviceOffline: the device is disconnected',
      'Normal UpdateWaiting: Firmware 122.15.0.40 (Auto) is due: waiting for the device to come online',
    ]);
  });

  it('should record no Event when an update starts, and none while its progress comes', () => {
    const start = decide({ status: idleAt1200(), now: '2026-11-02T17:00:00Z' });
    expect(start.send).to.not.equal(undefined);
    expect(start.events).to.deep.equal([]);
    const progress = decide({
      status: start.status,
      event: ev('installing'),
      options: { progressIntervalMs: 0 },
      now: '2026-11-02T17:01:00Z',
    });
    expect(progress.status.update?.state).to.equal('Installing');
    expect(progress.events).to.deep.equal([]);
  });
});

describe('decideDevice: status and conditions', () => {
  it('should label unknown firmware Unknown and block automatic updates with UnknownFirmware', () => {
    const d = decide({ firmware: '122.15.0.37', now: '2026-11-02T17:00:00Z' });
    expect(d.status.firmwareVerification).to.equal('Unknown');
    expect(condition(d, 'AutoUpdateBlocked')).to.include({ status: 'True', reason: 'UnknownFirmware' });
    expect(d.send).to.equal(undefined);
    expect(d.events.map((e) => e.reason)).to.include('AutoUpdateBlocked');
  });

  it('should show no automatic time for a version automatic updates gave up on', () => {
    const d = decide({
      status: {
        history: [
          failed('2026-11-02T19:10:00Z'),
          failed('2026-11-02T18:10:00Z'),
          failed('2026-11-02T17:10:00Z'),
        ],
      },
      now: '2026-11-03T17:00:00Z',
    });
    expect(d.status.availableUpdates?.[0]).to.include({
      autoUpdateAt: null,
      blockedReason: 'RetriesExhausted',
    });
    expect(condition(d, 'AutoUpdateBlocked')).to.include({ status: 'True', reason: 'RetriesExhausted' });
    expect(d.requeueAfterMs).to.equal(undefined);
  });

  it('should not send a command again in GCC-High', () => {
    const d = decide({
      policy: { cloud: 'GCCHigh' },
      status: { update: inFlight('Sent') },
      delivery: { lastSentAt: at('2026-11-02T17:00:00Z') },
      now: '2026-11-02T17:05:00Z',
    });
    expect(d.send).to.equal(undefined);
  });

  it('should say RemoteUpdateUnavailable in GCC-High', () => {
    const d = decide({ policy: { cloud: 'GCCHigh' }, now: '2026-11-02T17:00:00Z' });
    expect(condition(d, 'AutoUpdateBlocked')).to.include({
      status: 'True',
      reason: 'RemoteUpdateUnavailable',
    });
    expect(condition(d, 'RemoteUpdateAvailable')).to.include({
      status: 'False',
      reason: 'RemoteUpdateUnavailable',
    });
    expect(d.status.availableUpdates?.[0]?.blockedReason).to.equal('RemoteUpdateUnavailable');
  });

  it('should write reported, online, lastSeen, verification and available updates', () => {
    const d = decide({ device: { phase: 'General' }, now: '2026-11-02T12:00:00Z' });
    expect(d.status).to.deep.include({
      observedGeneration: 3,
      online: true,
      lastSeen: '2026-11-02T12:00:00Z',
      firmwareVerification: 'Verified',
      update: null,
    });
    expect(d.status.reported?.firmwareVersion).to.equal('122.15.0.36');
    expect(
      d.status.availableUpdates?.map((r) => `${r.component} ${r.newVersion} ${r.autoUpdateAt}`),
    ).to.deep.equal([
      'Firmware 122.15.0.40 2026-12-02T17:00:00Z', // General: 30 days later, at the end of business hours
      'TeamsApp 1452/1.0.94.2023080101 null',
    ]);
    expect(d.status.conditions?.map((c) => `${c.type}=${c.status} ${c.reason}`)).to.deep.equal([
      'Ready=True Ready',
      'Online=True Connected',
      'UpdateAvailable=True UpdateAvailable',
      'Updating=False Idle',
      'AutoUpdateBlocked=False AutoUpdatesAllowed',
      'RemoteUpdateAvailable=True RemoteUpdateAvailable',
    ]);
    expect(d.status.conditions?.every((c) => c.observedGeneration === 3)).to.equal(true);
  });

  it('should change lastTransitionTime only when a condition flips', () => {
    const first = decide({ device: { phase: 'General' }, now: '2026-11-02T12:00:00Z' });
    const again = decide({ device: { phase: 'General' }, status: first.status, now: '2026-11-02T12:30:00Z' });
    expect(again.status.conditions).to.deep.equal(first.status.conditions);
    const offline = decide({
      device: { phase: 'General' },
      status: first.status,
      online: false,
      now: '2026-11-02T13:00:00Z',
    });
    const online = (d: DeviceDecision) => condition(d, 'Online') as Condition;
    expect(online(offline)).to.include({ status: 'False', lastTransitionTime: '2026-11-02T13:00:00Z' });
    expect(condition(offline, 'UpdateAvailable')?.lastTransitionTime).to.equal('2026-11-02T12:00:00Z');
    expect(offline.events.map((e) => e.reason)).to.deep.equal(['DeviceOffline']);
  });

  it('should refresh lastSeen only when online flips or every 10 minutes', () => {
    const first = decide({ device: { phase: 'General' }, now: '2026-11-02T12:00:00Z' });
    const soon = decide({ device: { phase: 'General' }, status: first.status, now: '2026-11-02T12:09:00Z' });
    expect(soon.status).to.deep.equal(first.status);
    const later = decide({ device: { phase: 'General' }, status: first.status, now: '2026-11-02T12:10:00Z' });
    expect(later.status.lastSeen).to.equal('2026-11-02T12:10:00Z');
    const flipped = decide({
      device: { phase: 'General' },
      status: first.status,
      online: false,
      now: '2026-11-02T12:01:00Z',
    });
    expect(flipped.status.lastSeen).to.equal('2026-11-02T12:01:00Z');
  });

  it('should keep an overdue autoUpdateAt as it was while the device is offline', () => {
    const due = decide({ online: false, now: '2026-11-02T17:00:00Z' });
    expect(due.status.availableUpdates?.[0]?.autoUpdateAt).to.equal('2026-11-02T17:00:00Z');
    const later = decide({
      online: false,
      status: due.status,
      seenAt: '2026-11-02T17:00:00Z',
      now: '2026-11-02T20:00:00Z',
    });
    expect(later.status).to.deep.equal(due.status);
    expect(later.events).to.deep.equal([]);
  });

  it('should keep status.reported when nothing has been heard since the start', () => {
    const d = decide({ online: null, now: '2026-11-02T12:00:00Z' });
    expect(d.status.reported?.firmwareVersion).to.equal('122.15.0.36');
    expect(condition(d, 'Online')).to.include({ status: 'Unknown', reason: 'NotReported' });
    expect(condition(d, 'Ready')).to.include({ status: 'False', reason: 'NotReported' });
  });

  it('should not be Ready in a time zone that does not exist', () => {
    const d = decide({ device: { timeZone: 'Europe/Atlantis' }, now: '2026-11-02T17:00:00Z' });
    expect(condition(d, 'Ready')).to.include({ status: 'False', reason: 'InvalidTimeZone' });
    expect(condition(d, 'AutoUpdateBlocked')).to.include({ status: 'True', reason: 'InvalidTimeZone' });
    expect(d.send).to.equal(undefined);
  });
});

describe('decideDevice: the same times as planTimeline', () => {
  interface Scenario {
    name: string;
    device: DeviceOptions;
    releases: ReleaseOptions[];
    policy?: Partial<UpdatePolicySpec>;
    plans?: Array<[string, Partial<UpdatePlanSpec>]>;
    now: string;
    until: string;
  }

  /** Runs the decision from `now`, waking at each requeueAfterMs; the device installs what it is sent at once. */
  function operate(s: Scenario): string[] {
    const base = device({ teamsApp: null, ...s.device });
    const catalog = buildCatalog(s.releases.map(release));
    const spec = policySpec({ ...NO_SPREAD, ...s.policy });
    const plans = (s.plans ?? []).map(([name, p]) =>
      plan(name, { devices: { names: [base.metadata.name] }, ...p }),
    );
    let status = base.status;
    let firmware = base.status?.reported?.firmwareVersion as string;
    let t = at(s.now);
    const out: string[] = [];
    for (let step = 0; step < 200 && t.getTime() <= Date.parse(s.until); step++) {
      const d = decideDevice({
        device: { ...base, ...(status ? { status } : {}) },
        observed: {
          online: true,
          manufacturer: 'Yealink',
          model: 'MP56',
          firmwareVersion: firmware,
          autoUpdateSupported: true,
          ts: t.toISOString(),
        },
        catalog,
        policy: spec,
        plans,
        slotAvailable: true,
        now: t,
      });
      status = d.status;
      if (d.send) {
        out.push(`${firmware} -> ${d.send.version} @ ${toIsoSeconds(t)} [${d.send.source}]`);
        firmware = d.send.version; // installed at once: the next decision (same instant) finishes it
        continue;
      }
      if (d.requeueAfterMs === undefined) break;
      t = new Date(t.getTime() + d.requeueAfterMs);
    }
    return out;
  }

  function timeline(s: Scenario): string[] {
    const d = device({ teamsApp: null, ...s.device });
    return planTimeline(
      {
        devices: [d],
        releases: s.releases.map(release),
        policies: [policy({ ...NO_SPREAD, ...s.policy }, { namespace: d.metadata.namespace ?? 'berlin' })],
        plans: (s.plans ?? []).map(([name, p]) =>
          plan(name, { devices: { names: [d.metadata.name] }, ...p }),
        ),
      },
      at(s.now),
      at(s.until),
    )
      .filter((e) => e.at !== null)
      .map((e) => `${e.fromVersion} -> ${e.toVersion} @ ${e.at} [${e.source}]`);
  }

  const scenarios: Scenario[] = [
    {
      name: 'should chain automatic updates in Berlin exactly when the timeline says',
      device: { ...BERLIN },
      releases: [R36, R40, R44],
      now: '2026-11-01T00:00:00Z',
      until: '2027-03-01T00:00:00Z',
    },
    {
      name: 'should update a General device in New York across the end of daylight saving time',
      device: { ...BERLIN, phase: 'General', timeZone: 'America/New_York' },
      releases: [R36, { version: '122.15.0.40', releaseDate: '2026-10-02T20:00:00Z' }],
      now: '2026-10-01T00:00:00Z',
      until: '2026-12-01T00:00:00Z',
    },
    {
      name: 'should update in Sydney around a blackout, with a spread',
      device: { ...BERLIN, timeZone: 'Australia/Sydney' },
      releases: [R36, R40, R44],
      policy: { rolloutSpreadDays: 7, blackouts: [{ from: '2026-11-03', to: '2026-11-10' }] },
      now: '2026-11-01T00:00:00Z',
      until: '2027-03-01T00:00:00Z',
    },
    {
      name: 'should bring a scheduled plan forward to the automatic time (rule 8)',
      device: { ...BERLIN, phase: 'General' },
      releases: [R36, R40],
      plans: [['late', { schedule: { at: '2027-02-01T03:00:00', timeZone: 'Europe/Berlin' } }]],
      now: '2026-11-01T00:00:00Z',
      until: '2027-03-01T00:00:00Z',
    },
    {
      name: 'should run an immediate plan now and let automatic updates continue from its version',
      device: { ...BERLIN, phase: 'Test' },
      releases: [R36, R40, R44],
      plans: [['now', { updates: [{ component: 'Firmware', version: '122.15.0.40' }] }]],
      now: '2026-11-20T12:00:00Z',
      until: '2027-03-01T00:00:00Z',
    },
  ];
  for (const s of scenarios) {
    it(s.name, () => {
      const expected = timeline(s);
      expect(expected).to.not.deep.equal([]);
      expect(operate(s)).to.deep.equal(expected);
    });
  }
});
