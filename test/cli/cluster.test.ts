// `teams-device-operator cluster` as a user runs it: it prints where the kubeconfig is, the real kubectl
// works with that kubeconfig over plain HTTP and over TLS, and SIGINT/SIGTERM stop it cleanly.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';
import { expect } from 'chai';
import { toolPaths } from '../../src/localcluster/test/support/tools.js';

const run = promisify(execFile);

interface Started {
  child: ChildProcess;
  output: string;
  kubeconfig: string;
}

function startCli(args: string[], stderr: 'inherit' | number = 'inherit'): Promise<Started> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/bin.ts', 'cluster', '--log-level', 'warn', ...args],
    {
      stdio: ['ignore', 'pipe', stderr],
    },
  );
  let output = '';
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`cluster exited with ${code}: ${output}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Kubeconfig written to (\S+)/.exec(output);
      if (match?.[1] && output.includes('Ctrl-C')) resolve({ child, output, kubeconfig: match[1] });
    });
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

describe('teams-device-operator cluster', function () {
  this.timeout(60_000);
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tdo-cli-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const kubectl = (kubeconfig: string, ...args: string[]) =>
    run(toolPaths().kubectl, [`--kubeconfig=${kubeconfig}`, `--cache-dir=${join(dir, 'cache')}`, ...args]);

  for (const [mode, flags] of [
    ['plain HTTP', []],
    ['TLS', ['--tls']],
  ] as const) {
    it(`should print how to use it, serve kubectl over ${mode}, and stop on SIGTERM`, async () => {
      const kubeconfigPath = join(dir, 'kubeconfig');
      const started = await startCli([
        '--port',
        '0',
        '--data-dir',
        join(dir, 'data'),
        '--kubeconfig',
        kubeconfigPath,
        ...flags,
      ]);
      try {
        expect(started.kubeconfig).to.equal(kubeconfigPath);
        expect(started.output).to.include(`export KUBECONFIG=${kubeconfigPath}`);
        expect(started.output).to.match(
          mode === 'TLS'
            ? /listening on https:\/\/127\.0\.0\.1:\d+/
            : /listening on http:\/\/127\.0\.0\.1:\d+/,
        );
        const { stdout } = await kubectl(kubeconfigPath, 'get', 'namespaces', '-o', 'name');
        expect(stdout.split('\n')).to.include.members(['namespace/default', 'namespace/kube-system']);
        await kubectl(kubeconfigPath, 'create', 'configmap', 'cli', '--from-literal=a=b');
      } finally {
        started.child.kill('SIGTERM');
      }
      expect(await exited(started.child)).to.equal(0);
    });
  }

  it('should answer kubectl without the token with Unauthorized', async () => {
    const kubeconfigPath = join(dir, 'kubeconfig');
    const started = await startCli(['--port', '0', '--kubeconfig', kubeconfigPath]);
    try {
      const wrong = readFileSync(kubeconfigPath, 'utf8')
        .replace(/:[^:@/]+@/, ':wrong@')
        .replace(/token: .*/, 'token: wrong');
      const wrongPath = join(dir, 'wrong');
      await import('node:fs').then((fs) => fs.writeFileSync(wrongPath, wrong));
      const error = await kubectl(wrongPath, 'get', 'namespaces').catch((e: { stderr: string }) => e);
      expect((error as { stderr: string }).stderr).to.match(/Unauthorized|provide credentials/);
    } finally {
      started.child.kill('SIGINT');
    }
    expect(await exited(started.child)).to.equal(0);
  });

  it('should keep serving and stop cleanly when stderr cannot take a log line (stderr on /dev/full)', async () => {
    const kubeconfigPath = join(dir, 'kubeconfig');
    const full = openSync('/dev/full', 'w');
    let started: Started;
    try {
      started = await startCli(['--port', '0', '--kubeconfig', kubeconfigPath, '--log-level', 'debug'], full);
    } finally {
      closeSync(full);
    }
    try {
      for (let i = 0; i < 3; i++) {
        const { stdout } = await kubectl(kubeconfigPath, 'get', 'namespaces', '-o', 'name');
        expect(stdout).to.include('namespace/default');
      }
    } finally {
      started.child.kill('SIGTERM');
    }
    expect(await exited(started.child)).to.equal(0);
  });

  it('should refuse to start on a damaged log, naming the file and the byte offset', async () => {
    const data = join(dir, 'data');
    mkdirSync(data);
    const line = (json: string) => `${crc32(json).toString(16).padStart(8, '0')}\t${json}\n`;
    const good = line('{"rv":1,"r":"configmaps","o":{"metadata":{"name":"a","namespace":"default"}}}');
    const segment = join(data, 'wal-0000000001.log');
    writeFileSync(segment, `${good}00000000\t{"rv":2}\n${good}`);
    const error = await run(process.execPath, [
      '--import',
      'tsx',
      'src/cli/bin.ts',
      'cluster',
      '--log-level',
      'silent',
      '--data-dir',
      data,
    ]).catch((e: { code: number; stderr: string }) => e);
    expect((error as { code: number }).code).to.equal(1);
    expect((error as { stderr: string }).stderr).to.include(
      `${segment} is damaged at byte ${good.length}: record 2 fails its checksum`,
    );
  });

  it('should refuse unknown flags with a usage error', async () => {
    const error = await run(process.execPath, [
      '--import',
      'tsx',
      'src/cli/bin.ts',
      'cluster',
      '--bogus',
    ]).catch((e: { code: number; stderr: string }) => e);
    expect((error as { code: number }).code).to.equal(2);
    expect((error as { stderr: string }).stderr).to.match(/Unknown option '--bogus'/);
  });
});
