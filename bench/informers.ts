// The counting informers of bench/localcluster.ts, shared by the writer process and bench/informer-process.ts.
import { performance } from 'node:perf_hooks';
import {
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  makeInformer,
} from '@kubernetes/client-node';

export const GROUP = 'teamsdevices.io';
export const VERSION = 'v1alpha1';
export const PLURAL = 'teamsdevices';
export const NS = 'bench';

/** Wall-clock milliseconds comparable across processes (performance.now() is per process). */
export const wallNow = (): number => performance.timeOrigin + performance.now();

/** An informer on the bench namespace that resolves `synced` once it holds `target` objects. */
export function startCountingInformer(kc: KubeConfig, target: number) {
  const api = kc.makeApiClient(CustomObjectsApi);
  let seen = 0;
  let syncedAt = 0;
  let resolveSynced: () => void = () => {};
  const synced = new Promise<void>((resolve) => {
    resolveSynced = resolve;
  });
  const informer = makeInformer<KubernetesObject>(
    kc,
    `/apis/${GROUP}/${VERSION}/namespaces/${NS}/${PLURAL}`,
    async () =>
      (await api.listNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: NS,
        plural: PLURAL,
      })) as KubernetesListObject<KubernetesObject>,
  );
  informer.on('add', () => {
    seen += 1;
    if (seen === target) {
      syncedAt = wallNow();
      resolveSynced();
    }
  });
  informer.on('error', (err: unknown) => {
    if ((err as { name?: string }).name !== 'AbortError') console.error('informer error', err);
  });
  return { informer, synced, syncedAt: () => syncedAt, seen: () => seen };
}
