import type { PrinterColumn } from '@teams-device-operator/apimachinery';
import { expect } from 'chai';
import { resourceTypesFromCrd } from '../discovery.js';
import { BUILTIN_TYPES } from '../openapi/builtin-schemas.js';
import type { ResourceType } from '../resource-type.js';
import { humanDuration, printerCell, TABLE_CONTENT_TYPE, toTable, wantsTable } from '../table/table.js';
import { committedCrds } from './support/crds.js';

interface Table {
  kind: string;
  apiVersion: string;
  metadata: Record<string, string>;
  columnDefinitions: Array<{
    name: string;
    type: string;
    format: string;
    description: string;
    priority: number;
  }>;
  rows: Array<{ cells: unknown[]; object?: Record<string, unknown> }>;
}

const NOW = new Date('2025-03-10T12:00:00Z');
const ago = (seconds: number) =>
  new Date(NOW.getTime() - seconds * 1000).toISOString().replace(/\.000Z$/, 'Z');

const CRD_TYPES = committedCrds().flatMap(resourceTypesFromCrd);
const crdType = (kind: string) => CRD_TYPES.find((t) => t.kind === kind)!;
const builtinType = (group: string, kind: string) =>
  BUILTIN_TYPES.find((t) => t.group === group && t.kind === kind)!;

function table(
  type: ResourceType,
  objects: object[],
  options: Partial<Parameters<typeof toTable>[2]> = {},
): Table {
  return toTable(type, objects, { now: NOW, ...options }) as Table;
}

/** The cells of the first row by column name, as kubectl pairs them. */
function cellsByName(t: Table, row = 0): Record<string, unknown> {
  return Object.fromEntries(t.columnDefinitions.map((c, i) => [c.name, t.rows[row]!.cells[i]]));
}

const lobbyPhone = {
  apiVersion: 'teamsdevices.io/v1alpha1',
  kind: 'TeamsDevice',
  metadata: {
    name: 'lobby-phone',
    namespace: 'office',
    uid: 'u-1',
    resourceVersion: '42',
    creationTimestamp: ago(5),
    labels: { site: 'berlin' },
  },
  spec: {
    type: 'Phone',
    manufacturer: 'Yealink',
    model: 'MP56',
    license: 'Basic',
    firmwareAutoUpdate: { phase: 'Test' },
    timeZone: 'Europe/Berlin',
  },
  status: {
    online: true,
    firmwareVerification: 'Verified',
    reported: { firmwareVersion: '124.15.0.10' },
    availableUpdates: [
      { component: 'Firmware', newVersion: '124.15.0.20', autoUpdateAt: '2025-03-11T02:00:00Z' },
    ],
    update: null,
  },
};

describe('Table', () => {
  describe('humanDuration', () => {
    const cases: Array<[number, string]> = [
      [-5, '<invalid>'],
      [-1, '0s'],
      [0, '0s'],
      [5, '5s'],
      [119, '119s'],
      [120, '2m'],
      [200, '3m20s'],
      [600, '10m'],
      [179 * 60 + 59, '179m'],
      [3 * 3600, '3h'],
      [5 * 3600 + 12 * 60, '5h12m'],
      [20 * 3600, '20h'],
      [47 * 3600, '47h'],
      [48 * 3600, '2d'],
      [(3 * 24 + 4) * 3600, '3d4h'],
      [8 * 86400, '8d'],
      [120 * 86400, '120d'],
      [729 * 86400, '729d'],
      [730 * 86400, '2y'],
      [830 * 86400, '2y100d'],
      [9 * 365 * 86400, '9y'],
    ];
    for (const [seconds, expected] of cases) {
      it(`should print ${seconds}s as ${expected}, like kubectl`, () => {
        expect(humanDuration(seconds * 1000)).to.equal(expected);
      });
    }
  });

  const accepts: Array<[string | undefined, boolean]> = [
    [
      'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json',
      true,
    ],
    [TABLE_CONTENT_TYPE, true],
    ['application/json', false],
    ['application/json;as=Table;v=v1beta1;g=meta.k8s.io', false],
    ['application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io', false],
    [undefined, false],
  ];
  for (const [accept, expected] of accepts) {
    it(`should ${expected ? '' : 'not '}answer with a Table for Accept: ${accept}`, () => {
      expect(wantsTable(accept)).to.equal(expected);
    });
  }

  describe('of a TeamsDevice', () => {
    it('should start with Name and follow with the printer columns of the CRD, in their order', () => {
      const t = table(crdType('TeamsDevice'), [lobbyPhone]);
      expect(t).to.include({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
      expect(t.columnDefinitions.map((c) => c.name)).to.deep.equal([
        'Name',
        'Type',
        'Model',
        'Phase',
        'Firmware',
        'Verification',
        'Available',
        'Update',
        'Online',
        'Age',
        'Next-Auto',
        'Zone',
        'License',
      ]);
      expect(t.columnDefinitions[0]).to.include({ type: 'string', format: 'name', priority: 0 });
      expect(t.columnDefinitions.find((c) => c.name === 'Zone')).to.deep.equal({
        name: 'Zone',
        type: 'string',
        format: '',
        description: 'Time zone.',
        priority: 1,
      });
    });

    it('should fill the cells from the object, with ages for dates and null where nothing is found', () => {
      const cells = cellsByName(table(crdType('TeamsDevice'), [lobbyPhone]));
      expect(cells).to.deep.equal({
        Name: 'lobby-phone',
        Type: 'Phone',
        Model: 'MP56',
        Phase: 'Test',
        Firmware: '124.15.0.10',
        Verification: 'Verified',
        Available: '124.15.0.20',
        Update: null,
        Online: true,
        'Next-Auto': '2025-03-11T02:00:00Z',
        Zone: 'Europe/Berlin',
        License: 'Basic',
        Age: '5s',
      });
    });

    it('should leave out the priority > 0 columns only when asked for a table that is not wide', () => {
      const narrow = table(crdType('TeamsDevice'), [lobbyPhone], { wide: false });
      expect(narrow.columnDefinitions.map((c) => c.name)).to.not.include.members([
        'Next-Auto',
        'Zone',
        'License',
      ]);
      expect(narrow.rows[0]!.cells).to.have.length(narrow.columnDefinitions.length);
      expect(cellsByName(narrow).Age).to.equal('5s');
      const wide = table(crdType('TeamsDevice'), [lobbyPhone], { wide: true });
      expect(wide.columnDefinitions.map((c) => c.name)).to.include.members(['Next-Auto', 'Zone', 'License']);
      expect(table(crdType('TeamsDevice'), [lobbyPhone]).columnDefinitions).to.deep.equal(
        wide.columnDefinitions,
      );
    });

    it('should carry PartialObjectMetadata in each row unless told otherwise', () => {
      const t = table(crdType('TeamsDevice'), [lobbyPhone]);
      expect(t.rows[0]!.object).to.deep.equal({
        kind: 'PartialObjectMetadata',
        apiVersion: 'meta.k8s.io/v1',
        metadata: lobbyPhone.metadata,
      });
      expect(
        table(crdType('TeamsDevice'), [lobbyPhone], { includeObject: 'Object' }).rows[0]!.object,
      ).to.deep.equal(lobbyPhone);
      expect(
        table(crdType('TeamsDevice'), [lobbyPhone], { includeObject: 'None' }).rows[0],
      ).to.not.have.property('object');
    });

    it('should carry the list resourceVersion and continue token, and no rows for no objects', () => {
      const t = table(crdType('TeamsDevice'), [], { resourceVersion: '77', continueToken: 'abc' });
      expect(t.metadata).to.deep.equal({ resourceVersion: '77', continue: 'abc' });
      expect(t.rows).to.deep.equal([]);
      expect(table(crdType('TeamsDevice'), []).metadata).to.deep.equal({});
    });
  });

  it('should print a list value as JSON and pick a filtered value for a FirmwareRelease', () => {
    const release = {
      metadata: { name: 'yealink-124', creationTimestamp: ago(3 * 86400) },
      spec: { component: 'Firmware', version: '124.15.0.20', appliesTo: { models: ['MP56', 'MP58'] } },
      status: {
        phases: [
          { phase: 'Test', startsAt: '2025-03-01T00:00:00Z' },
          { phase: 'General', startsAt: '2025-03-31T00:00:00Z' },
        ],
      },
    };
    const cells = cellsByName(table(crdType('FirmwareRelease'), [release]));
    expect(cells).to.include({
      Models: '["MP56","MP58"]',
      'General-From': '2025-03-31T00:00:00Z',
      Age: '3d',
    });
    expect(cells['Final-From']).to.equal(null);
  });

  it('should give a CRD without printer columns Name and Age', () => {
    const type: ResourceType = { ...crdType('UpdatePolicy'), printerColumns: [] };
    const t = table(type, [{ metadata: { name: 'default', creationTimestamp: ago(90) } }]);
    expect(t.columnDefinitions.map((c) => [c.name, c.type])).to.deep.equal([
      ['Name', 'string'],
      ['Age', 'date'],
    ]);
    expect(t.rows[0]!.cells).to.deep.equal(['default', '90s']);
  });

  describe('printerCell', () => {
    const col = (type: PrinterColumn['type'], jsonPath: string): PrinterColumn => ({
      name: 'X',
      type,
      jsonPath,
      description: '',
    });
    const object = {
      n: 2.7,
      s: 'text',
      b: false,
      when: '2025-03-10T11:58:00Z',
      bad: 'yesterday',
      empty: '',
      list: [1, 2],
      nil: null,
    };
    const cases: Array<[PrinterColumn['type'], string, unknown]> = [
      ['integer', '.n', 2],
      ['number', '.n', 2.7],
      ['string', '.n', '2.7'],
      ['integer', '.s', null],
      ['boolean', '.b', false],
      ['string', '.b', 'false'],
      ['date', '.when', '2m'],
      ['date', '.bad', '<invalid>'],
      ['date', '.empty', '<unknown>'],
      ['date', '.n', null],
      ['string', '.list', '[1,2]'],
      ['string', '.nil', null],
      ['string', '.missing', null],
      ['string', '.list[*]', '1'],
      ['string', '.a[', null],
    ];
    for (const [type, path, expected] of cases) {
      it(`should render ${path} in a ${type} column as ${JSON.stringify(expected)}`, () => {
        expect(printerCell(col(type, path), object, NOW)).to.deep.equal(expected);
      });
    }
  });

  describe('of built-in kinds', () => {
    const base = (name: string, extra: object = {}) => ({
      metadata: { name, namespace: 'office', creationTimestamp: ago(3600 * 4 + 60 * 5) },
      ...extra,
    });

    it('should show a Deployment as NAME READY UP-TO-DATE AVAILABLE AGE, with containers, images and selector wide', () => {
      const t = table(builtinType('apps', 'Deployment'), [
        base('operator', {
          spec: {
            replicas: 3,
            selector: { matchLabels: { app: 'operator', tier: 'control' } },
            template: { spec: { containers: [{ name: 'manager', image: 'ghcr.io/x/operator:1.0' }] } },
          },
          status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
        }),
      ]);
      expect(t.columnDefinitions.map((c) => c.name)).to.deep.equal([
        'Name',
        'Ready',
        'Up-to-date',
        'Available',
        'Age',
        'Containers',
        'Images',
        'Selector',
      ]);
      expect(t.rows[0]!.cells).to.deep.equal([
        'operator',
        '2/3',
        3,
        2,
        '4h5m',
        'manager',
        'ghcr.io/x/operator:1.0',
        'app=operator,tier=control',
      ]);
      expect(t.columnDefinitions.filter((c) => c.priority > 0).map((c) => c.name)).to.deep.equal([
        'Containers',
        'Images',
        'Selector',
      ]);
    });

    const podCases: Array<[string, object, string, string]> = [
      [
        'a running pod',
        {
          spec: { containers: [{ name: 'a' }, { name: 'b' }] },
          status: {
            phase: 'Running',
            containerStatuses: [
              { name: 'a', ready: true, restartCount: 0, state: { running: {} } },
              { name: 'b', ready: true, restartCount: 0, state: { running: {} } },
            ],
          },
        },
        '2/2',
        'Running',
      ],
      [
        'a crash-looping pod',
        {
          spec: { containers: [{ name: 'a' }] },
          status: {
            phase: 'Running',
            containerStatuses: [
              {
                name: 'a',
                ready: false,
                restartCount: 4,
                state: { waiting: { reason: 'CrashLoopBackOff' } },
              },
            ],
          },
        },
        '0/1',
        'CrashLoopBackOff',
      ],
      [
        'a pending pod',
        { spec: { containers: [{ name: 'a' }] }, status: { phase: 'Pending' } },
        '0/1',
        'Pending',
      ],
      [
        'a pod being deleted',
        {
          metadata: { name: 'p', deletionTimestamp: ago(1) },
          spec: { containers: [{ name: 'a' }] },
          status: { phase: 'Running' },
        },
        '0/1',
        'Terminating',
      ],
    ];
    for (const [what, pod, ready, status] of podCases) {
      it(`should show ${what} as READY ${ready} and STATUS ${status}`, () => {
        const cells = cellsByName(table(builtinType('', 'Pod'), [{ ...base('p'), ...pod }]));
        expect(cells).to.include({ Ready: ready, Status: status });
      });
    }

    it('should show a pod restart count with the time of the last restart', () => {
      const cells = cellsByName(
        table(builtinType('', 'Pod'), [
          base('p', {
            spec: { containers: [{ name: 'a' }], nodeName: 'node-1' },
            status: {
              phase: 'Running',
              podIP: '10.0.0.7',
              containerStatuses: [
                {
                  ready: true,
                  restartCount: 2,
                  state: { running: {} },
                  lastState: { terminated: { finishedAt: ago(300) } },
                },
              ],
            },
          }),
        ]),
      );
      expect(cells).to.include({
        Restarts: '2 (5m ago)',
        IP: '10.0.0.7',
        Node: 'node-1',
        'Nominated Node': '<none>',
      });
    });

    it('should show a Namespace with its phase, and a Service with type, cluster IP and ports', () => {
      expect(
        table(builtinType('', 'Namespace'), [
          { metadata: { name: 'office', creationTimestamp: ago(40) }, status: { phase: 'Active' } },
        ]).rows[0]!.cells,
      ).to.deep.equal(['office', 'Active', '40s']);
      const svc = table(builtinType('', 'Service'), [
        base('web', {
          spec: {
            type: 'NodePort',
            clusterIP: '10.96.0.10',
            ports: [
              { port: 80, nodePort: 30080, protocol: 'TCP' },
              { port: 53, protocol: 'UDP' },
            ],
            selector: { app: 'web' },
          },
        }),
      ]);
      expect(svc.columnDefinitions.map((c) => c.name)).to.deep.equal([
        'Name',
        'Type',
        'Cluster-IP',
        'External-IP',
        'Port(s)',
        'Age',
        'Selector',
      ]);
      expect(svc.rows[0]!.cells).to.deep.equal([
        'web',
        'NodePort',
        '10.96.0.10',
        '<none>',
        '80:30080/TCP,53/UDP',
        '4h5m',
        'app=web',
      ]);
    });

    it('should show an Event as LAST SEEN TYPE REASON OBJECT MESSAGE, the rest only wide', () => {
      const event = {
        metadata: { name: 'lobby-phone.17c', namespace: 'office' },
        involvedObject: { kind: 'TeamsDevice', name: 'lobby-phone', namespace: 'office' },
        reason: 'UpdateScheduled',
        message: 'firmware 124.15.0.20 scheduled\n',
        type: 'Normal',
        source: { component: 'teams-device-operator' },
        firstTimestamp: ago(600),
        lastTimestamp: ago(30),
        count: 3,
      };
      const narrow = table(builtinType('', 'Event'), [event], { wide: false });
      expect(narrow.columnDefinitions.map((c) => c.name)).to.deep.equal([
        'Last Seen',
        'Type',
        'Reason',
        'Object',
        'Message',
      ]);
      expect(narrow.rows[0]!.cells).to.deep.equal([
        '30s',
        'Normal',
        'UpdateScheduled',
        'teamsdevice/lobby-phone',
        'firmware 124.15.0.20 scheduled',
      ]);
      expect(cellsByName(table(builtinType('', 'Event'), [event]))).to.include({
        Source: 'teams-device-operator',
        'First Seen': '10m',
        Count: 3,
        Name: 'lobby-phone.17c',
      });
      const modern = {
        metadata: { name: 'e2', namespace: 'office' },
        regarding: { kind: 'Pod', name: 'p' },
        reason: 'Started',
        note: 'Started container',
        type: 'Normal',
        eventTime: '2025-03-10T11:59:00.000000Z',
        reportingController: 'kubelet',
      };
      expect(
        table(builtinType('events.k8s.io', 'Event'), [modern], { wide: false }).rows[0]!.cells,
      ).to.deep.equal(['60s', 'Normal', 'Started', 'pod/p', 'Started container']);
    });

    it('should show ConfigMap data counts, Lease holders, binding roles and CRD creation times', () => {
      expect(
        table(builtinType('', 'ConfigMap'), [
          base('c', { data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } }),
        ]).rows[0]!.cells,
      ).to.deep.equal(['c', 3, '4h5m']);
      expect(
        table(builtinType('', 'Secret'), [base('s', { type: 'Opaque', data: { p: 'cw==' } })]).rows[0]!.cells,
      ).to.deep.equal(['s', 'Opaque', 1, '4h5m']);
      expect(
        table(builtinType('coordination.k8s.io', 'Lease'), [base('l', { spec: { holderIdentity: 'op-1' } })])
          .rows[0]!.cells,
      ).to.deep.equal(['l', 'op-1', '4h5m']);
      const binding = base('b', {
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
        subjects: [
          { kind: 'ServiceAccount', name: 'operator', namespace: 'system' },
          { kind: 'User', name: 'alice' },
        ],
      });
      expect(
        cellsByName(table(builtinType('rbac.authorization.k8s.io', 'RoleBinding'), [binding])),
      ).to.include({
        Role: 'ClusterRole/view',
        Users: 'alice',
        ServiceAccounts: 'system/operator',
      });
      const crd = table(builtinType('apiextensions.k8s.io', 'CustomResourceDefinition'), [
        { metadata: { name: 'teamsdevices.teamsdevices.io', creationTimestamp: '2025-03-01T08:00:00Z' } },
      ]);
      expect(crd.columnDefinitions.map((c) => c.name)).to.deep.equal(['Name', 'Created At']);
      expect(crd.rows[0]!.cells).to.deep.equal(['teamsdevices.teamsdevices.io', '2025-03-01T08:00:00Z']);
    });

    const workloads: Array<[string, ResourceType, object, Record<string, unknown>]> = [
      [
        'a StatefulSet',
        { ...builtinType('apps', 'Deployment'), kind: 'StatefulSet', plural: 'statefulsets' },
        { spec: { replicas: 3 }, status: { readyReplicas: 1 } },
        { Ready: '1/3' },
      ],
      [
        'a finished Job',
        { ...builtinType('apps', 'Deployment'), group: 'batch', kind: 'Job', plural: 'jobs' },
        {
          spec: { completions: 1 },
          status: {
            succeeded: 1,
            startTime: ago(600),
            completionTime: ago(570),
            conditions: [{ type: 'Complete', status: 'True' }],
          },
        },
        { Status: 'Complete', Completions: '1/1', Duration: '30s' },
      ],
      [
        'a CronJob',
        { ...builtinType('apps', 'Deployment'), group: 'batch', kind: 'CronJob', plural: 'cronjobs' },
        { spec: { schedule: '0 2 * * *', suspend: false }, status: { lastScheduleTime: ago(7200) } },
        { Schedule: '0 2 * * *', Timezone: '<none>', Suspend: 'False', Active: 0, 'Last Schedule': '120m' },
      ],
      [
        'a Node',
        { ...builtinType('', 'Namespace'), kind: 'Node', plural: 'nodes' },
        {
          metadata: { name: 'n1', labels: { 'node-role.kubernetes.io/control-plane': '' } },
          spec: { unschedulable: true },
          status: {
            conditions: [{ type: 'Ready', status: 'True' }],
            nodeInfo: { kubeletVersion: 'v1.32.3' },
            addresses: [{ type: 'InternalIP', address: '10.0.0.1' }],
          },
        },
        {
          Status: 'Ready,SchedulingDisabled',
          Roles: 'control-plane',
          Version: 'v1.32.3',
          'Internal-IP': '10.0.0.1',
          'External-IP': '<none>',
        },
      ],
      [
        'a bound PersistentVolumeClaim',
        { ...builtinType('', 'ConfigMap'), kind: 'PersistentVolumeClaim', plural: 'persistentvolumeclaims' },
        {
          spec: { volumeName: 'pv-1', storageClassName: 'standard' },
          status: { phase: 'Bound', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] },
        },
        { Status: 'Bound', Volume: 'pv-1', Capacity: '1Gi', 'Access Modes': 'RWO', StorageClass: 'standard' },
      ],
      [
        'Endpoints',
        { ...builtinType('', 'ConfigMap'), kind: 'Endpoints', plural: 'endpoints' },
        { subsets: [{ addresses: [{ ip: '10.0.0.5' }, { ip: '10.0.0.6' }], ports: [{ port: 8080 }] }] },
        { Endpoints: '10.0.0.5:8080,10.0.0.6:8080' },
      ],
    ];
    for (const [what, type, object, expected] of workloads) {
      it(`should show ${what} with the columns kube-apiserver prints`, () => {
        const metadata = { ...base('x').metadata, ...((object as { metadata?: object }).metadata ?? {}) };
        expect(cellsByName(table(type, [{ ...object, metadata }]))).to.include(expected);
      });
    }

    it('should give a built-in kind without printer Name and Created At, as the default convertor does', () => {
      const type = { ...builtinType('', 'ConfigMap'), kind: 'PodTemplate', plural: 'podtemplates' };
      const t = table(type, [{ metadata: { name: 'x', creationTimestamp: '2025-03-01T08:00:00Z' } }]);
      expect(t.columnDefinitions.map((c) => c.name)).to.deep.equal(['Name', 'Created At']);
      expect(t.rows[0]!.cells).to.deep.equal(['x', '2025-03-01T08:00:00Z']);
    });

    it('should give every built-in kind a Name column of format name', () => {
      for (const type of BUILTIN_TYPES) {
        const t = table(type, [base('x')]);
        expect(
          t.columnDefinitions.some((c) => c.name === 'Name' && c.format === 'name'),
          type.kind,
        ).to.equal(true);
        expect(t.rows[0]!.cells).to.have.length(t.columnDefinitions.length);
      }
    });
  });
});
