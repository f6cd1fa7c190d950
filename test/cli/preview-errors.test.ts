import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { FIXTURES, FLEET, NOW, preview } from './preview-support.js';

const INVALID = `${FIXTURES}/invalid`;

describe('preview with input it cannot use', () => {
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'preview-errors-'));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  function file(name: string, text: string): string {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  }

  it('should exit 2 naming the file, the object, its document and the field of an invalid value', async () => {
    const run = await preview('-f', `${INVALID}/bad-type.yaml`, '--now', NOW);
    expect(run.code).to.equal(2);
    expect(run.stdout).to.equal('');
    expect(run.stderr).to.contain(
      `${INVALID}/bad-type.yaml: TeamsDevice default/p1 (document 3): spec.type: Unsupported value: "Tablet"`,
    );
    expect(run.stderr).not.to.contain('p0');
  });

  it('should report every problem of every object, CEL rules and unknown fields included', async () => {
    const run = await preview('-f', `${INVALID}/bad-release.yaml`, '--now', NOW);
    expect(run.code).to.equal(2);
    const at = `${INVALID}/bad-release.yaml: FirmwareRelease fp100-9.9.9 (document 1): `;
    expect(run.stderr).to.contain(`${at}spec.artifact: `);
    expect(run.stderr).to.contain(`${at}unknown field "spec.pasued"`);
  });

  it('should exit 2 with the line and column of unparsable YAML', async () => {
    const run = await preview('-f', `${INVALID}/unparsable.yaml`, '--now', NOW);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.match(
      new RegExp(`^teams-device-operator preview: ${INVALID}/unparsable\\.yaml:\\d+:\\d+: unparsable YAML: `),
    );
  });

  it('should exit 2 on an object defined twice, naming both places', async () => {
    const run = await preview('-f', FLEET, '-f', `${INVALID}/duplicate.yaml`, '--now', NOW);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.contain(
      `${INVALID}/duplicate.yaml: TeamsDevice lab/lab-phone (document 1): duplicate TeamsDevice lab/lab-phone: ` +
        `already defined in ${FLEET}/devices.yaml (document 1)`,
    );
  });

  it('should read a file named twice (a folder and a file in it) once', async () => {
    const run = await preview('-f', FLEET, '-f', `${FLEET}/devices.yaml`, '--now', NOW, '--json');
    expect(run.code, run.stderr).to.equal(0);
  });

  it('should exit 2 on an unknown time zone', async () => {
    const run = await preview('-f', `${INVALID}/bad-zone.yaml`, '--now', NOW);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.contain(
      `${INVALID}/bad-zone.yaml: TeamsDevice lab/p1 (document 1): spec.timeZone: Invalid value: "Europe/Berln": not an IANA time zone`,
    );
  });

  it('should exit 2 on an unknown zone or an impossible local time in an UpdatePlan schedule', async () => {
    const path = file(
      'plan.yaml',
      [
        'apiVersion: teamsdevices.io/v1alpha1',
        'kind: UpdatePlan',
        'metadata: {name: p, namespace: lab}',
        'spec:',
        '  devices: {names: [x]}',
        '  updates: [{component: Firmware}]',
        '  schedule: {at: "2026-02-30T22:00:00", timeZone: Europe/Berlin}',
        '---',
        'apiVersion: teamsdevices.io/v1alpha1',
        'kind: UpdatePolicy',
        'metadata: {name: default, namespace: lab}',
        'spec: {defaultTimeZone: Mars/Olympus_Mons}',
      ].join('\n'),
    );
    const run = await preview('-f', path, '--now', NOW);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.contain(
      `${path}: UpdatePlan lab/p (document 1): spec.schedule.at: Invalid value: "2026-02-30T22:00:00"`,
    );
    expect(run.stderr).to.contain(
      `${path}: UpdatePolicy lab/default (document 2): spec.defaultTimeZone: Invalid value: "Mars/Olympus_Mons"`,
    );
  });

  it('should refuse a Firmware release without models, as the CRD rule says', async () => {
    const path = file(
      'release.yaml',
      [
        'apiVersion: teamsdevices.io/v1alpha1',
        'kind: FirmwareRelease',
        'metadata: {name: r1}',
        'spec: {component: Firmware, version: "1.0", releaseDate: "2026-12-01T00:00:00Z", verification: Unknown}',
      ].join('\n'),
    );
    const run = await preview('-f', path, '--now', NOW);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.contain(`${path}: FirmwareRelease r1 (document 1): spec.appliesTo: `);
  });

  it('should name the List item of an invalid object from `kubectl get -o yaml`', async () => {
    const path = file(
      'list.yaml',
      [
        'apiVersion: v1',
        'kind: List',
        'items:',
        '- {apiVersion: v1, kind: ConfigMap, metadata: {name: c}}',
        '- apiVersion: teamsdevices.io/v1alpha1',
        '  kind: TeamsDevice',
        '  metadata: {name: p2, namespace: lab}',
        '  spec: {type: Phone, manufacturer: Yealink}',
      ].join('\n'),
    );
    const run = await preview('-f', path, '--now', NOW);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.contain(
      `${path}: TeamsDevice lab/p2 (document 1, item 2): spec.model: Required value`,
    );
  });

  it('should exit 2 on documents that are not objects, kinds of teamsdevices.io that do not exist, and bad names', async () => {
    const path = file(
      'odd.yaml',
      [
        '- just a list',
        '---',
        'apiVersion: teamsdevices.io/v1alpha1',
        'kind: TeamsDevices',
        'metadata: {name: p}',
        '---',
        'apiVersion: teamsdevices.io/v1beta1',
        'kind: TeamsDevice',
        'metadata: {name: Bad_Name}',
        'spec: {type: Phone, manufacturer: Yealink, model: MP56}',
        '---',
        'apiVersion: teamsdevices.io/v1alpha1',
        'kind: TeamsDevice',
        'metadata: {name: p4, labels: {floor: 4}}',
        'spec: {type: Phone, manufacturer: Yealink, model: MP56}',
      ].join('\n'),
    );
    const run = await preview('-f', path, '--now', NOW);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.contain(`${path} (document 1): not a Kubernetes object`);
    expect(run.stderr).to.contain(`${path} (document 2): kind "TeamsDevices" is not part of teamsdevices.io`);
    expect(run.stderr).to.contain(
      `${path}: TeamsDevice default/Bad_Name (document 3): apiVersion: Unsupported value`,
    );
    expect(run.stderr).to.contain(
      `${path}: TeamsDevice default/Bad_Name (document 3): metadata.name: Invalid value`,
    );
    expect(run.stderr).to.contain(
      `${path}: TeamsDevice default/p4 (document 4): metadata.labels: Invalid value: must be a map of strings`,
    );
  });

  it('should ignore kinds it does not plan with, such as Namespace and ConfigMap', async () => {
    const path = file(
      'other.yaml',
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: lab}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n',
    );
    const run = await preview('-f', path, '-f', FLEET, '--now', NOW, '--json');
    expect(run.code, run.stderr).to.equal(0);
  });

  it('should exit 2 when a path does not exist or a folder holds no YAML', async () => {
    const missing = await preview('-f', join(dir, 'nope'), '--now', NOW);
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.contain(`-f ${join(dir, 'nope')}: no such file or folder`);
    const empty = mkdtempSync(join(dir, 'empty-'));
    const none = await preview('-f', empty, '--now', NOW);
    expect(none.code).to.equal(2);
    expect(none.stderr).to.contain('no *.yaml, *.yml or *.json files');
  });
});

describe('preview flags', () => {
  it('should document every flag in --help and exit 0', async () => {
    const run = await preview('--help');
    expect(run.code).to.equal(0);
    for (const flag of ['-f, --filename', '--now', '--until', '--json', '-h, --help']) {
      expect(run.stdout).to.contain(flag);
    }
    for (const line of run.stdout.split('\n')) expect([...line].length).to.be.at.most(120);
  });

  const cases: Array<[string, string[], RegExp]> = [
    ['no -f', ['--now', NOW], /-f\/--filename is required/],
    ['an unknown flag', ['-f', FLEET, '--colour'], /Unknown option '--colour'/],
    ['a stray argument', ['-f', FLEET, 'extra'], /Unexpected argument 'extra'/],
    [
      'an unparsable --now',
      ['-f', FLEET, '--now', 'tomorrow'],
      /--now: "tomorrow" is not an ISO 8601 date and time/,
    ],
    [
      'an unparsable --until',
      ['-f', FLEET, '--until', '2026-13-01'],
      /--until: "2026-13-01" is not an ISO 8601/,
    ],
    [
      '--until before --now',
      ['-f', FLEET, '--now', NOW, '--until', '2026-11-01T00:00:00Z'],
      /--until 2026-11-01T00:00:00Z must be after --now 2026-12-01T00:00:00Z/,
    ],
    ['--until equal to --now', ['-f', FLEET, '--now', NOW, '--until', NOW], /must be after --now/],
  ];
  for (const [name, argv, message] of cases) {
    it(`should exit 2 and point at --help on ${name}`, async () => {
      const run = await preview(...argv);
      expect(run.code).to.equal(2);
      expect(run.stdout).to.equal('');
      expect(run.stderr).to.match(message);
      expect(run.stderr).to.contain('--help');
    });
  }

  it('should default --until to 120 days after --now', async () => {
    const run = await preview('-f', FLEET, '--now', NOW);
    expect(run.stdout.split('\n')[0]).to.contain('to 2027-03-31 00:00 UTC (120 days)');
  });
});

describe('preview warnings', () => {
  it('should warn, and still preview, about a missing named policy and a Basic Teams Rooms device outside General', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'preview-warnings-'));
    try {
      const path = join(dir, 'devices.yaml');
      writeFileSync(
        path,
        [
          'apiVersion: teamsdevices.io/v1alpha1',
          'kind: TeamsDevice',
          'metadata: {name: room-1, namespace: lab}',
          'spec: {type: TeamsRoomsAndroid, manufacturer: Yealink, model: MeetingBar A20, license: Basic,',
          '       firmwareAutoUpdate: {phase: Test}, policy: vip}',
        ].join('\n'),
      );
      const run = await preview('-f', path, '--now', NOW, '--json');
      expect(run.code).to.equal(0);
      expect(run.stdout).to.equal('[]\n');
      expect(run.stderr).to.contain(
        'warning: TeamsDevice lab/room-1 names UpdatePolicy "vip", which is not in the input; the UpdatePolicy defaults apply',
      );
      expect(run.stderr).to.contain(
        'warning: TeamsDevice lab/room-1 is a Basic TeamsRoomsAndroid in phase Test: the API server refuses that on create',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
