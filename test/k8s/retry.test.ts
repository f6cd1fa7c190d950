import { expect } from 'chai';
import type { KubeObject } from '../../src/k8s/object.js';
import { retryOnConflict } from '../../src/k8s/retry.js';
import { useRuntimeCluster } from '../support/cluster.js';

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

describe('retryOnConflict against the embedded control plane', () => {
  const fx = useRuntimeCluster();
  const path = '/api/v1/namespaces/default/configmaps/counter';

  before(async () => {
    await fx.client().create<ConfigMap>('/api/v1/namespaces/default/configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'counter' },
      data: { n: '0' },
    });
  });

  it('should re-read and write again when a concurrent writer made its update stale', async () => {
    const client = fx.client();
    const other = fx.client();
    const attempts: number[] = [];
    await retryOnConflict(async (attempt) => {
      attempts.push(attempt);
      const cm = await client.get<ConfigMap>(path);
      if (attempt === 1) {
        // Someone else writes between our read and our write.
        await other.replace(path, { ...cm, data: { n: '10' } });
      }
      const n = Number(cm.data?.n ?? '0');
      return client.replace(path, { ...cm, data: { n: String(n + 1) } });
    });
    expect(attempts).to.deep.equal([1, 2]);
    expect((await client.get<ConfigMap>(path)).data).to.deep.equal({ n: '11' });
  });

  it('should give up after the last attempt and pass other errors through at once', async () => {
    const conflict = Object.assign(new Error('conflict'), { statusCode: 409 });
    let tries = 0;
    const err1 = await retryOnConflict(
      async () => {
        tries += 1;
        throw conflict;
      },
      { attempts: 3 },
    ).catch((e: unknown) => e);
    expect([err1, tries]).to.deep.equal([conflict, 3]);

    tries = 0;
    const notFound = Object.assign(new Error('not found'), { statusCode: 404 });
    const err2 = await retryOnConflict(async () => {
      tries += 1;
      throw notFound;
    }).catch((e: unknown) => e);
    expect([err2, tries]).to.deep.equal([notFound, 1]);
  });
});
