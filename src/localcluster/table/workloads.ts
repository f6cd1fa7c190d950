// Table columns of the other built-in kinds the server serves (workloads, nodes, claims, endpoints),
// after kube-apiserver's printers, like builtin.ts.
import type { JsonObject } from '../resource-type.js';
import {
  AGE_COLUMN,
  ageOf,
  at,
  column,
  containerColumns,
  count,
  formatLabels,
  humanDuration,
  metadataOf,
  NAME_COLUMN,
  noneIfEmpty,
  objects,
  type TableColumn,
  text,
} from './format.js';

const hasCondition = (o: JsonObject, type: string) =>
  objects(at(o, 'status.conditions')).some((c) => c.type === type && c.status === 'True');

function jobStatus(job: JsonObject): string {
  if (hasCondition(job, 'Complete')) return 'Complete';
  if (hasCondition(job, 'Failed')) return 'Failed';
  if (at(job, 'metadata.deletionTimestamp') !== undefined) return 'Terminating';
  if (hasCondition(job, 'Suspended')) return 'Suspended';
  if (hasCondition(job, 'FailureTarget')) return 'FailureTarget';
  if (hasCondition(job, 'SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
}

function jobCompletions(job: JsonObject): string {
  const succeeded = count(at(job, 'status.succeeded'));
  const completions = at(job, 'spec.completions');
  const parallelism = at(job, 'spec.parallelism');
  if (typeof completions === 'number') return `${succeeded}/${completions}`;
  if (typeof parallelism === 'number' && parallelism > 1) return `${succeeded}/1 of ${parallelism}`;
  return `${succeeded}/1`;
}

function jobDuration(job: JsonObject, now: Date): string {
  const start = Date.parse(text(at(job, 'status.startTime')));
  if (Number.isNaN(start)) return '';
  const end = Date.parse(text(at(job, 'status.completionTime')));
  return humanDuration((Number.isNaN(end) ? now.getTime() : end) - start);
}

function controllerOf(o: JsonObject): string {
  const ref = objects(metadataOf(o).ownerReferences).find((r) => r.controller === true);
  if (!ref) return '<none>';
  const group = text(ref.apiVersion).includes('/') ? text(ref.apiVersion).split('/')[0] : '';
  return `${text(ref.kind).toLowerCase()}${group ? `.${group}` : ''}/${text(ref.name)}`;
}

function nodeStatus(node: JsonObject): string {
  const ready = objects(at(node, 'status.conditions')).find((c) => c.type === 'Ready');
  const status = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (at(node, 'spec.unschedulable') === true) status.push('SchedulingDisabled');
  return status.join(',');
}

function nodeRoles(node: JsonObject): string {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries((metadataOf(node).labels as Record<string, string>) ?? {})) {
    if (key.startsWith('node-role.kubernetes.io/')) roles.add(key.slice('node-role.kubernetes.io/'.length));
    else if (key === 'kubernetes.io/role' && value !== '') roles.add(value);
  }
  return noneIfEmpty(
    [...roles]
      .filter((r) => r !== '')
      .sort()
      .join(','),
  );
}

const nodeAddress = (node: JsonObject, type: string) =>
  noneIfEmpty(text(objects(at(node, 'status.addresses')).find((a) => a.type === type)?.address));

const unknownIfEmpty = (value: string) => (value === '' ? '<unknown>' : value);

const ACCESS_MODES: Record<string, string> = {
  ReadWriteOnce: 'RWO',
  ReadOnlyMany: 'ROX',
  ReadWriteMany: 'RWX',
  ReadWriteOncePod: 'RWOP',
};

function formatEndpoints(endpoints: JsonObject): string {
  const all: string[] = [];
  for (const subset of objects(endpoints.subsets)) {
    for (const port of objects(subset.ports)) {
      for (const address of objects(subset.addresses)) all.push(`${text(address.ip)}:${count(port.port)}`);
    }
  }
  if (all.length === 0) return '<none>';
  return all.length > 3 ? `${all.slice(0, 3).join(',')} + ${all.length - 3} more...` : all.join(',');
}

/** Keyed by `<group>/<kind>`, like BUILTIN_TABLES. */
export const WORKLOAD_TABLES: Readonly<Record<string, TableColumn[]>> = {
  'apps/StatefulSet': [
    NAME_COLUMN,
    column('Ready', 'string', 'Number of the pod with ready state.', (o) => {
      const desired = typeof at(o, 'spec.replicas') === 'number' ? count(at(o, 'spec.replicas')) : 1;
      return `${count(at(o, 'status.readyReplicas'))}/${desired}`;
    }),
    AGE_COLUMN,
    ...containerColumns('spec.template.spec.containers', undefined),
  ],
  'apps/DaemonSet': [
    NAME_COLUMN,
    column('Desired', 'integer', 'The number of nodes that should be running the daemon pod.', (o) =>
      count(at(o, 'status.desiredNumberScheduled')),
    ),
    column('Current', 'integer', 'The number of nodes running at least one daemon pod.', (o) =>
      count(at(o, 'status.currentNumberScheduled')),
    ),
    column(
      'Ready',
      'integer',
      'The number of nodes that should be running the daemon pod and are ready.',
      (o) => count(at(o, 'status.numberReady')),
    ),
    column('Up-to-date', 'integer', 'The number of nodes running the updated daemon pod.', (o) =>
      count(at(o, 'status.updatedNumberScheduled')),
    ),
    column('Available', 'integer', 'The number of nodes running an available daemon pod.', (o) =>
      count(at(o, 'status.numberAvailable')),
    ),
    column('Node Selector', 'string', 'The node selector of the daemon pods.', (o) =>
      formatLabels(at(o, 'spec.template.spec.nodeSelector')),
    ),
    AGE_COLUMN,
    ...containerColumns('spec.template.spec.containers'),
  ],
  'apps/ControllerRevision': [
    NAME_COLUMN,
    column('Controller', 'string', 'Controller of the object.', controllerOf),
    column(
      'Revision',
      'integer',
      'The revision number of the state represented by this ControllerRevision.',
      (o) => count(o.revision),
    ),
    AGE_COLUMN,
  ],
  'batch/Job': [
    NAME_COLUMN,
    column('Status', 'string', 'Status of the job.', jobStatus),
    column(
      'Completions',
      'string',
      'The desired number of successfully finished pods the job should be run with.',
      jobCompletions,
    ),
    column('Duration', 'string', 'Time required to complete the job.', jobDuration),
    AGE_COLUMN,
    ...containerColumns('spec.template.spec.containers'),
  ],
  'batch/CronJob': [
    NAME_COLUMN,
    column('Schedule', 'string', 'The schedule in Cron format.', (o) => text(at(o, 'spec.schedule'))),
    column('Timezone', 'string', 'The time zone of the schedule.', (o) =>
      noneIfEmpty(text(at(o, 'spec.timeZone'))),
    ),
    column('Suspend', 'boolean', 'Whether subsequent executions are suspended.', (o) => {
      const suspend = at(o, 'spec.suspend');
      return typeof suspend === 'boolean' ? (suspend ? 'True' : 'False') : '<unset>';
    }),
    column(
      'Active',
      'integer',
      'The number of currently running jobs.',
      (o) => objects(at(o, 'status.active')).length,
    ),
    column('Last Schedule', 'string', 'When the job was last successfully scheduled.', (o, now) =>
      at(o, 'status.lastScheduleTime') === undefined
        ? '<none>'
        : ageOf(at(o, 'status.lastScheduleTime'), now),
    ),
    AGE_COLUMN,
    ...containerColumns('spec.jobTemplate.spec.template.spec.containers', 'spec.jobTemplate.spec.selector'),
  ],
  '/Node': [
    NAME_COLUMN,
    column('Status', 'string', 'The status of the node.', nodeStatus),
    column('Roles', 'string', 'The roles of the node.', nodeRoles),
    AGE_COLUMN,
    column('Version', 'string', 'Kubelet Version reported by the node.', (o) =>
      text(at(o, 'status.nodeInfo.kubeletVersion')),
    ),
    column('Internal-IP', 'string', 'The internal IP of the node.', (o) => nodeAddress(o, 'InternalIP'), 1),
    column('External-IP', 'string', 'The external IP of the node.', (o) => nodeAddress(o, 'ExternalIP'), 1),
    column(
      'OS-Image',
      'string',
      'OS Image reported by the node.',
      (o) => unknownIfEmpty(text(at(o, 'status.nodeInfo.osImage'))),
      1,
    ),
    column(
      'Kernel-Version',
      'string',
      'Kernel Version reported by the node.',
      (o) => unknownIfEmpty(text(at(o, 'status.nodeInfo.kernelVersion'))),
      1,
    ),
    column(
      'Container-Runtime',
      'string',
      'Container Runtime Version reported by the node.',
      (o) => unknownIfEmpty(text(at(o, 'status.nodeInfo.containerRuntimeVersion'))),
      1,
    ),
  ],
  '/PersistentVolumeClaim': [
    NAME_COLUMN,
    column('Status', 'string', 'The phase of the claim.', (o) =>
      at(o, 'metadata.deletionTimestamp') !== undefined ? 'Terminating' : text(at(o, 'status.phase')),
    ),
    column('Volume', 'string', 'The binding reference to the PersistentVolume backing this claim.', (o) =>
      text(at(o, 'spec.volumeName')),
    ),
    column('Capacity', 'string', 'The actual resources of the underlying volume.', (o) =>
      text(at(o, 'spec.volumeName')) === '' ? '' : String(at(o, 'status.capacity.storage') ?? ''),
    ),
    column('Access Modes', 'string', 'The actual access modes the volume backing the PVC has.', (o) =>
      text(at(o, 'spec.volumeName')) === ''
        ? ''
        : ((at(o, 'status.accessModes') as string[] | undefined) ?? [])
            .map((m) => ACCESS_MODES[m] ?? m)
            .join(','),
    ),
    column('StorageClass', 'string', 'The name of the StorageClass required by the claim.', (o) =>
      text(at(o, 'spec.storageClassName')),
    ),
    column(
      'VolumeAttributesClass',
      'string',
      'The VolumeAttributesClass used by this claim.',
      (o) => text(at(o, 'spec.volumeAttributesClassName')) || '<unset>',
    ),
    AGE_COLUMN,
    column(
      'VolumeMode',
      'string',
      'What type of volume is required by the claim.',
      (o) => text(at(o, 'spec.volumeMode')) || '<unset>',
      1,
    ),
  ],
  '/Endpoints': [
    NAME_COLUMN,
    column('Endpoints', 'string', 'Endpoints of the service.', formatEndpoints),
    AGE_COLUMN,
  ],
};
