import { expect } from 'chai';
import type { FirmwareRelease, FirmwareReleaseStatus } from '../../../src/api/v1alpha1/firmwarerelease.js';
import type { HistoryEntry, TeamsDevice } from '../../../src/api/v1alpha1/teamsdevice.js';
import type { UpdatePolicy } from '../../../src/api/v1alpha1/updatepolicy.js';
import {
  countAutomaticFailures,
  decideReleaseStatus,
  displayedPhaseDelays,
  exceedsThreshold,
  type ReleaseDecision,
} from '../../../src/core/release/decide.js';
import { indexPolicies } from '../../../src/core/rules/policies.js';
import { at, type DeviceOptions, device, policy, policySpec, release } from '../fixtures.js';

const NOW = '2026-12-10T12:00:00Z';
const VERSION = '122.15.0.40';

const entry = (
  result: 'Succeeded' | 'Failed',
  finishedAt = '2026-12-09T00:00:00Z',
  source = 'Auto',
  to = VERSION,
): HistoryEntry => ({ component: 'Firmware', from: '122.15.0.36', to, source, result, finishedAt });

function phone(name: string, o: DeviceOptions & { history?: HistoryEntry[] } = {}): TeamsDevice {
  const d = device({ name, firmware: '122.15.0.36', ...o });
  if (o.history) d.status = { ...d.status, history: o.history };
  return d;
}

function decide(
  devices: TeamsDevice[],
  o: {
    policies?: UpdatePolicy[];
    previous?: FirmwareReleaseStatus;
    resumedAt?: string;
    now?: string;
    fwr?: FirmwareRelease;
  } = {},
): ReleaseDecision {
  const fwr = o.fwr ?? release({ name: 'mp56-40', version: VERSION, releaseDate: '2026-11-02T00:00:00Z' });
  if (o.previous) fwr.status = o.previous;
  return decideReleaseStatus({
    release: fwr,
    devices,
    policies: indexPolicies(o.policies ?? [policy({ failureThreshold: { percent: 20, minDevices: 3 } })]),
    resumedAt: o.resumedAt,
    now: at(o.now ?? NOW),
  });
}

describe('core/release: phases', () => {
  it('should start the phases at the release date plus the default delays when no device is governed', () => {
    const { status, requeueAfterMs } = decide([], { now: '2026-11-10T00:00:00Z' });
    expect(status.phases?.map((p) => [p.phase, p.startsAt])).to.deep.equal([
      ['Test', '2026-11-02T00:00:00Z'],
      ['General', '2026-12-02T00:00:00Z'],
      ['Final', '2027-01-31T00:00:00Z'],
    ]);
    const wakeAt =
      requeueAfterMs === undefined ? null : new Date(Date.parse('2026-11-10T00:00:00Z') + requeueAfterMs);
    expect(wakeAt?.toISOString(), 'the next phase start').to.equal('2026-12-02T00:00:00.000Z');
  });

  it('should show the delays the governing policies agree on, phase by phase, else the defaults', () => {
    const table: Array<[Array<[number, number, number]>, [number, number, number]]> = [
      [[], [0, 30, 90]],
      [[[1, 7, 21]], [1, 7, 21]],
      [
        [
          [1, 7, 21],
          [1, 7, 60],
        ],
        [1, 7, 90],
      ],
      [
        [
          [0, 14, 90],
          [2, 30, 90],
        ],
        [0, 30, 90],
      ],
    ];
    for (const [delays, want] of table) {
      const specs = delays.map(([test, general, final]) =>
        policySpec({ phaseDelayDays: { test, general, final } }),
      );
      const got = displayedPhaseDelays(specs);
      expect([got.Test, got.General, got.Final], JSON.stringify(delays)).to.deep.equal(want);
    }
  });

  it('should count targeted, updated and failed devices per phase', () => {
    const devices = [
      phone('test-old', { phase: 'Test' }),
      phone('test-new', { phase: 'Test', firmware: VERSION }),
      phone('test-failed', { phase: 'Test', history: [entry('Failed')] }),
      phone('general-newer', { phase: 'General', firmware: '122.15.0.41' }),
      phone('general-unknown', { phase: 'General', firmware: null }),
      phone('final-retried', {
        phase: 'Final',
        history: [entry('Succeeded'), entry('Failed', '2026-12-01T00:00:00Z')],
        firmware: VERSION,
      }),
      phone('other-model', { phase: 'Final', model: 'T55' }),
    ];
    const { status } = decide(devices);
    expect(
      status.phases?.map(({ phase, targeted, updated, failed }) => ({ phase, targeted, updated, failed })),
    ).to.deep.equal([
      { phase: 'Test', targeted: 3, updated: 1, failed: 1 },
      { phase: 'General', targeted: 0, updated: 0, failed: 0 },
      { phase: 'Final', targeted: 1, updated: 1, failed: 0 },
    ]);
  });

  it('should say Ready with what the release is', () => {
    const ready = (fwr: FirmwareRelease) =>
      decide([], { fwr }).status.conditions?.find((c) => c.type === 'Ready');
    expect(ready(release({ version: VERSION }))).to.include({ status: 'True', reason: 'Verified' });
    expect(ready(release({ version: VERSION, verification: 'Unknown' }))).to.include({
      reason: 'UnknownVersion',
    });
    expect(ready(release({ version: VERSION, paused: true }))).to.include({ reason: 'Paused' });
    expect(ready(release({ component: 'TeamsApp', version: '1452/1.0.94' }))?.message).to.match(
      /UpdatePlans only/,
    );
  });
});

describe('core/release: failure threshold', () => {
  it('should count each device once, by its newest automatic attempt after the resume instant', () => {
    const devices = [
      { history: [entry('Failed')] },
      { history: [entry('Succeeded', '2026-12-09T02:00:00Z'), entry('Failed', '2026-12-09T01:00:00Z')] },
      { history: [entry('Failed', '2026-12-09T00:00:00Z', 'UpdatePlan/p')] },
      { history: [entry('Failed', '2026-12-09T00:00:00Z', 'Auto', '122.15.0.38')] },
      { history: [entry('Failed', '2026-12-01T00:00:00Z')] },
      { history: [] },
    ];
    expect(countAutomaticFailures(devices, 'Firmware', VERSION, null)).to.deep.equal({
      finished: 3,
      failed: 2,
    });
    expect(
      countAutomaticFailures(devices, 'Firmware', VERSION, Date.parse('2026-12-05T00:00:00Z')),
    ).to.deep.equal({
      finished: 2,
      failed: 1,
    });
  });

  it('should exceed a threshold only with enough devices and strictly more than the percent failing', () => {
    const threshold = { percent: 20, minDevices: 5 };
    const table: Array<[number, number, boolean]> = [
      [4, 4, false],
      [5, 1, false],
      [5, 2, true],
      [10, 2, false],
      [10, 3, true],
    ];
    for (const [finished, failed, want] of table) {
      expect(exceedsThreshold({ finished, failed }, threshold), `${failed}/${finished}`).to.equal(want);
    }
    expect(exceedsThreshold({ finished: 10, failed: 1 }, { percent: 0, minDevices: 1 })).to.equal(true);
  });

  const failing = [
    phone('p1', { phase: 'Test', history: [entry('Failed')] }),
    phone('p2', { phase: 'Test', history: [entry('Failed')] }),
    phone('p3', { phase: 'Test', history: [entry('Succeeded')], firmware: VERSION }),
  ];

  it('should halt a namespace over its threshold, with a Warning Event and the Halted condition', () => {
    const { status, events } = decide(failing);
    expect(status.halted).to.deep.equal([
      {
        namespace: 'berlin',
        reason: 'FailureThresholdExceeded',
        message:
          '2 of 3 devices (67%) failed their automatic update to 122.15.0.40: more than 20% of at least 3',
        since: NOW,
      },
    ]);
    expect(status.conditions?.find((c) => c.type === 'Halted')).to.include({
      status: 'True',
      reason: 'FailureThresholdExceeded',
    });
    expect(events.map((e) => [e.type, e.reason])).to.deep.equal([['Warning', 'RolloutHalted']]);
  });

  it('should use the failure threshold of the namespace policy named default, else the defaults', () => {
    expect(decide(failing, { policies: [] }).status.halted, 'defaults: at least 10 devices').to.deep.equal(
      [],
    );
    const other = [policy({ failureThreshold: { percent: 20, minDevices: 3 } }, { name: 'strict' })];
    expect(decide(failing, { policies: other }).status.halted).to.deep.equal([]);
  });

  it('should keep a halt until the resume annotation is at or after its since, even when failures go away', () => {
    const halted = decide(failing).status;
    const recovered = failing.map((d) =>
      phone(d.metadata.name, {
        phase: 'Test',
        firmware: VERSION,
        history: [entry('Succeeded', '2026-12-10T13:00:00Z')],
      }),
    );
    const later = '2026-12-10T14:00:00Z';
    const kept = decide(recovered, { previous: halted, now: later });
    expect(kept.status.halted?.[0]?.since).to.equal(NOW);
    expect(kept.events).to.deep.equal([]);
    const early = decide(recovered, { previous: halted, now: later, resumedAt: '2026-12-10T11:00:00Z' });
    expect(early.status.halted, 'a resume before the halt does not lift it').to.have.length(1);

    const lifted = decide(failing, { previous: halted, now: later, resumedAt: '2026-12-10T12:00:00Z' });
    expect(lifted.status.halted).to.deep.equal([]);
    expect(lifted.status.conditions?.find((c) => c.type === 'Halted')).to.include({ status: 'False' });
    expect(lifted.events.map((e) => [e.type, e.reason])).to.deep.equal([['Normal', 'RolloutResumed']]);
  });

  it('should halt again after a resume when new failures exceed the threshold', () => {
    const halted = decide(failing).status;
    const again = failing.map((d) =>
      phone(d.metadata.name, {
        phase: 'Test',
        history: [entry('Failed', '2026-12-10T13:00:00Z'), ...(d.status?.history ?? [])],
      }),
    );
    const { status, events } = decide(again, {
      previous: halted,
      now: '2026-12-10T14:00:00Z',
      resumedAt: '2026-12-10T12:30:00Z',
    });
    expect(status.halted?.[0]).to.include({ since: '2026-12-10T14:00:00Z' });
    expect(status.halted?.[0]?.message).to.match(
      /^3 of 3 devices \(100%\) failed .* since 2026-12-10T12:30:00Z/,
    );
    expect(events.map((e) => e.reason)).to.deep.equal(['RolloutHalted']);
  });

  it('should ignore a resume annotation that is not an instant, and say so', () => {
    const halted = decide(failing).status;
    const { status } = decide(failing, { previous: halted, resumedAt: 'yesterday' });
    expect(status.halted).to.have.length(1);
    expect(status.conditions?.find((c) => c.type === 'Ready')?.message).to.match(
      /"yesterday" is not an RFC 3339 instant/,
    );
  });
});
