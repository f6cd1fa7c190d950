// The control plane alone in a child process, for tests that kill it (SIGKILL) or start several at once.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface ChildCluster {
  child: ChildProcess;
  url: string;
  token: string;
}

/** Resolves once the child serves; rejects with its stderr when it exits first (a refused start). */
export function startChild(dataDir: string): Promise<ChildCluster> {
  const script = `
    import { startLocalCluster } from ${JSON.stringify(join(process.cwd(), 'src/localcluster/index.ts'))};
    try {
      const cluster = await startLocalCluster({ tls: false, dataDir: ${JSON.stringify(dataDir)} });
      console.log(JSON.stringify({ url: cluster.url, token: cluster.token }));
    } catch (error) {
      console.error(String(error));
      process.exit(1);
    }
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the child exited with ${code}: ${stderr.trim()}`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', (line) => {
      resolve({ child, ...(JSON.parse(line) as { url: string; token: string }) });
    });
  });
}

/** Stops a child with `signal` and waits for it to exit. */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}
