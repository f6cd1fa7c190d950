// Runs `teams-device-operator preview` in-process or as a real process, and reads what a user would see.
import { spawnSync } from 'node:child_process';
import { main } from '../../src/cli/preview.js';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export const FIXTURES = 'test/fixtures/preview';
export const FLEET = `${FIXTURES}/fleet`;
export const EXAMPLES = 'deploy/examples';
export const NOW = '2026-12-01T00:00:00Z';

/** Calls the command's main(argv) with stdout and stderr captured. */
export async function preview(...argv: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const stdoutWrite = process.stdout.write;
  const stderrWrite = process.stderr.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    err.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await main(argv);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = stdoutWrite;
    process.stderr.write = stderrWrite;
  }
}

/** Runs the real CLI entry point: `node --import tsx src/cli/bin.ts preview …`. */
export function previewProcess(argv: string[], input?: string): Run {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'preview', ...argv], {
    encoding: 'utf8',
    input,
    timeout: 60_000,
  });
  if (result.error) throw result.error;
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export interface JsonRow {
  namespace: string;
  device: string;
  component: string;
  fromVersion: string | null;
  toVersion: string | null;
  at: string | null;
  localTime: string | null;
  source: string;
  reason: string | null;
}

/** The JSON rows of a successful `--json` run. */
export function rowsOf(run: Run): JsonRow[] {
  if (run.code !== 0) throw new Error(`preview exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as JsonRow[];
}

export function columns(line: string): number {
  return [...line].length;
}
