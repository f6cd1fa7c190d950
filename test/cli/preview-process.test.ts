import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { EXAMPLES, FIXTURES, FLEET, NOW, previewProcess, rowsOf } from './preview-support.js';

describe('teams-device-operator preview as a process (node --import tsx src/cli/bin.ts)', () => {
  it('should print the examples as JSON on stdout and exit 0', () => {
    const run = previewProcess(['-f', EXAMPLES, '--now', NOW, '--json']);
    expect(run.stderr).to.equal('');
    const rows = rowsOf(run);
    expect(rows.length).to.be.at.least(30);
  });

  it('should exit 2 with the file, object and field on stderr for invalid input', () => {
    const run = previewProcess(['-f', `${FIXTURES}/invalid/bad-type.yaml`]);
    expect(run.code).to.equal(2);
    expect(run.stdout).to.equal('');
    expect(run.stderr).to.contain(
      'TeamsDevice default/p1 (document 3): spec.type: Unsupported value: "Tablet"',
    );
  });

  it('should read YAML from stdin with -f -, and start at the current time without --now', () => {
    const text = ['releases', 'policies', 'devices', 'plans']
      .map((name) => readFileSync(`${FLEET}/${name}.yaml`, 'utf8'))
      .join('\n---\n');
    const before = Date.now();
    const run = previewProcess(['-f', '-', '--json'], text);
    const rows = rowsOf(run);
    const immediate = rows.find((r) => r.source === 'UpdatePlan/app-now');
    expect(Date.parse(immediate?.at ?? '')).to.be.within(before - 1000, Date.now());
  });
});
