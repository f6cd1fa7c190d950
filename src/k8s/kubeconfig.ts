// The client-node KubeConfig the parsed config points at.
import { existsSync, readFileSync } from 'node:fs';
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

/**
 * The configuration of `source` read again, for a retry after 401: the kubeconfig files as they are now,
 * and a token file (the in-cluster service-account token) read now rather than from client-node's cache,
 * which keeps a token file's content up to 60 s.
 */
export function reloadKubeConfig(source: Config['kubeconfig']): KubeConfig {
  const kc = loadKubeConfig(source);
  const users = kc.users.map((user) => {
    const tokenFile = (user.authProvider as { config?: { tokenFile?: unknown } } | undefined)?.config
      ?.tokenFile;
    if (typeof tokenFile !== 'string') return user;
    const { authProvider: _cached, ...rest } = user;
    return { ...rest, token: readFileSync(tokenFile, 'utf8').trim() };
  });
  const fresh = new KubeConfig();
  fresh.loadFromOptions({
    clusters: kc.clusters,
    users,
    contexts: kc.contexts,
    currentContext: kc.currentContext,
  });
  return fresh;
}
