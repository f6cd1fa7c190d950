import { expect } from 'chai';
import { ApiError } from '../errors.js';
import { applyStrategicMergePatch } from '../patch/strategic-merge.js';

function deployment() {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web', tier: 'front' }, finalizers: ['a', 'b', 'c'] },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'app',
              image: 'web:1',
              args: ['--a', '--b'],
              env: [
                { name: 'A', value: '1' },
                { name: 'B', value: '2' },
              ],
              ports: [{ containerPort: 8080, protocol: 'TCP' }],
            },
            { name: 'sidecar', image: 'proxy:1' },
          ],
          tolerations: [{ key: 'x', operator: 'Exists' }],
          volumes: [{ name: 'data', emptyDir: {} }],
        },
      },
    },
  };
}

type Deployment = ReturnType<typeof deployment>;
const containersOf = (d: Deployment) => d.spec.template.spec.containers as Array<Record<string, unknown>>;
const patchOf = (template: unknown) => ({ spec: { template: { spec: template } } });

describe('applyStrategicMergePatch', () => {
  it('should merge containers by name, changing only what the patch names', () => {
    const result = applyStrategicMergePatch(
      deployment(),
      patchOf({ containers: [{ name: 'app', image: 'web:2' }] }),
      'Deployment',
    ) as Deployment;
    expect(containersOf(result).map((c) => [c.name, c.image])).to.deep.equal([
      ['app', 'web:2'],
      ['sidecar', 'proxy:1'],
    ]);
    expect(containersOf(result)[0]?.env).to.deep.equal(deployment().spec.template.spec.containers[0]?.env);
  });

  it('should put a container the live object does not have first, as the API server does', () => {
    // The order documented in "Update API Objects in Place Using kubectl patch": patch items that
    // were not in the live list come before the live-only items.
    const result = applyStrategicMergePatch(
      deployment(),
      patchOf({ containers: [{ name: 'init', image: 'busybox' }] }),
      'Deployment',
    ) as Deployment;
    expect(containersOf(result).map((c) => c.name)).to.deep.equal(['init', 'app', 'sidecar']);
  });

  it('should delete an env item marked $patch: delete and merge the others by name', () => {
    const patch = patchOf({
      containers: [
        {
          name: 'app',
          env: [
            { name: 'B', $patch: 'delete' },
            { name: 'A', value: '10' },
          ],
        },
      ],
    });
    const result = applyStrategicMergePatch(deployment(), patch, 'Deployment') as Deployment;
    expect(containersOf(result)[0]?.env).to.deep.equal([{ name: 'A', value: '10' }]);
  });

  it('should order a merged list as $setElementOrder says', () => {
    const patch = patchOf({
      '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'app' }],
      containers: [{ name: 'app', image: 'web:3' }],
    });
    const result = applyStrategicMergePatch(deployment(), patch, 'Deployment') as Deployment;
    expect(containersOf(result).map((c) => [c.name, c.image])).to.deep.equal([
      ['sidecar', 'proxy:1'],
      ['app', 'web:3'],
    ]);
    expect(result.spec.template.spec).to.not.have.any.keys('$setElementOrder/containers');
  });

  it('should apply the three-way patch kubectl apply sends when an env var is added and one removed', () => {
    // What `kubectl apply` (client-side) computes after the manifest changed env from [A, B] to [A, C].
    const patch = JSON.parse(`{
      "metadata": {"annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}"}},
      "spec": {"template": {"spec": {
        "$setElementOrder/containers": [{"name": "app"}, {"name": "sidecar"}],
        "containers": [{
          "$setElementOrder/env": [{"name": "C"}, {"name": "A"}],
          "env": [{"name": "C", "value": "3"}, {"$patch": "delete", "name": "B"}],
          "name": "app"
        }]
      }}}
    }`);
    const result = applyStrategicMergePatch(deployment(), patch, 'Deployment') as Deployment;
    expect(containersOf(result)[0]?.env).to.deep.equal([
      { name: 'C', value: '3' },
      { name: 'A', value: '1' },
    ]);
    expect(containersOf(result).map((c) => c.name)).to.deep.equal(['app', 'sidecar']);
    expect(JSON.stringify(result)).to.not.include('$');
  });

  it('should clear the keys $retainKeys does not list (a Deployment switched to Recreate)', () => {
    const patch = { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } } };
    const result = applyStrategicMergePatch(deployment(), patch, 'Deployment') as Deployment;
    expect(result.spec.strategy).to.deep.equal({ type: 'Recreate' });
  });

  it('should delete a key whose patch value is null', () => {
    const patch = { metadata: { labels: { tier: null } }, spec: { replicas: null } };
    const result = applyStrategicMergePatch(deployment(), patch, 'Deployment') as Deployment;
    expect(result.metadata.labels).to.deep.equal({ app: 'web' });
    expect(result.spec).to.not.have.property('replicas');
  });

  it('should replace a map marked $patch: replace instead of merging it', () => {
    const patch = { metadata: { labels: { $patch: 'replace', owner: 'me' } } };
    const result = applyStrategicMergePatch(deployment(), patch, 'Deployment') as Deployment;
    expect(result.metadata.labels).to.deep.equal({ owner: 'me' });
  });

  it('should empty a map marked $patch: delete', () => {
    const result = applyStrategicMergePatch(
      deployment(),
      { spec: { strategy: { $patch: 'delete' } } },
      'Deployment',
    ) as Deployment;
    expect(result.spec.strategy).to.deep.equal({});
  });

  it('should make the other items the whole list when one item says $patch: replace', () => {
    const patch = patchOf({ containers: [{ $patch: 'replace' }, { name: 'only', image: 'x' }] });
    const result = applyStrategicMergePatch(deployment(), patch, 'Deployment') as Deployment;
    expect(result.spec.template.spec.containers).to.deep.equal([{ name: 'only', image: 'x' }]);
  });

  it('should merge finalizers as a set and delete the ones $deleteFromPrimitiveList names', () => {
    const patch = { metadata: { finalizers: ['d', 'a'], '$deleteFromPrimitiveList/finalizers': ['b'] } };
    const result = applyStrategicMergePatch(deployment(), patch, 'Deployment') as Deployment;
    expect([...result.metadata.finalizers].sort()).to.deep.equal(['a', 'c', 'd']);
  });

  it('should order a primitive list by $setElementOrder after deleting from it', () => {
    const patch = {
      metadata: {
        '$setElementOrder/finalizers': ['c', 'd', 'a'],
        finalizers: ['d'],
        '$deleteFromPrimitiveList/finalizers': ['b'],
      },
    };
    const result = applyStrategicMergePatch(deployment(), patch, 'Deployment') as Deployment;
    expect(result.metadata.finalizers).to.deep.equal(['c', 'd', 'a']);
  });

  it('should replace lists that have no patch strategy (args, tolerations)', () => {
    const patch = patchOf({
      tolerations: [{ key: 'y', operator: 'Exists' }],
      containers: [{ name: 'app', args: ['--c'] }],
    });
    const result = applyStrategicMergePatch(deployment(), patch, 'Deployment') as Deployment;
    expect(result.spec.template.spec.tolerations).to.deep.equal([{ key: 'y', operator: 'Exists' }]);
    expect(containersOf(result)[0]?.args).to.deep.equal(['--c']);
  });

  it('should merge container ports by containerPort and volumes by name', () => {
    const patch = patchOf({
      containers: [{ name: 'app', ports: [{ containerPort: 9090, name: 'metrics' }] }],
      volumes: [{ name: 'cache', emptyDir: {} }],
    });
    const result = applyStrategicMergePatch(deployment(), patch, 'Deployment') as Deployment;
    expect(containersOf(result)[0]?.ports).to.deep.equal([
      { containerPort: 9090, name: 'metrics' },
      { containerPort: 8080, protocol: 'TCP' },
    ]);
    expect(result.spec.template.spec.volumes.map((v) => v.name)).to.deep.equal(['cache', 'data']);
  });

  const keyed: Array<[string, string, object, object, unknown]> = [
    [
      'should merge Service ports by port',
      'Service',
      { spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 443 }] } },
      { spec: { ports: [{ port: 443, targetPort: 8443 }] } },
      {
        spec: {
          ports: [
            { port: 80, targetPort: 8080 },
            { port: 443, targetPort: 8443 },
          ],
        },
      },
    ],
    [
      'should merge status conditions by type',
      'Pod',
      {
        status: {
          conditions: [
            { type: 'Ready', status: 'False' },
            { type: 'Initialized', status: 'True' },
          ],
        },
      },
      { status: { conditions: [{ type: 'Ready', status: 'True' }] } },
      {
        status: {
          conditions: [
            { type: 'Ready', status: 'True' },
            { type: 'Initialized', status: 'True' },
          ],
        },
      },
    ],
    [
      'should merge ownerReferences by uid',
      'ConfigMap',
      { metadata: { ownerReferences: [{ uid: '1', name: 'a' }] } },
      { metadata: { ownerReferences: [{ uid: '2', name: 'b' }] } },
      {
        metadata: {
          ownerReferences: [
            { uid: '2', name: 'b' },
            { uid: '1', name: 'a' },
          ],
        },
      },
    ],
    [
      'should replace the lists of a built-in kind it has no table for',
      'Role',
      { rules: [{ verbs: ['get'] }] },
      { rules: [{ verbs: ['list'] }] },
      { rules: [{ verbs: ['list'] }] },
    ],
  ];
  for (const [name, kind, target, patch, result] of keyed) {
    it(name, () => {
      expect(applyStrategicMergePatch(target, patch, kind)).to.deep.equal(result);
    });
  }

  it('should leave the target unmodified', () => {
    const target = deployment();
    applyStrategicMergePatch(
      target,
      patchOf({ containers: [{ name: 'app', image: 'web:9' }] }),
      'Deployment',
    );
    expect(target).to.deep.equal(deployment());
  });

  const errors: Array<[string, object, number, string]> = [
    [
      'should answer 400 for an unknown $patch directive',
      { metadata: { labels: { $patch: 'bogus' } } },
      400,
      'unknown patch type: "bogus" in map: {}',
    ],
    [
      'should answer 422 for a merge-list item without its merge key',
      patchOf({ containers: [{ image: 'x' }] }),
      422,
      'map: {"image":"x"} does not contain declared merge key: name',
    ],
    [
      'should answer 400 when the patch names keys that $retainKeys does not list',
      { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: { maxSurge: 2 } } } },
      400,
      'invalid patch format of retainKeys',
    ],
  ];
  for (const [name, patch, code, message] of errors) {
    it(name, () => {
      let error: unknown;
      try {
        applyStrategicMergePatch(deployment(), patch, 'Deployment');
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(ApiError);
      expect([(error as ApiError).code, (error as ApiError).message]).to.deep.equal([code, message]);
    });
  }
});
