import { expect } from 'chai';
import { ApiError } from '../errors.js';
import {
  type ApplyRequest,
  type ApplyResult,
  applyServerSide,
  formatApplyConflicts,
  type ListKeyLookup,
  listKeysFromSchema,
  recordUpdate,
} from '../patch/server-side-apply.js';
import { committedCrd } from './support/crds.js';

// biome-ignore lint/suspicious/noExplicitAny: the tests read deep into the JSON objects they check
type Obj = Record<string, any>;

const T0 = new Date('2025-03-01T10:00:00.123Z');
const T1 = new Date('2025-03-01T11:00:00Z');
const T2 = new Date('2025-03-01T12:00:00Z');

function configMap(data: Record<string, string>, labels?: Record<string, string>): Obj {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'settings', namespace: 'default', ...(labels && { labels }) },
    data,
  };
}

function apply(
  live: object | undefined,
  applied: object,
  manager: string,
  now = T1,
  extra: Partial<ApplyRequest> = {},
) {
  return applyServerSide({ live, applied, manager, force: false, now, ...extra });
}

function applied(result: ApplyResult): Obj {
  if (!result.ok) throw new Error(`unexpected conflicts: ${JSON.stringify(result.conflicts)}`);
  return result.object as Obj;
}

function owners(object: Obj): Array<[string, string, object]> {
  return (object.metadata.managedFields as Obj[]).map((e) => [e.manager, e.operation, e.fieldsV1]);
}

function updatePlanSchema(): ListKeyLookup {
  const crd = committedCrd('updateplans');
  return listKeysFromSchema(crd.spec.versions[0].schema.openAPIV3Schema);
}

function plan(spec: Obj): Obj {
  return {
    apiVersion: 'teamsdevices.io/v1alpha1',
    kind: 'UpdatePlan',
    metadata: { name: 'rollout', namespace: 'lab' },
    spec,
  };
}

describe('applyServerSide', () => {
  it('should create the object and record the applier as owner of what it applied', () => {
    const result = apply(undefined, configMap({ a: '1' }, { app: 'web' }), 'kubectl', T0);
    expect(result).to.deep.equal({
      ok: true,
      changed: true,
      object: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'settings',
          namespace: 'default',
          labels: { app: 'web' },
          managedFields: [
            {
              manager: 'kubectl',
              operation: 'Apply',
              apiVersion: 'v1',
              time: '2025-03-01T10:00:00Z',
              fieldsType: 'FieldsV1',
              fieldsV1: { 'f:data': { 'f:a': {} }, 'f:metadata': { 'f:labels': { 'f:app': {} } } },
            },
          ],
        },
        data: { a: '1' },
      },
    });
  });

  it('should change nothing, not even the time, when the same document is applied again', () => {
    const live = applied(apply(undefined, configMap({ a: '1' }), 'kubectl', T0));
    const again = apply(live, configMap({ a: '1' }), 'kubectl', T1);
    expect(again).to.deep.equal({ ok: true, changed: false, object: live });
  });

  it('should bump the applier time when the applied document changes a value', () => {
    const live = applied(apply(undefined, configMap({ a: '1' }), 'kubectl', T0));
    const next = applied(apply(live, configMap({ a: '2' }), 'kubectl', T1));
    expect(next.data).to.deep.equal({ a: '2' });
    expect(next.metadata.managedFields[0].time).to.equal('2025-03-01T11:00:00Z');
  });

  it('should remove a field the manager applied before and no longer applies', () => {
    const live = applied(apply(undefined, configMap({ a: '1', b: '2' }, { app: 'web' }), 'kubectl', T0));
    const next = applied(apply(live, configMap({ a: '1' }), 'kubectl', T1));
    expect(next.data).to.deep.equal({ a: '1' });
    expect(next.metadata).to.not.have.property('labels');
    expect(owners(next)).to.deep.equal([['kubectl', 'Apply', { 'f:data': { 'f:a': {} } }]]);
  });

  it('should keep a field the manager stops applying while another applier also owns it', () => {
    const first = applied(apply(undefined, configMap({ a: '1', b: '2' }), 'kubectl', T0));
    const shared = applied(apply(first, configMap({ b: '2' }), 'helm', T1));
    expect(owners(shared).map(([m]) => m)).to.deep.equal(['kubectl', 'helm']);
    const next = applied(apply(shared, configMap({ a: '1' }), 'kubectl', T2));
    expect(next.data).to.deep.equal({ a: '1', b: '2' });
    expect(owners(next)).to.deep.equal([
      ['kubectl', 'Apply', { 'f:data': { 'f:a': {} } }],
      ['helm', 'Apply', { 'f:data': { 'f:b': {} } }],
    ]);
  });

  it('should keep a field another manager took over with an update when the applier drops it', () => {
    const first = applied(apply(undefined, configMap({ a: '1', b: '2' }), 'kubectl', T0));
    const edited = recordUpdate(first, { ...first, data: { a: '1', b: '20' } }, 'kubectl-edit', T1) as Obj;
    const next = applied(apply(edited, configMap({ a: '1' }), 'kubectl', T2));
    expect(next.data).to.deep.equal({ a: '1', b: '20' });
    expect(owners(next)).to.deep.equal([
      ['kubectl', 'Apply', { 'f:data': { 'f:a': {} } }],
      ['kubectl-edit', 'Update', { 'f:data': { 'f:b': {} } }],
    ]);
  });

  it('should report a conflict when another manager owns a field the applier changes, and take it with force', () => {
    const first = applied(apply(undefined, configMap({ a: '1' }), 'kubectl', T0));
    const edited = recordUpdate(first, { ...first, data: { a: '1', b: '2' } }, 'kubectl-edit', T1) as Obj;
    const refused = apply(edited, configMap({ a: '1', b: '3' }), 'helm', T2);
    expect(refused).to.deep.equal({
      ok: false,
      conflicts: [{ manager: 'kubectl-edit', field: '.data.b', operation: 'Update', apiVersion: 'v1' }],
    });
    if (refused.ok) return;
    expect(formatApplyConflicts(refused.conflicts)).to.deep.equal({
      message: 'Apply failed with 1 conflict: conflict with "kubectl-edit" using v1: .data.b',
      causes: [
        {
          reason: 'FieldManagerConflict',
          message: 'conflict with "kubectl-edit" using v1',
          field: '.data.b',
        },
      ],
    });

    const forced = applied(apply(edited, configMap({ a: '1', b: '3' }), 'helm', T2, { force: true }));
    expect(forced.data).to.deep.equal({ a: '1', b: '3' });
    expect(owners(forced)).to.deep.equal([
      ['kubectl', 'Apply', { 'f:data': { 'f:a': {} } }],
      ['helm', 'Apply', { 'f:data': { 'f:a': {}, 'f:b': {} } }],
    ]);
  });

  it('should share a field without conflict when the applier sets the value it already has', () => {
    const first = applied(apply(undefined, configMap({ a: '1' }), 'kubectl', T0));
    const result = apply(first, configMap({ a: '1' }), 'helm', T1);
    expect(owners(applied(result)).map(([m]) => m)).to.deep.equal(['kubectl', 'helm']);
  });

  it('should list every conflicting field, grouped by manager, in the message', () => {
    const first = applied(apply(undefined, configMap({ a: '1', b: '2' }), 'kubectl', T0));
    const result = apply(first, configMap({ a: '10', b: '20' }), 'helm', T1);
    if (result.ok) throw new Error('expected conflicts');
    expect(formatApplyConflicts(result.conflicts).message).to.equal(
      'Apply failed with 2 conflicts: conflicts with "kubectl":\n- .data.a\n- .data.b',
    );
  });

  it('should credit an object stored without managedFields to before-first-apply', () => {
    const result = apply(configMap({ a: '1' }), configMap({ a: '2' }), 'kubectl', T1);
    expect(result).to.deep.equal({
      ok: false,
      conflicts: [{ manager: 'before-first-apply', field: '.data.a', operation: 'Update', apiVersion: 'v1' }],
    });
  });

  describe('with the UpdatePlan schema (listKeysFromSchema)', () => {
    const listKeys = updatePlanSchema();
    const firmware = {
      devices: { names: ['phone-1'] },
      updates: [{ component: 'Firmware', version: '1.0' }],
    };

    it('should merge spec.updates by component and own each item by its key', () => {
      const first = applied(apply(undefined, plan(firmware), 'kubectl', T0, { listKeys }));
      const second = applied(
        apply(
          first,
          plan({ devices: { names: ['phone-2'] }, updates: [{ component: 'TeamsApp' }] }),
          'helm',
          T1,
          { listKeys },
        ),
      );
      expect(second.spec).to.deep.equal({
        devices: { names: ['phone-1', 'phone-2'] },
        updates: [{ component: 'Firmware', version: '1.0' }, { component: 'TeamsApp' }],
      });
      expect(owners(second)).to.deep.equal([
        [
          'kubectl',
          'Apply',
          {
            'f:spec': {
              'f:devices': { 'f:names': { 'v:"phone-1"': {} } },
              'f:updates': { 'k:{"component":"Firmware"}': { '.': {}, 'f:component': {}, 'f:version': {} } },
            },
          },
        ],
        [
          'helm',
          'Apply',
          {
            'f:spec': {
              'f:devices': { 'f:names': { 'v:"phone-2"': {} } },
              'f:updates': { 'k:{"component":"TeamsApp"}': { '.': {}, 'f:component': {} } },
            },
          },
        ],
      ]);
    });

    it('should remove only the items of the manager that stopped applying them', () => {
      const first = applied(apply(undefined, plan(firmware), 'kubectl', T0, { listKeys }));
      const second = applied(
        apply(first, plan({ updates: [{ component: 'TeamsApp' }] }), 'helm', T1, { listKeys }),
      );
      const third = applied(
        apply(second, plan({ devices: { names: ['phone-1'] }, updates: [] }), 'kubectl', T2, { listKeys }),
      );
      expect(third.spec.updates).to.deep.equal([{ component: 'TeamsApp' }]);
    });

    it('should report a conflict on the field of a keyed item another manager owns', () => {
      const first = applied(apply(undefined, plan(firmware), 'kubectl', T0, { listKeys }));
      const result = apply(
        first,
        plan({ updates: [{ component: 'Firmware', version: '2.0' }] }),
        'helm',
        T1,
        { listKeys },
      );
      expect(result).to.deep.equal({
        ok: false,
        conflicts: [
          {
            manager: 'kubectl',
            field: '.spec.updates[component="Firmware"].version',
            operation: 'Apply',
            apiVersion: 'teamsdevices.io/v1alpha1',
          },
        ],
      });
    });

    it('should own an atomic map (x-kubernetes-map-type: atomic) whole and replace it whole', () => {
      const withSelector = {
        devices: { selector: { matchLabels: { site: 'berlin' } } },
        updates: [{ component: 'Firmware' }],
      };
      const first = applied(apply(undefined, plan(withSelector), 'kubectl', T0, { listKeys }));
      expect(owners(first)[0]?.[2])
        .to.have.nested.property('f:spec.f:devices.f:selector')
        .that.deep.equals({});
      const other = {
        devices: { selector: { matchLabels: { floor: '3' } } },
        updates: [{ component: 'Firmware' }],
      };
      expect(apply(first, plan(other), 'helm', T1, { listKeys }).ok).to.equal(false);
      const forced = applied(apply(first, plan(other), 'helm', T1, { listKeys, force: true }));
      expect(forced.spec.devices.selector).to.deep.equal({ matchLabels: { floor: '3' } });
    });

    it('should refuse an item of a keyed list without its key, and duplicate keys', () => {
      for (const updates of [[{ version: '1' }], [{ component: 'Firmware' }, { component: 'Firmware' }]]) {
        let error: unknown;
        try {
          apply(undefined, plan({ updates }), 'kubectl', T0, { listKeys });
        } catch (e) {
          error = e;
        }
        expect(error).to.be.instanceOf(ApiError).with.property('code', 422);
      }
    });
  });

  it('should record a built-in Deployment with containers keyed by name and the atomic selector as one field', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'app', image: 'web:1', ports: [{ containerPort: 80 }] }] },
        },
      },
    };
    const object = applied(apply(undefined, deployment, 'kubectl', T0));
    expect(object.metadata.managedFields[0].fieldsV1).to.deep.equal({
      'f:spec': {
        'f:selector': {},
        'f:template': {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:containers': {
              'k:{"name":"app"}': {
                '.': {},
                'f:image': {},
                'f:name': {},
                'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
              },
            },
          },
        },
      },
    });
  });

  it('should apply only the status on the status subresource, as its own manager entry', () => {
    const live = applied(apply(undefined, plan({ updates: [{ component: 'Firmware' }] }), 'kubectl', T0));
    const document = { ...plan({ suspend: true }), status: { phase: 'Scheduled' } };
    const next = applied(apply(live, document, 'operator', T1, { subresource: 'status' }));
    expect(next.spec).to.deep.equal({ updates: [{ component: 'Firmware' }] });
    expect(next.status).to.deep.equal({ phase: 'Scheduled' });
    expect(next.metadata.managedFields[1]).to.deep.equal({
      manager: 'operator',
      operation: 'Apply',
      apiVersion: 'teamsdevices.io/v1alpha1',
      time: '2025-03-01T11:00:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:status': { 'f:phase': {} } },
      subresource: 'status',
    });
  });

  it('should leave a Deployment unchanged when kubectl applies the same manifest again', () => {
    const manifest = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'app', image: 'web:1', env: [{ name: 'A', value: '1' }] }] },
        },
      },
    };
    const live = applied(apply(undefined, manifest, 'kubectl', T0));
    expect(apply(live, manifest, 'kubectl', T1)).to.deep.equal({ ok: true, changed: false, object: live });
  });

  it('should refuse an apply document without apiVersion or kind', () => {
    expect(() => apply(undefined, { kind: 'ConfigMap', metadata: { name: 'x' } }, 'kubectl')).to.throw(
      ApiError,
      'apiVersion must be set',
    );
  });
});

describe('listKeysFromSchema', () => {
  it('should read list types, map keys and atomic maps out of the UpdatePlan CRD', () => {
    const spec = updatePlanSchema().fields?.spec?.fields;
    expect(spec?.updates).to.include({ listType: 'map' });
    expect(spec?.updates?.listMapKeys).to.deep.equal(['component']);
    expect(spec?.devices?.fields?.names).to.include({ listType: 'set' });
    expect(spec?.devices?.fields?.selector).to.include({ mapType: 'atomic' });
    expect(updatePlanSchema().fields?.metadata?.fields?.finalizers).to.include({ listType: 'set' });
  });
});

describe('recordUpdate', () => {
  it('should make the creator own every field it set, with the object maps marked as its own', () => {
    const created = recordUpdate(
      undefined,
      configMap({ a: '1' }, { app: 'web' }),
      'kubectl-create',
      T0,
    ) as Obj;
    expect(created.metadata.managedFields).to.deep.equal([
      {
        manager: 'kubectl-create',
        operation: 'Update',
        apiVersion: 'v1',
        time: '2025-03-01T10:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:data': { '.': {}, 'f:a': {} },
          'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
        },
      },
    ]);
  });

  it('should keep managedFields exactly as they were when the write changes nothing', () => {
    const created = recordUpdate(undefined, configMap({ a: '1' }), 'kubectl-create', T0) as Obj;
    const again = recordUpdate(created, configMap({ a: '1' }), 'kubectl-edit', T1) as Obj;
    expect(again.metadata.managedFields).to.deep.equal(created.metadata.managedFields);
  });

  it('should move a changed field from its applier to the updater and drop removed fields from everyone', () => {
    const live = applied(apply(undefined, configMap({ a: '1', b: '2' }), 'kubectl', T0));
    const next = recordUpdate(live, { ...live, data: { a: '10' } }, 'kubectl-edit', T1) as Obj;
    expect(owners(next)).to.deep.equal([['kubectl-edit', 'Update', { 'f:data': { 'f:a': {} } }]]);
  });

  it('should record a status write under the status subresource and only the status fields', () => {
    const live = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicas: 1 },
    };
    const next = recordUpdate(
      live,
      { ...live, status: { readyReplicas: 1 } },
      'kube-controller-manager',
      T1,
      'status',
    ) as Obj;
    expect(next.metadata.managedFields).to.deep.equal([
      {
        manager: 'kube-controller-manager',
        operation: 'Update',
        apiVersion: 'apps/v1',
        time: '2025-03-01T11:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:status': { '.': {}, 'f:readyReplicas': {} } },
        subresource: 'status',
      },
    ]);
  });

  it('should start ownership over when a write sets managedFields to [{}]', () => {
    const live = applied(apply(undefined, configMap({ a: '1' }), 'kubectl', T0));
    const reset = { ...live, metadata: { ...live.metadata, managedFields: [{}] } };
    expect(recordUpdate(live, reset, 'kubectl-edit', T1)).to.not.have.nested.property(
      'metadata.managedFields',
    );
  });

  it('should key custom resource list items with the schema it is given', () => {
    const created = recordUpdate(
      undefined,
      plan({ updates: [{ component: 'Firmware' }] }),
      'operator',
      T0,
      undefined,
      updatePlanSchema(),
    ) as Obj;
    expect(created.metadata.managedFields[0].fieldsV1['f:spec']).to.deep.equal({
      '.': {},
      'f:updates': { '.': {}, 'k:{"component":"Firmware"}': { '.': {}, 'f:component': {} } },
    });
  });
});
