import { expect } from 'chai';
import { loadInput } from '../../src/cli/preview/load.js';
import { columns, EXAMPLES, NOW, preview, type Run, rowsOf } from './preview-support.js';

const KEYS = [
  'namespace',
  'device',
  'component',
  'fromVersion',
  'toVersion',
  'at',
  'localTime',
  'source',
  'reason',
];

describe('preview of deploy/examples', () => {
  let json: Run;
  let table: Run;

  before(async () => {
    json = await preview('-f', EXAMPLES, '--now', NOW, '--json');
    table = await preview('-f', EXAMPLES, '--now', NOW);
  });

  it('should accept every example object (all validate against the CRDs) and write nothing to stderr', () => {
    expect(json.stderr).to.equal('');
    expect(json.code).to.equal(0);
    expect(table.code).to.equal(0);
  });

  it('should print one JSON array whose objects have exactly the documented keys', () => {
    const parsed: unknown = JSON.parse(json.stdout);
    expect(parsed).to.be.an('array');
    for (const row of parsed as Record<string, unknown>[]) expect(Object.keys(row)).to.deep.equal(KEYS);
  });

  it('should give times only to updates that will happen, and reasons only to those that will not', () => {
    for (const row of rowsOf(json)) {
      if (row.reason === null) {
        expect(row.at, JSON.stringify(row)).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        expect(row.localTime, JSON.stringify(row)).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
        expect(Date.parse(row.localTime ?? '')).to.equal(Date.parse(row.at ?? ''));
      } else {
        expect(row.at).to.equal(null);
        expect(row.localTime).to.equal(null);
      }
    }
  });

  it('should show a three-month rollout: at least 30 updates, all within the 120 days after --now', () => {
    const scheduled = rowsOf(json).filter((r) => r.at !== null);
    expect(scheduled.length).to.be.at.least(30);
    const until = Date.parse(NOW) + 120 * 86_400_000;
    for (const row of scheduled) {
      expect(Date.parse(row.at ?? '')).to.be.within(Date.parse(NOW), until - 1);
    }
    const months = new Set(scheduled.map((r) => r.at?.slice(0, 7)));
    expect([...months].sort()).to.deep.equal(['2026-12', '2027-01', '2027-02', '2027-03']);
  });

  it('should fire automatic updates in all three phases, and both UpdatePlans', async () => {
    const { objects } = await loadInput([EXAMPLES]);
    const phaseOf = new Map<string, string>();
    for (const { value } of objects) {
      const o = value as {
        kind: string;
        metadata: { name: string };
        spec: { firmwareAutoUpdate?: { phase: string } };
      };
      if (o.kind === 'TeamsDevice')
        phaseOf.set(o.metadata.name, o.spec.firmwareAutoUpdate?.phase ?? 'General');
    }
    const auto = rowsOf(json).filter((r) => r.source === 'Auto' && r.at !== null);
    expect(new Set(auto.map((r) => phaseOf.get(r.device)))).to.deep.equal(
      new Set(['Test', 'General', 'Final']),
    );
    const sources = new Set(rowsOf(json).map((r) => r.source));
    expect(sources).to.include('UpdatePlan/ccx-recovery').and.to.include('UpdatePlan/nyc-saturday');
    const immediate = rowsOf(json).filter((r) => r.source === 'UpdatePlan/ccx-recovery');
    expect(immediate.map((r) => r.at)).to.deep.equal([NOW, NOW]);
  });

  it('should show why the unknown-firmware lab phone and the phone that cannot auto-update wait', () => {
    const reasons = new Set(rowsOf(json).map((r) => r.reason));
    expect(reasons).to.include('UnknownFirmware').and.to.include('NotSupported').and.to.include('ManualOnly');
  });

  it("should sort rows by namespace and device, and chain each device's firmware updates in time order", () => {
    const rows = rowsOf(json);
    const keys = rows.map((r) => `${r.namespace}/${r.device}`);
    expect(keys).to.deep.equal([...keys].sort());
    const byDevice = new Map<string, typeof rows>();
    for (const row of rows.filter((r) => r.component === 'Firmware' && r.at !== null)) {
      const key = `${row.namespace}/${row.device}`;
      byDevice.set(key, [...(byDevice.get(key) ?? []), row]);
    }
    let chains = 0;
    for (const list of byDevice.values()) {
      for (let i = 1; i < list.length; i++) {
        expect(list[i]?.fromVersion).to.equal(list[i - 1]?.toVersion);
        expect(Date.parse(list[i]?.at ?? '')).to.be.greaterThan(Date.parse(list[i - 1]?.at ?? ''));
        chains++;
      }
    }
    expect(chains).to.be.at.least(5);
  });

  it('should fit every line of the table in a 120-column terminal', () => {
    const lines = table.stdout.split('\n');
    const long = lines.filter((line) => columns(line) > 120);
    expect(long).to.deep.equal([]);
    expect(lines.length).to.be.greaterThan(60);
  });

  it('should group the table by namespace and device and show UTC and local times with the source', () => {
    const lines = table.stdout.split('\n');
    expect(lines[0]).to.equal(
      'Preview from 2026-12-01 00:00 UTC to 2027-03-31 00:00 UTC (120 days): 36 devices, 23 releases, 3 policies, 2 plans',
    );
    expect(lines.filter((l) => /^contoso-[a-z]+: \d+ devices/.test(l))).to.have.length(3);
    const device = lines.findIndex((l) =>
      l.startsWith('ber-202-ccx400 · Phone · Poly CCX 400 · phase General'),
    );
    expect(device).to.be.greaterThan(0);
    expect(lines[device + 1]).to.match(
      /^ {2}Firmware +8\.1\.4\.0311 → 8\.1\.5\.0042 +2026-12-01 00:00 +Tue 12-01 01:00 +UpdatePlan\/ccx-recovery$/,
    );
    expect(table.stdout).to.match(/^Summary: \d+ updates, \d+ that will not happen$/m);
  });

  it('should hold at least 30 devices of all four types, in at least four time zones and all three phases', async () => {
    const { objects } = await loadInput([EXAMPLES]);
    const devices = objects
      .map(
        (o) =>
          o.value as {
            kind: string;
            spec: Record<string, unknown> & { firmwareAutoUpdate?: { phase: string } };
          },
      )
      .filter((o) => o.kind === 'TeamsDevice');
    expect(devices.length).to.be.at.least(30);
    expect(new Set(devices.map((d) => d.spec.type))).to.deep.equal(
      new Set(['Phone', 'Display', 'Panel', 'TeamsRoomsAndroid']),
    );
    expect(new Set(devices.map((d) => d.spec.firmwareAutoUpdate?.phase))).to.deep.equal(
      new Set(['Test', 'General', 'Final']),
    );
    const zones = new Set(
      rowsOf(json)
        .filter((r) => r.localTime)
        .map((r) => r.localTime?.slice(19)),
    );
    expect(zones.size, `UTC offsets seen: ${[...zones]}`).to.be.at.least(4);
  });
});
