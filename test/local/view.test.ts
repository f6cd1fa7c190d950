import { expect } from 'chai';
import type { FirmwareRelease, TeamsDevice, UpdatePlan, UpdatePolicy } from '../../src/api/v1alpha1/index.js';
import { ChangeLog } from '../../src/local/view/changes.js';
import { BAR, progressBar, renderView } from '../../src/local/view/render.js';
import { buildSnapshot, type SnapshotInput } from '../../src/local/view/snapshot.js';

const release = (name: string, version: string, phases: FirmwareRelease['status']): FirmwareRelease =>
  ({
    apiVersion: 'teamsdevices.io/v1alpha1',
    kind: 'FirmwareRelease',
    metadata: { name },
    spec: { component: 'Firmware', version, releaseDate: '2026-11-10T00:00:00Z', verification: 'Verified' },
    status: phases,
  }) as FirmwareRelease;

const device = (name: string, update?: Partial<NonNullable<TeamsDevice['status']>['update']>): TeamsDevice =>
  ({
    apiVersion: 'teamsdevices.io/v1alpha1',
    kind: 'TeamsDevice',
    metadata: { name, namespace: 'contoso-emea' },
    spec: { type: 'Phone', manufacturer: 'Yealink', model: 'MP56', firmwareAutoUpdate: { phase: 'General' } },
    status: { online: true, ...(update ? { update } : {}) },
  }) as TeamsDevice;

const berlinPolicy = {
  apiVersion: 'teamsdevices.io/v1alpha1',
  kind: 'UpdatePolicy',
  metadata: { name: 'default', namespace: 'contoso-emea' },
  spec: {
    defaultTimeZone: 'Europe/Berlin',
    businessHours: {
      days: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'],
      start: '07:30',
      end: '19:00',
    },
    blackouts: [{ from: '2026-12-24', to: '2026-12-26', reason: 'Christmas' }],
  },
} as unknown as UpdatePolicy;

const plan = {
  apiVersion: 'teamsdevices.io/v1alpha1',
  kind: 'UpdatePlan',
  metadata: { name: 'ccx-recovery', namespace: 'contoso-emea' },
  spec: {},
  status: { phase: 'InProgress', summary: { total: 2, succeeded: 1, failed: 0, skipped: 0 } },
} as unknown as UpdatePlan;

function input(now: string, extra: Partial<SnapshotInput> = {}): SnapshotInput {
  return {
    now: new Date(now),
    speed: 3600,
    paused: false,
    devices: [
      device('ber-101-mp56', {
        component: 'Firmware',
        version: '122.15.0.40',
        state: 'Downloading',
        progress: 40,
      } as never),
      device('ber-102-mp56'),
      device('ber-103-mp56'),
      device('ber-104-mp56'),
    ],
    releases: [
      release('yealink-mp5x-122.15.0.40', '122.15.0.40', {
        phases: [{ phase: 'General', startsAt: '2026-12-10T00:00:00Z', targeted: 4, updated: 1, failed: 1 }],
      }),
      release('yealink-mp5x-122.15.0.36', '122.15.0.36', {
        phases: [{ phase: 'General', startsAt: '2026-07-16T00:00:00Z', targeted: 4, updated: 4, failed: 0 }],
      }),
    ],
    plans: [plan],
    policies: [berlinPolicy],
    events: [
      {
        metadata: { name: 'e1', namespace: 'contoso-emea' },
        type: 'Normal',
        reason: 'UpdateSucceeded',
        message: 'Firmware 122.15.0.40 installed',
        involvedObject: { kind: 'TeamsDevice', name: 'ber-102-mp56', namespace: 'contoso-emea' },
        lastTimestamp: '2026-12-05T10:00:00Z',
      },
    ],
    ...extra,
  };
}

describe('local: the live view', () => {
  it('should show the simulated clock, its speed and the devices counted on its first lines', () => {
    const lines = renderView(buildSnapshot(input('2026-12-05T12:00:00Z')), 120, 50);
    expect(lines[0]).to.include('Simulated time 2026-12-05 12:00:00 UTC').and.include('speed ×3600');
    expect(lines[1]).to.include('Devices: 4 (4 online)');
  });

  it('should say PAUSED when the clock is paused', () => {
    const lines = renderView(buildSnapshot(input('2026-12-05T12:00:00Z', { paused: true })), 120, 50);
    expect(lines[0]).to.include('PAUSED');
  });

  it('should draw a bar of updated, in flight, failed and waiting devices per release and phase', () => {
    const lines = renderView(buildSnapshot(input('2026-12-05T12:00:00Z')), 120, 50);
    const row = lines.find((l) => l.includes('yealink-mp5x-122.15.0.40'));
    expect(row).to.include('General');
    expect(row).to.include('1 updated, 1 in flight, 1 failed, 1 waiting');
    expect(row)
      .to.include(BAR.updated)
      .and.include(BAR.inFlight)
      .and.include(BAR.failed)
      .and.include(BAR.waiting);
  });

  it('should only count a release that every targeted device already runs', () => {
    const lines = renderView(buildSnapshot(input('2026-12-05T12:00:00Z')), 120, 50);
    expect(lines.some((l) => l.includes('yealink-mp5x-122.15.0.36'))).to.equal(false);
    expect(lines.join('\n')).to.include('+ 1 installed on every device they target');
  });

  it('should say a namespace is in business hours on a Friday afternoon in Berlin, and when its window opens', () => {
    const lines = renderView(buildSnapshot(input('2026-12-04T14:00:00Z')), 120, 50);
    const row = lines.find((l) => l.includes('contoso-emea ') && l.includes('Europe/Berlin'));
    expect(row).to.include('business hours; next window 2026-12-04 19:00 local');
  });

  it('should say a namespace is in its Christmas blackout, and that the window opens after it', () => {
    const lines = renderView(buildSnapshot(input('2026-12-25T02:00:00Z')), 120, 50);
    const row = lines.find((l) => l.includes('Europe/Berlin'));
    expect(row).to.include('blackout (Christmas); next window 2026-12-27 00:00 local');
  });

  it('should say a namespace is open on a Saturday', () => {
    const lines = renderView(buildSnapshot(input('2026-12-05T12:00:00Z')), 120, 50);
    expect(lines.find((l) => l.includes('Europe/Berlin'))).to.include('open: automatic updates may start');
  });

  it('should list the devices in flight with their percentage, the plans with their counts and the events', () => {
    const text = renderView(buildSnapshot(input('2026-12-05T12:00:00Z')), 120, 50).join('\n');
    expect(text).to.include('contoso-emea/ber-101-mp56  Firmware 122.15.0.40  Downloading 40%');
    expect(text).to.include('contoso-emea/ccx-recovery  InProgress  1/2 succeeded, 0 failed, 0 skipped');
    expect(text).to.include('10:00:00 Normal  UpdateSucceeded TeamsDevice/contoso-emea/ber-102-mp56');
  });

  it('should fit the terminal: no line wider than it, no more lines than its height', () => {
    const lines = renderView(buildSnapshot(input('2026-12-05T12:00:00Z')), 40, 8);
    expect(lines).to.have.length(8);
    for (const line of lines) expect([...line].length).to.be.at.most(40);
    expect(lines[7]).to.match(/more lines/);
  });

  it('should fill a bar in proportion, with every cell accounted for', () => {
    expect(progressBar({ targeted: 4, updated: 2, inFlight: 1, failed: 0 }, 8)).to.equal(
      `${BAR.updated.repeat(4)}${BAR.inFlight.repeat(2)}${BAR.waiting.repeat(2)}`,
    );
  });
});

describe('local: the log lines without a terminal', () => {
  it('should write one line per state change of a device update, and none for a progress change', () => {
    const log = new ChangeLog();
    const now = new Date('2026-12-05T12:00:00Z');
    const at = (state: string, progress?: number) =>
      log.observe(
        {
          kind: 'TeamsDevice',
          obj: device('ber-101-mp56', {
            component: 'Firmware',
            version: '122.15.0.40',
            state,
            progress,
          } as never),
        },
        now,
      );
    expect(at('Sent')).to.equal(
      '2026-12-05 12:00:00 UTC TeamsDevice contoso-emea/ber-101-mp56 update Firmware 122.15.0.40 Sent',
    );
    expect(at('Downloading', 10)).to.match(/Downloading$/);
    expect(at('Downloading', 60)).to.equal(undefined);
    expect(at('Installing', 0)).to.match(/Installing$/);
  });

  it('should write a line when a plan changes phase', () => {
    const log = new ChangeLog();
    const line = log.observe({ kind: 'UpdatePlan', obj: plan }, new Date('2026-12-05T12:00:00Z'));
    expect(line).to.equal('2026-12-05 12:00:00 UTC UpdatePlan contoso-emea/ccx-recovery phase InProgress');
    expect(log.observe({ kind: 'UpdatePlan', obj: plan }, new Date('2026-12-05T13:00:00Z'))).to.equal(
      undefined,
    );
  });
});
