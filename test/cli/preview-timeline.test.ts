import { expect } from 'chai';
import { FIXTURES, FLEET, NOW, preview, rowsOf } from './preview-support.js';

const UNTIL = '2027-01-01T00:00:00Z';
const OLD_APP = '1449/1.0.90.2026060101';
const NEW_APP = '1449/1.0.96.2026111203';

const blocked = (namespace: string, device: string, component: string, from: string, to: string) => ({
  namespace,
  device,
  component,
  fromVersion: from,
  toVersion: to,
  at: null,
  localTime: null,
});

describe('preview of a small fleet (test/fixtures/preview/fleet)', () => {
  it('should print exactly the updates the rules give, grouped by namespace and device, in time order', async () => {
    const rows = rowsOf(await preview('-f', FLEET, '--now', NOW, '--until', UNTIL, '--json'));
    expect(rows).to.deep.equal([
      {
        ...blocked('gov', 'gov-phone', 'Firmware', '1.0.0', '1.2.0'),
        source: 'Auto',
        reason: 'RemoteUpdateUnavailable',
      },
      {
        ...blocked('gov', 'gov-phone', 'TeamsApp', OLD_APP, NEW_APP),
        source: 'Auto',
        reason: 'RemoteUpdateUnavailable',
      },
      {
        ...blocked('lab', 'lab-newest', 'Firmware', '1.2.0', '1.1.0'),
        source: 'UpdatePlan/pin-old',
        reason: 'DowngradeRequiresFactoryReset',
      },
      {
        namespace: 'lab',
        device: 'lab-phone',
        component: 'TeamsApp',
        fromVersion: OLD_APP,
        toVersion: NEW_APP,
        at: '2026-12-01T00:00:00Z',
        localTime: '2026-12-01T01:00:00+01:00',
        source: 'UpdatePlan/app-now',
        reason: null,
      },
      {
        namespace: 'lab',
        device: 'lab-phone',
        component: 'Firmware',
        fromVersion: '1.0.0',
        toVersion: '1.1.0',
        at: '2026-12-02T17:00:00Z',
        localTime: '2026-12-02T18:00:00+01:00',
        source: 'Auto',
        reason: null,
      },
      {
        namespace: 'lab',
        device: 'lab-phone',
        component: 'Firmware',
        fromVersion: '1.1.0',
        toVersion: '1.2.0',
        at: '2026-12-09T17:00:00Z',
        localTime: '2026-12-09T18:00:00+01:00',
        source: 'Auto',
        reason: null,
      },
      {
        namespace: 'lab',
        device: 'lab-reported',
        component: 'Firmware',
        fromVersion: '1.1.0',
        toVersion: '1.2.0',
        at: '2026-12-09T17:00:00Z',
        localTime: '2026-12-09T18:00:00+01:00',
        source: 'Auto',
        reason: null,
      },
      {
        ...blocked('lab', 'lab-reported', 'TeamsApp', OLD_APP, NEW_APP),
        source: 'Auto',
        reason: 'ManualOnly',
      },
      {
        ...blocked('lab', 'lab-unknown', 'Firmware', '1.0.5', '1.2.0'),
        source: 'Auto',
        reason: 'UnknownFirmware',
      },
      {
        ...blocked('lab', 'lab-unknown', 'TeamsApp', OLD_APP, NEW_APP),
        source: 'Auto',
        reason: 'ManualOnly',
      },
    ]);
  });

  it('should update a Test device in Berlin at 18:00 local, the first instant after business hours on release day', async () => {
    const rows = rowsOf(await preview('-f', FLEET, '--now', NOW, '--until', UNTIL, '--json'));
    const first = rows.find((r) => r.device === 'lab-phone' && r.toVersion === '1.1.0');
    // Released Wednesday 2026-12-02 10:00Z = 11:00 in Berlin, inside 08:00-18:00; spread 0.
    expect(first).to.include({ at: '2026-12-02T17:00:00Z', localTime: '2026-12-02T18:00:00+01:00' });
  });

  it('should chain updates: each fromVersion is the toVersion of the update before it on that device', async () => {
    const rows = rowsOf(await preview('-f', FLEET, '--now', NOW, '--until', UNTIL, '--json'));
    const firmware = rows.filter((r) => r.device === 'lab-phone' && r.component === 'Firmware');
    expect(firmware.map((r) => [r.fromVersion, r.toVersion])).to.deep.equal([
      ['1.0.0', '1.1.0'],
      ['1.1.0', '1.2.0'],
    ]);
  });

  it('should apply an immediate UpdatePlan at --now', async () => {
    const now = '2026-12-03T09:15:00Z';
    const rows = rowsOf(await preview('-f', FLEET, '--now', now, '--until', UNTIL, '--json'));
    const row = rows.find((r) => r.source === 'UpdatePlan/app-now');
    expect(row).to.include({ at: now, localTime: '2026-12-03T10:15:00+01:00', reason: null });
  });

  it('should read --now without an offset as UTC', async () => {
    const rows = rowsOf(await preview('-f', FLEET, '--now', '2026-12-03T09:15', '--until', UNTIL, '--json'));
    expect(rows.find((r) => r.source === 'UpdatePlan/app-now')?.at).to.equal('2026-12-03T09:15:00Z');
  });

  it('should leave out updates due at or after --until', async () => {
    const rows = rowsOf(
      await preview('-f', FLEET, '--now', NOW, '--until', '2026-12-05T00:00:00Z', '--json'),
    );
    expect(rows.filter((r) => r.device === 'lab-phone' && r.component === 'Firmware')).to.have.length(1);
  });

  it('should prefer status.reported over the simulator annotations', async () => {
    const rows = rowsOf(await preview('-f', FLEET, '--now', NOW, '--until', UNTIL, '--json'));
    const firmware = rows.filter((r) => r.device === 'lab-reported' && r.component === 'Firmware');
    // The annotation says 1.0.0, status.reported says 1.1.0: only 1.1.0 -> 1.2.0 remains.
    expect(firmware.map((r) => r.fromVersion)).to.deep.equal(['1.1.0']);
  });

  it('should read `kubectl get -o json` output: a kind: List whose items carry server metadata and status', async () => {
    const rows = rowsOf(
      await preview(
        '-f',
        `${FLEET}/releases.yaml`,
        '-f',
        `${FLEET}/policies.yaml`,
        '-f',
        `${FIXTURES}/kubectl/get-tdev.json`,
        '--now',
        NOW,
        '--until',
        UNTIL,
        '--json',
      ),
    );
    // status.reported says 1.1.0 (the annotation 1.0.0 loses); it reports no Teams app version.
    expect(rows.map((r) => [r.device, r.fromVersion, r.toVersion, r.at, r.reason])).to.deep.equal([
      ['lab-phone', '1.1.0', '1.2.0', '2026-12-09T17:00:00Z', null],
      ['lab-phone', null, NEW_APP, null, 'VersionUnknown'],
    ]);
  });

  it('should give every update that will not happen its reason and no time, in the table too', async () => {
    const run = await preview('-f', FLEET, '--now', NOW, '--until', UNTIL);
    expect(run.code).to.equal(0);
    const line = (text: string) => run.stdout.split('\n').find((l) => l.includes(text)) ?? '';
    expect(line('1.0.5 → 1.2.0')).to.match(/✗ UnknownFirmware \(Auto\)/);
    expect(line('1.2.0 → 1.1.0')).to.match(/✗ DowngradeRequiresFactoryReset \(UpdatePlan\/pin-old\)/);
    expect(line('1.0.0 → 1.2.0')).to.match(/✗ RemoteUpdateUnavailable \(Auto\)/);
    expect(line('1.0.0 → 1.1.0')).to.match(/2026-12-02 17:00 +Wed 12-02 18:00 +Auto$/);
  });

  it('should close the table with counts by source, phase and reason', async () => {
    const run = await preview('-f', FLEET, '--now', NOW, '--until', UNTIL);
    const summary = run.stdout.slice(run.stdout.indexOf('Summary:'));
    expect(summary).to.match(/^Summary: 4 updates, 6 that will not happen$/m);
    expect(summary).to.match(/by source +Auto 3, UpdatePlan\/app-now 1$/m);
    expect(summary).to.match(/by phase +Test 4 /m);
    expect(summary).to.match(
      /by reason +DowngradeRequiresFactoryReset 1, ManualOnly 2, RemoteUpdateUnavailable 2, UnknownFirmware 1$/m,
    );
  });
});
