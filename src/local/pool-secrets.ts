// The broker credentials of every DeviceProxyPool: the Secret its spec.mqtt.credentialsSecret names (keys
// username and password, which the pool's Deployment reads), holding the proxy user of the embedded broker.
// Kept for every pool there is, also one the user adds later; a Secret the user wrote is replaced only when
// its credentials are not the broker's.
import type { Logger } from 'pino';
import type { DeviceProxyPool } from '../api/v1alpha1/index.js';
import type { KubeClient } from '../k8s/client.js';
import { isAlreadyExists, isNotFound } from '../k8s/errors.js';
import type { KubeObject } from '../k8s/object.js';
import type { Informer } from '../runtime/informer.js';

type Secret = KubeObject & { type?: string; data?: Record<string, string> };

export function followPoolSecrets(
  client: KubeClient,
  pools: Informer<DeviceProxyPool>,
  user: { username: string; password: string },
  logger: Logger,
): () => void {
  const data = {
    username: Buffer.from(user.username).toString('base64'),
    password: Buffer.from(user.password).toString('base64'),
  };
  const done = new Set<string>();
  const ensure = async (pool: DeviceProxyPool) => {
    const namespace = pool.metadata.namespace ?? 'default';
    const name = pool.spec.mqtt?.credentialsSecret;
    if (!name || done.has(`${namespace}/${name}`)) return;
    const path = `/api/v1/namespaces/${namespace}/secrets/${name}`;
    const secret: Secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace },
      type: 'Opaque',
      data,
    };
    try {
      const live = await client.get<Secret>(path).catch((err: unknown) => {
        if (isNotFound(err)) return undefined;
        throw err;
      });
      if (!live) await client.create(`/api/v1/namespaces/${namespace}/secrets`, secret);
      else if (live.data?.username !== data.username || live.data?.password !== data.password) {
        await client.replace(path, { ...secret, metadata: { ...secret.metadata, ...live.metadata } });
      }
      done.add(`${namespace}/${name}`);
    } catch (err) {
      if (isAlreadyExists(err)) return;
      logger.warn({ err, namespace, secret: name }, 'pool credentials not written');
    }
  };
  return pools.addEventHandler({
    add: (pool) => void ensure(pool),
    update: (_old, pool) => void ensure(pool),
  });
}
