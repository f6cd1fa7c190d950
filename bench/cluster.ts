// What the operator benchmarks share: the embedded control plane in its own process (bench/server-process.ts,
// so the figures of the benchmark's own process are the operator's), the CRDs, and bounded-parallel creates.
import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { allCrds } from '../src/api/v1alpha1/crds.js';
import type { KubeClient } from '../src/k8s/client.js';
import type { KubeObject } from '../src/k8s/object.js';
import { resourcePath, TEAMS_RESOURCES } from '../src/k8s/resource.js';
import { childArgs } from './child.js';

export interface ServerMessage {
  type: string;
  kubeconfig?: string;
}

export function startServer(): Promise<ChildProcess & { kubeconfig: string }> {
  // BENCH_SERVER_PROFILE=DIR writes the server's CPU profile there when it stops.
  const profile = process.env.BENCH_SERVER_PROFILE;
  const prefix = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];
  const child = spawn(process.execPath, [...prefix, ...childArgs('server-process'), '', ''], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the server exited with ${code} before it was ready`)));
    child.once('message', (message: ServerMessage) => {
      if (message.type === 'ready' && message.kubeconfig) {
        resolve(Object.assign(child, { kubeconfig: message.kubeconfig }));
      }
    });
  });
}

export async function parallel<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

export async function create(client: KubeClient, o: KubeObject): Promise<void> {
  const ref = TEAMS_RESOURCES[o.kind ?? ''];
  const path = ref ? resourcePath(ref, { namespace: o.metadata?.namespace }) : '/api/v1/namespaces';
  await client.create(path, o);
}

export async function installCrds(client: KubeClient): Promise<void> {
  const crds = allCrds();
  for (const crd of crds) {
    await client.create('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd as never);
  }
  for (const crd of crds) {
    const path = `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`;
    for (;;) {
      const live = await client.get<
        KubeObject & { status?: { conditions?: { type: string; status: string }[] } }
      >(path);
      if (live.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
      await sleep(20);
    }
  }
}

/** The server's CPU microseconds so far (bench/server-process.ts answers a usage request). */
export function serverCpuMicros(server: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const onMessage = (message: ServerMessage & { cpuMicros?: number }) => {
      if (message.type !== 'usage') return;
      server.off('message', onMessage);
      resolve(message.cpuMicros ?? 0);
    };
    server.on('message', onMessage);
    server.send({ type: 'usage' });
  });
}
