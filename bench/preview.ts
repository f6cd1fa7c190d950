// Benchmark of `teams-device-operator preview` at fleet scale (not a test: it prints figures against goals).
//   npm run bench:preview, or node dist/bench/preview.js [--devices=100000] [--cpu-prof=DIR]
// Writes the example catalog of deploy/examples (releases, policies, plans, namespaces) and one devices.yaml
// of N TeamsDevices (the example devices under new names, labels and annotations kept) into a temp dir, then
// runs the real CLI in a child process with --json --timings, as a user would, and prints:
//   wall time from spawn to exit (goal <= 5 s), peak RSS (goal <= 1 GB: the child's own maxRSS, and VmHWM read
//   from /proc while it runs), and where the time goes: parse, admission, timeline, output (wall and CPU).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeInput } from './preview-input.js';

const GOALS = { seconds: 5, peakRssMb: 1024 };

const { values: flags } = parseArgs({
  options: {
    devices: { type: 'string', default: '100000' },
    /** Write a V8 CPU profile of the child into this folder (node --cpu-prof). */
    'cpu-prof': { type: 'string' },
  },
});
const DEVICES = Number(flags.devices);

/** node arguments that run the CLI: compiled when this bench runs compiled, through tsx otherwise. */
function cliArgs(): string[] {
  return import.meta.url.endsWith('.js')
    ? [fileURLToPath(new URL('../src/cli/bin.js', import.meta.url))]
    : ['--import', 'tsx', fileURLToPath(new URL('../src/cli/bin.ts', import.meta.url))];
}

/** VmHWM (peak resident set) of a running process in MB, or 0 once it is gone. */
function highWaterMb(pid: number): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

async function runPreview(dir: string) {
  const profile = flags['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${flags['cpu-prof']}`] : [];
  const argv = [...profile, ...cliArgs(), 'preview', '-f', dir, '--now', '2026-12-01T00:00:00Z'];
  const started = performance.now();
  const child = spawn(process.execPath, [...argv, '--json', '--timings'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdoutBytes = 0;
  let stderr = '';
  let vmHwmMb = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    stdoutBytes += chunk.length;
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const poll = setInterval(() => {
    if (child.pid !== undefined) vmHwmMb = Math.max(vmHwmMb, highWaterMb(child.pid));
  }, 50);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(poll);
  return { code, seconds: (performance.now() - started) / 1000, stdoutBytes, stderr, vmHwmMb };
}

const dir = mkdtempSync(join(tmpdir(), 'bench-preview-'));
try {
  const bytes = writeInput(dir, DEVICES);
  console.log(
    `input: ${DEVICES.toLocaleString('en-US')} TeamsDevices in devices.yaml (${(bytes / 1e6).toFixed(1)} MB) ` +
      'and the example catalog of deploy/examples',
  );
  const run = await runPreview(dir);
  if (run.code !== 0) {
    console.error(`preview exited ${run.code}:\n${run.stderr}`);
    process.exitCode = 1;
  } else {
    const timings = /timings: (.*), peak RSS (\d+) MB/.exec(run.stderr);
    const maxRssMb = Number(timings?.[2] ?? 0);
    const peakMb = Math.max(maxRssMb, run.vmHwmMb);
    const verdict = (ok: boolean) => (ok ? 'goal met' : 'goal NOT met');
    console.log(`output: ${(run.stdoutBytes / 1e6).toFixed(1)} MB of JSON`);
    console.log(
      `wall time: ${run.seconds.toFixed(2)} s from spawn to exit (goal <= ${GOALS.seconds} s: ${verdict(run.seconds <= GOALS.seconds)})`,
    );
    console.log(
      `peak RSS: ${peakMb.toFixed(0)} MB (maxRSS ${maxRssMb} MB, VmHWM ${run.vmHwmMb.toFixed(0)} MB; ` +
        `goal <= ${GOALS.peakRssMb} MB: ${verdict(peakMb <= GOALS.peakRssMb)})`,
    );
    console.log(`phases: ${timings?.[1] ?? run.stderr.trim()}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
