// The list and map semantics of built-in kinds have one source, their OpenAPI schemas (with merge-only schemas
// for the kinds served without a published one). These tests pin what the Go types of k8s.io/api 1.32 declare,
// and show, through the patches kubectl sends, the places where the old hand-written table and the published
// schemas disagreed and the Go types settled it.
import { expect } from 'chai';
import { builtinKindComponents, listKeysForKind } from '../patch/builtin-list-keys.js';
import type { ListKeyLookup } from '../patch/schema.js';
import { type ApplyResult, applyServerSide } from '../patch/server-side-apply.js';
import { applyStrategicMergePatch } from '../patch/strategic-merge.js';

// biome-ignore lint/suspicious/noExplicitAny: the tests read deep into the JSON objects they check
type Obj = Record<string, any>;

const T0 = new Date('2025-03-01T10:00:00Z');

/** The node at a dotted path, `[]` stepping into list items. */
function at(kind: string, apiVersion: string, path: string): ListKeyLookup | undefined {
  let node: ListKeyLookup | undefined = listKeysForKind(kind, apiVersion);
  for (const step of path.split('.')) {
    if (step === '[]') node = node?.items;
    else node = node?.fields?.[step];
  }
  return node;
}

const semantics = (node: ListKeyLookup | undefined) => ({
  listType: node?.listType,
  listMapKeys: node?.listMapKeys,
  mapType: node?.mapType,
  patchStrategy: node?.patchStrategy,
  patchMergeKey: node?.patchMergeKey,
});

const POD_SPEC = 'spec.template.spec';
type Semantics = ReturnType<typeof semantics>;
const keyed = (key: string, strategy: Semantics['patchStrategy'] = 'merge'): Semantics => ({
  listType: 'map',
  listMapKeys: [key],
  mapType: undefined,
  patchStrategy: strategy,
  patchMergeKey: key,
});
const ATOMIC_STRUCT: Semantics = {
  listType: undefined,
  listMapKeys: undefined,
  mapType: 'atomic',
  patchStrategy: undefined,
  patchMergeKey: undefined,
};

// [kind, apiVersion, path, what the Go tags declare]
const GO_TAGS: Array<[string, string, string, Semantics]> = [
  ['Deployment', 'apps/v1', `${POD_SPEC}.containers`, keyed('name')],
  ['Deployment', 'apps/v1', `${POD_SPEC}.volumes`, keyed('name', 'merge,retainKeys')],
  ['Deployment', 'apps/v1', `${POD_SPEC}.containers.[].env`, keyed('name')],
  ['Deployment', 'apps/v1', `${POD_SPEC}.containers.[].volumeMounts`, keyed('mountPath')],
  ['Deployment', 'apps/v1', `${POD_SPEC}.ephemeralContainers.[].env`, keyed('name')],
  ['Deployment', 'apps/v1', `${POD_SPEC}.ephemeralContainers.[].volumeDevices`, keyed('devicePath')],
  [
    'Deployment',
    'apps/v1',
    `${POD_SPEC}.containers.[].ports`,
    { ...keyed('containerPort'), listMapKeys: ['containerPort', 'protocol'] },
  ],
  ['Deployment', 'apps/v1', 'spec.selector', ATOMIC_STRUCT],
  ['Deployment', 'apps/v1', 'spec.strategy', { ...semantics(undefined), patchStrategy: 'retainKeys' }],
  ['Deployment', 'apps/v1', 'status.conditions', keyed('type')],
  ['Pod', 'v1', 'status.podIPs', keyed('ip')],
  ['Pod', 'v1', 'status.hostIPs', { ...keyed('ip'), listType: 'atomic', listMapKeys: undefined }],
  [
    'Pod',
    'v1',
    'spec.containers.[].resources.claims',
    { ...keyed('name'), patchStrategy: undefined, patchMergeKey: undefined },
  ],
  ['Pod', 'v1', 'spec.containers.[].env.[].valueFrom.secretKeyRef', ATOMIC_STRUCT],
  ['Pod', 'v1', 'spec.containers.[].env.[].valueFrom.configMapKeyRef', ATOMIC_STRUCT],
  ['Pod', 'v1', 'spec.imagePullSecrets.[]', ATOMIC_STRUCT],
  ['Pod', 'v1', 'spec.nodeSelector', ATOMIC_STRUCT],
  ['Service', 'v1', 'spec.ports', { ...keyed('port'), listMapKeys: ['port', 'protocol'] }],
  ['ServiceAccount', 'v1', 'secrets', keyed('name')],
  ['ConfigMap', 'v1', 'metadata.ownerReferences', keyed('uid')],
  [
    'ConfigMap',
    'v1',
    'metadata.finalizers',
    { ...semantics(undefined), listType: 'set', patchStrategy: 'merge' },
  ],
  ['RoleBinding', 'rbac.authorization.k8s.io/v1', 'roleRef', ATOMIC_STRUCT],
  ['RoleBinding', 'rbac.authorization.k8s.io/v1', 'subjects.[]', ATOMIC_STRUCT],
  ['Event', 'v1', 'involvedObject', ATOMIC_STRUCT],
  ['Event', 'events.k8s.io/v1', 'regarding', ATOMIC_STRUCT],
  ['StatefulSet', 'apps/v1', `${POD_SPEC}.containers`, keyed('name')],
  ['DaemonSet', 'apps/v1', 'status.conditions', keyed('type')],
  ['Job', 'batch/v1', 'status.conditions', { ...keyed('type'), listType: 'atomic', listMapKeys: undefined }],
  ['CronJob', 'batch/v1', `spec.jobTemplate.${POD_SPEC}.initContainers`, keyed('name')],
  ['Node', 'v1', 'spec.podCIDRs', { ...semantics(undefined), listType: 'set', patchStrategy: 'merge' }],
  ['Node', 'v1', 'status.addresses', keyed('type')],
  ['ReplicationController', 'v1', 'spec.selector', ATOMIC_STRUCT],
  ['PodDisruptionBudget', 'policy/v1', 'status.conditions', keyed('type')],
];

describe('list and map semantics of built-in kinds', () => {
  for (const [kind, apiVersion, path, expected] of GO_TAGS) {
    it(`should read ${kind} ${path} as its Go type declares it`, () => {
      expect(semantics(at(kind, apiVersion, path))).to.deep.equal(expected);
    });
  }

  it('should read every built-in kind from its schema, every $ref resolving and none looping', () => {
    expect(builtinKindComponents().size).to.be.greaterThan(30);
    for (const groupKind of builtinKindComponents().keys()) {
      const [group, kind] = groupKind.split('/') as [string, string];
      const keys = listKeysForKind(kind, group ? `${group}/v1` : 'v1');
      expect(keys.fields, groupKind).to.have.property('metadata');
    }
  });

  it('should tell the core Event from the events.k8s.io Event by apiVersion, and fall back to the core one', () => {
    expect(at('Event', 'events.k8s.io/v1', 'regarding')).to.not.equal(undefined);
    expect(at('Event', 'v1', 'involvedObject')).to.not.equal(undefined);
    expect(listKeysForKind('Event')).to.equal(listKeysForKind('Event', 'v1'));
  });

  it('should know a kind nobody modelled only by its metadata', () => {
    expect(Object.keys(listKeysForKind('Widget', 'example.com/v1').fields ?? {})).to.deep.equal(['metadata']);
  });
});

describe('what kubectl sees where the table and the schemas disagreed', () => {
  const pod = (status: Obj): Obj => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, status });

  it('should merge a patched status.podIPs into the live list by ip', () => {
    const live = pod({ podIPs: [{ ip: '10.0.0.1' }] });
    const result = applyStrategicMergePatch(live, { status: { podIPs: [{ ip: 'fd00::1' }] } }, 'Pod') as Obj;
    expect(result.status.podIPs).to.deep.equal([{ ip: 'fd00::1' }, { ip: '10.0.0.1' }]);
  });

  it('should merge a patched status.hostIPs by ip, yet own it whole under server-side apply', () => {
    const live = pod({ hostIPs: [{ ip: '10.0.0.1' }] });
    const merged = applyStrategicMergePatch(live, { status: { hostIPs: [{ ip: 'fd00::1' }] } }, 'Pod') as Obj;
    expect(merged.status.hostIPs).to.deep.equal([{ ip: 'fd00::1' }, { ip: '10.0.0.1' }]);

    const object = owned(
      applyServerSide({ live: undefined, applied: live, manager: 'kubelet', force: false, now: T0 }),
    );
    expect(object.metadata.managedFields[0].fieldsV1).to.deep.equal({ 'f:status': { 'f:hostIPs': {} } });
  });

  const claimsPod = (claims: Obj[]): Obj => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: { containers: [{ name: 'app', resources: { claims } }] },
  });

  it('should replace a patched resources.claims list, which has no patch strategy', () => {
    const live = claimsPod([{ name: 'gpu' }]);
    const patch = { spec: { containers: [{ name: 'app', resources: { claims: [{ name: 'fpga' }] } }] } };
    const result = applyStrategicMergePatch(live, patch, 'Pod') as Obj;
    expect(result.spec.containers[0].resources.claims).to.deep.equal([{ name: 'fpga' }]);
  });

  it('should let two appliers each own their own resources.claims entry, keyed by name', () => {
    const first = owned(
      applyServerSide({
        live: undefined,
        applied: claimsPod([{ name: 'gpu' }]),
        manager: 'a',
        force: false,
        now: T0,
      }),
    );
    const second = owned(
      applyServerSide({
        live: first,
        applied: claimsPod([{ name: 'fpga' }]),
        manager: 'b',
        force: false,
        now: T0,
      }),
    );
    expect(second.spec.containers[0].resources.claims).to.deep.equal([{ name: 'gpu' }, { name: 'fpga' }]);
  });

  it('should own an env secretKeyRef whole, as kubectl --show-managed-fields prints it', () => {
    const applied = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: {
        containers: [
          { name: 'app', env: [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 's', key: 'token' } } }] },
        ],
      },
    };
    const object = owned(
      applyServerSide({ live: undefined, applied, manager: 'kubectl', force: false, now: T0 }),
    );
    const container = object.metadata.managedFields[0].fieldsV1['f:spec']['f:containers']['k:{"name":"app"}'];
    expect(container['f:env']['k:{"name":"TOKEN"}']['f:valueFrom']).to.deep.equal({ 'f:secretKeyRef': {} });
  });

  it('should own a RoleBinding roleRef whole', () => {
    const applied = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'rb' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
    };
    const object = owned(
      applyServerSide({ live: undefined, applied, manager: 'kubectl', force: false, now: T0 }),
    );
    expect(object.metadata.managedFields[0].fieldsV1).to.deep.equal({ 'f:roleRef': {} });
  });

  it('should let two appliers each own their own Node status.addresses entry, keyed by type', () => {
    const node = (addresses: Obj[]) => ({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n' },
      status: { addresses },
    });
    const first = owned(
      applyServerSide({
        live: undefined,
        applied: node([{ type: 'InternalIP', address: '10.0.0.1' }]),
        manager: 'kubelet',
        force: false,
        now: T0,
      }),
    );
    const second = owned(
      applyServerSide({
        live: first,
        applied: node([{ type: 'Hostname', address: 'n' }]),
        manager: 'cloud',
        force: false,
        now: T0,
      }),
    );
    expect(second.status.addresses.map((a: Obj) => a.type)).to.deep.equal(['InternalIP', 'Hostname']);
  });
});

function owned(result: ApplyResult): Obj {
  if (!result.ok) throw new Error(`unexpected conflicts: ${JSON.stringify(result.conflicts)}`);
  return result.object as Obj;
}
