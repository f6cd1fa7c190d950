// The client-node KubeConfig the parsed config points at.
import { existsSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import type { Config } from '../config/config.js';

/** Loads the kubeconfig files of `config.kubeconfig` (merged in order), or the in-cluster service account. */
export function loadKubeConfig(source: Config['kubeconfig']): KubeConfig {
  const kc = new KubeConfig();
  if (source.source === 'in-cluster') {
    kc.loadFromCluster();
    return kc;
  }
  const [first, ...rest] = source.paths;
  if (first === undefined || !existsSync(first)) {
    const where = first ?? '(none)';
    const hint =
      source.source === 'default'
        ? 'pass --kubeconfig, set KUBECONFIG, or run inside a cluster'
        : `check ${source.source === 'flag' ? '--kubeconfig' : 'KUBECONFIG'}`;
    throw new Error(`kubeconfig ${where} does not exist: ${hint}`);
  }
  kc.loadFromFile(first);
  for (const path of rest) {
    if (!existsSync(path)) continue;
    const more = new KubeConfig();
    more.loadFromFile(path);
    kc.mergeConfig(more);
  }
  return kc;
}
