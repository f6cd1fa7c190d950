// Table columns of the built-in kinds, after kube-apiserver's printers (pkg/printers/internalversion):
// same names, order, priorities and cell formats, computed from the JSON objects the store holds.
import type { JsonObject } from '../resource-type.js';
import {
  AGE_COLUMN,
  ageOf,
  at,
  column,
  containerColumns,
  count,
  createdAtColumn,
  formatLabels,
  metadataOf,
  NAME_COLUMN,
  NAME_DESCRIPTION,
  noneIfEmpty,
  objects,
  type TableColumn,
  text,
} from './format.js';
import { WORKLOAD_TABLES } from './workloads.js';

export type { TableColumn };

// ---- Pod -----------------------------------------------------------------------------------------------------

function podStatus(pod: JsonObject): string {
  let reason = text(at(pod, 'status.reason')) || text(at(pod, 'status.phase'));
  const containers = objects(at(pod, 'spec.containers'));
  const initStatuses = objects(at(pod, 'status.initContainerStatuses'));
  let initializing = false;
  initStatuses.forEach((s, i) => {
    if (initializing) return;
    const terminated = at(s, 'state.terminated') as JsonObject | undefined;
    const waiting = at(s, 'state.waiting') as JsonObject | undefined;
    if (terminated && count(terminated.exitCode) === 0) return;
    if (s.started === true && text(at(s, 'state.running.startedAt')) !== '') return; // a running sidecar
    initializing = true;
    if (terminated) {
      reason = text(terminated.reason)
        ? `Init:${text(terminated.reason)}`
        : `Init:ExitCode:${count(terminated.exitCode)}`;
    } else if (waiting && text(waiting.reason) && text(waiting.reason) !== 'PodInitializing') {
      reason = `Init:${text(waiting.reason)}`;
    } else {
      reason = `Init:${i}/${objects(at(pod, 'spec.initContainers')).length}`;
    }
  });
  if (!initializing) {
    let hasRunning = false;
    const statuses = objects(at(pod, 'status.containerStatuses'));
    for (const s of [...statuses].reverse()) {
      const waiting = at(s, 'state.waiting') as JsonObject | undefined;
      const terminated = at(s, 'state.terminated') as JsonObject | undefined;
      if (waiting && text(waiting.reason)) reason = text(waiting.reason);
      else if (terminated && text(terminated.reason)) reason = text(terminated.reason);
      else if (terminated) {
        reason =
          count(terminated.signal) !== 0
            ? `Signal:${count(terminated.signal)}`
            : `ExitCode:${count(terminated.exitCode)}`;
      } else if (s.ready === true && at(s, 'state.running') !== undefined) hasRunning = true;
    }
    if (reason === 'Completed' && hasRunning) {
      const ready = objects(at(pod, 'status.conditions')).some(
        (c) => c.type === 'Ready' && c.status === 'True',
      );
      reason = ready ? 'Running' : 'NotReady';
    }
    if (containers.length > 0 && reason === '') reason = 'Pending';
  }
  if (at(pod, 'metadata.deletionTimestamp') !== undefined) {
    reason = text(at(pod, 'status.reason')) === 'NodeLost' ? 'Unknown' : 'Terminating';
  }
  return reason;
}

function podRestarts(pod: JsonObject, now: Date): string {
  let restarts = 0;
  let last: number | undefined;
  for (const s of objects(at(pod, 'status.containerStatuses'))) {
    restarts += count(s.restartCount);
    const finished = Date.parse(text(at(s, 'lastState.terminated.finishedAt')));
    if (!Number.isNaN(finished) && (last === undefined || finished > last)) last = finished;
  }
  if (restarts > 0 && last !== undefined)
    return `${restarts} (${ageOf(new Date(last).toISOString(), now)} ago)`;
  return String(restarts);
}

const POD: TableColumn[] = [
  NAME_COLUMN,
  column('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.', (o) => {
    const total = objects(at(o, 'spec.containers')).length;
    const ready = objects(at(o, 'status.containerStatuses')).filter((s) => s.ready === true).length;
    return `${ready}/${total}`;
  }),
  column('Status', 'string', 'The aggregate status of the containers in this pod.', podStatus),
  column(
    'Restarts',
    'string',
    'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    podRestarts,
  ),
  AGE_COLUMN,
  column(
    'IP',
    'string',
    'IP address allocated to the pod.',
    (o) => noneIfEmpty(text(at(o, 'status.podIP'))),
    1,
  ),
  column(
    'Node',
    'string',
    'The node the pod is scheduled onto.',
    (o) => noneIfEmpty(text(at(o, 'spec.nodeName'))),
    1,
  ),
  column(
    'Nominated Node',
    'string',
    'The node this pod preempts other pods on, if any.',
    (o) => noneIfEmpty(text(at(o, 'status.nominatedNodeName'))),
    1,
  ),
  column(
    'Readiness Gates',
    'string',
    'The pod readiness gates.',
    (o) => {
      const gates = objects(at(o, 'spec.readinessGates'));
      if (gates.length === 0) return '<none>';
      const conditions = objects(at(o, 'status.conditions'));
      const ready = gates.filter((g) =>
        conditions.some((c) => c.type === g.conditionType && c.status === 'True'),
      ).length;
      return `${ready}/${gates.length}`;
    },
    1,
  ),
];

// ---- Service ---------------------------------------------------------------------------------------------------

function externalIP(service: JsonObject): string {
  const external = (at(service, 'spec.externalIPs') as string[] | undefined) ?? [];
  switch (text(at(service, 'spec.type')) || 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return external.length > 0 ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const ingress = objects(at(service, 'status.loadBalancer.ingress')).map(
        (i) => text(i.ip) || text(i.hostname),
      );
      const all = [...ingress.filter((s) => s !== ''), ...external];
      return all.length > 0 ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return text(at(service, 'spec.externalName'));
    default:
      return '<unknown>';
  }
}

function servicePorts(service: JsonObject): string {
  const ports = objects(at(service, 'spec.ports')).map((p) => {
    const protocol = text(p.protocol) || 'TCP';
    return typeof p.nodePort === 'number' && p.nodePort !== 0
      ? `${count(p.port)}:${p.nodePort}/${protocol}`
      : `${count(p.port)}/${protocol}`;
  });
  return noneIfEmpty(ports.join(','));
}

const SERVICE: TableColumn[] = [
  NAME_COLUMN,
  column('Type', 'string', 'How the Service is exposed.', (o) => text(at(o, 'spec.type')) || 'ClusterIP'),
  column('Cluster-IP', 'string', 'The IP address of the service.', (o) =>
    noneIfEmpty(text(at(o, 'spec.clusterIP'))),
  ),
  column('External-IP', 'string', 'IP addresses for which nodes in the cluster accept traffic.', externalIP),
  column('Port(s)', 'string', 'The list of ports that are exposed by this service.', servicePorts),
  AGE_COLUMN,
  column(
    'Selector',
    'string',
    'Route service traffic to pods with labels matching this selector.',
    (o) => formatLabels(at(o, 'spec.selector')),
    1,
  ),
];

// ---- Event (core/v1 and events.k8s.io/v1 print alike) ------------------------------------------------------------

interface EventView {
  first: string;
  last: string;
  count: number;
  type: string;
  reason: string;
  target: string;
  fieldPath: string;
  source: string;
  message: string;
  name: string;
}

function eventView(event: JsonObject, now: Date, modern: boolean): EventView {
  const field = (core: string, events: string) => at(event, modern ? events : core);
  const first =
    field('firstTimestamp', 'deprecatedFirstTimestamp') !== undefined
      ? ageOf(field('firstTimestamp', 'deprecatedFirstTimestamp'), now)
      : ageOf(event.eventTime, now);
  let last =
    field('lastTimestamp', 'deprecatedLastTimestamp') !== undefined
      ? ageOf(field('lastTimestamp', 'deprecatedLastTimestamp'), now)
      : first;
  let n = count(field('count', 'deprecatedCount'));
  if (typeof event.series === 'object' && event.series !== null) {
    last = ageOf(at(event, 'series.lastObservedTime'), now);
    n = count(at(event, 'series.count'));
  } else if (n === 0) {
    n = 1;
  }
  const involved = (field('involvedObject', 'regarding') ?? {}) as JsonObject;
  const kind = text(involved.kind).toLowerCase();
  const name = text(involved.name);
  const component =
    text(field('source.component', 'deprecatedSource.component')) ||
    text(field('reportingComponent', 'reportingController'));
  const host = text(field('source.host', 'deprecatedSource.host')) || text(event.reportingInstance);
  return {
    first,
    last,
    count: n,
    type: text(event.type),
    reason: text(event.reason),
    target: name ? `${kind}/${name}` : kind,
    fieldPath: text(involved.fieldPath),
    source: component ? [component, host].filter((s) => s !== '').join(', ') : '<unknown>',
    message: text(field('message', 'note')).trim(),
    name: text(metadataOf(event).name),
  };
}

function eventColumns(modern: boolean): TableColumn[] {
  const view =
    (pick: (v: EventView) => unknown): TableColumn['cell'] =>
    (o, now) =>
      pick(eventView(o, now, modern));
  return [
    column(
      'Last Seen',
      'string',
      'The time at which the most recent occurrence of this event was recorded.',
      view((v) => v.last),
    ),
    column(
      'Type',
      'string',
      'Type of this event (Normal, Warning).',
      view((v) => v.type),
    ),
    column(
      'Reason',
      'string',
      'Why the action was taken, in CamelCase.',
      view((v) => v.reason),
    ),
    column(
      'Object',
      'string',
      'The object that this event is about.',
      view((v) => v.target),
    ),
    column(
      'Subobject',
      'string',
      'The part of the object the event is about, e.g. spec.containers{name}.',
      view((v) => v.fieldPath),
      1,
    ),
    column(
      'Source',
      'string',
      'The component reporting this event.',
      view((v) => v.source),
      1,
    ),
    column(
      'Message',
      'string',
      'A human-readable description of the status of this operation.',
      view((v) => v.message),
    ),
    column(
      'First Seen',
      'string',
      'The time at which the event was first recorded.',
      view((v) => v.first),
      1,
    ),
    column(
      'Count',
      'string',
      'The number of times this event has occurred.',
      view((v) => v.count),
      1,
    ),
    column(
      'Name',
      'string',
      NAME_DESCRIPTION,
      view((v) => v.name),
      1,
      'name',
    ),
  ];
}

// ---- RBAC ----------------------------------------------------------------------------------------------------------

function subjects(binding: JsonObject, kind: string): string {
  return objects(binding.subjects)
    .filter((s) => s.kind === kind)
    .map((s) => (kind === 'ServiceAccount' ? `${text(s.namespace)}/${text(s.name)}` : text(s.name)))
    .join(', ');
}

const BINDING: TableColumn[] = [
  NAME_COLUMN,
  column(
    'Role',
    'string',
    'RoleRef references the role being bound.',
    (o) => `${text(at(o, 'roleRef.kind'))}/${text(at(o, 'roleRef.name'))}`,
  ),
  AGE_COLUMN,
  column('Users', 'string', 'Users in the binding.', (o) => subjects(o, 'User'), 1),
  column('Groups', 'string', 'Groups in the binding.', (o) => subjects(o, 'Group'), 1),
  column(
    'ServiceAccounts',
    'string',
    'ServiceAccounts in the binding.',
    (o) => subjects(o, 'ServiceAccount'),
    1,
  ),
];

const dataCount = (o: JsonObject, ...fields: string[]) =>
  fields.reduce((n, f) => n + Object.keys((o[f] as JsonObject | undefined) ?? {}).length, 0);

/** Keyed by `<group>/<kind>`. */
export const BUILTIN_TABLES: Readonly<Record<string, TableColumn[]>> = {
  ...WORKLOAD_TABLES,
  '/Namespace': [
    NAME_COLUMN,
    column('Status', 'string', 'The status of the namespace.', (o) => text(at(o, 'status.phase'))),
    AGE_COLUMN,
  ],
  '/ConfigMap': [
    NAME_COLUMN,
    column('Data', 'string', 'The number of keys in data and binaryData.', (o) =>
      dataCount(o, 'data', 'binaryData'),
    ),
    AGE_COLUMN,
  ],
  '/Secret': [
    NAME_COLUMN,
    column('Type', 'string', 'The type of secret.', (o) => text(o.type)),
    column('Data', 'string', 'The number of keys in data.', (o) => dataCount(o, 'data')),
    AGE_COLUMN,
  ],
  '/ServiceAccount': [
    NAME_COLUMN,
    column('Secrets', 'string', 'The number of secrets.', (o) => objects(o.secrets).length),
    AGE_COLUMN,
  ],
  '/Service': SERVICE,
  '/Pod': POD,
  '/Event': eventColumns(false),
  'events.k8s.io/Event': eventColumns(true),
  'apps/Deployment': [
    NAME_COLUMN,
    column('Ready', 'string', 'Number of the pod with ready state.', (o) => {
      const desired = typeof at(o, 'spec.replicas') === 'number' ? count(at(o, 'spec.replicas')) : 1;
      return `${count(at(o, 'status.readyReplicas'))}/${desired}`;
    }),
    column(
      'Up-to-date',
      'integer',
      'Total number of non-terminated pods targeted by this deployment that have the desired template spec.',
      (o) => count(at(o, 'status.updatedReplicas')),
    ),
    column(
      'Available',
      'integer',
      'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.',
      (o) => count(at(o, 'status.availableReplicas')),
    ),
    AGE_COLUMN,
    ...containerColumns('spec.template.spec.containers'),
  ],
  'apps/ReplicaSet': [
    NAME_COLUMN,
    column('Desired', 'integer', 'Number of desired pods.', (o) =>
      typeof at(o, 'spec.replicas') === 'number' ? count(at(o, 'spec.replicas')) : 1,
    ),
    column('Current', 'integer', 'The most recently observed number of replicas.', (o) =>
      count(at(o, 'status.replicas')),
    ),
    column('Ready', 'integer', 'The number of ready replicas for this replica set.', (o) =>
      count(at(o, 'status.readyReplicas')),
    ),
    AGE_COLUMN,
    ...containerColumns('spec.template.spec.containers'),
  ],
  'coordination.k8s.io/Lease': [
    NAME_COLUMN,
    column('Holder', 'string', 'The identity of the holder of a current lease.', (o) =>
      typeof at(o, 'spec.holderIdentity') === 'string' ? text(at(o, 'spec.holderIdentity')) : '<unknown>',
    ),
    AGE_COLUMN,
  ],
  'rbac.authorization.k8s.io/Role': [NAME_COLUMN, createdAtColumn()],
  'rbac.authorization.k8s.io/ClusterRole': [NAME_COLUMN, createdAtColumn()],
  'rbac.authorization.k8s.io/RoleBinding': BINDING,
  'rbac.authorization.k8s.io/ClusterRoleBinding': BINDING,
  'apiextensions.k8s.io/CustomResourceDefinition': [NAME_COLUMN, createdAtColumn()],
};
