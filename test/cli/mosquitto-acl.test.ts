import { spawnSync } from 'node:child_process';
import { expect } from 'chai';

function acl(args: string[], stdin = '') {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'mosquitto-acl', ...args], {
    input: stdin,
    encoding: 'utf8',
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const list = (...items: unknown[]) => JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
const device = (namespace: string, name: string, proxyPool?: string) => ({
  apiVersion: 'teamsdevices.io/v1alpha1',
  kind: 'TeamsDevice',
  metadata: { name, namespace },
  spec: { type: 'Phone', manufacturer: 'Yealink', model: 'MP56', ...(proxyPool ? { proxyPool } : {}) },
});

describe('teams-device-operator mosquitto-acl as a process', () => {
  it('should print the acl_file of `kubectl get teamsdevices -A -o json` on stdin', () => {
    const run = acl(
      ['--operator-user', 'tdo', '--pool-user', 'emea/lab=lab-proxies'],
      list(device('emea', 'ber-1'), device('emea', 'lab-1', 'lab')),
    );
    expect(run.stderr).to.equal('');
    expect(run.code).to.equal(0);
    expect(run.stdout).to.contain('user tdo\ntopic read tdo/v1/devices/+/state\n');
    expect(run.stdout).to.contain('user proxy-emea-default\n');
    expect(run.stdout).to.contain('user lab-proxies\n');
    expect(run.stdout).to.contain('topic read tdo/v1/devices/lab-1/commands\n');
  });

  it('should read the example fleet folder, one pool per namespace', () => {
    const run = acl(['-f', 'deploy/examples']);
    expect(run.code).to.equal(0);
    expect(run.stdout.match(/^user /gm)).to.have.length(4);
    expect(run.stdout).to.contain('user proxy-contoso-emea-default\n');
  });

  for (const [what, args, stdin, message] of [
    ['bad JSON', [], '{"items": [', 'stdin: not valid JSON'],
    ['empty input', [], '', 'stdin: empty input'],
    [
      'input without TeamsDevices',
      [],
      list({ kind: 'Namespace', metadata: { name: 'x' } }),
      'no TeamsDevice in the input',
    ],
    [
      'a malformed --pool-user',
      ['--pool-user', 'emea=x'],
      list(),
      '--pool-user "emea=x": expected NAMESPACE/POOL=USER',
    ],
    ['a missing file', ['-f', 'no/such/file.json'], '', 'no/such/file.json: cannot read: ENOENT'],
    ['an unknown flag', ['--nope'], '', "Unknown option '--nope'"],
  ] as const) {
    it(`should exit 2 with a clear message on stderr for ${what}, printing nothing`, () => {
      const run = acl([...args], stdin);
      expect(run.code).to.equal(2);
      expect(run.stdout).to.equal('');
      expect(run.stderr).to.contain(message);
    });
  }
});
