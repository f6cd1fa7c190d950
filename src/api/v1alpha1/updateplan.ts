import { AGE_COLUMN, type KindDefinition } from './kind.js';
import {
  bool,
  celRules,
  conditions,
  integer,
  keyedList,
  LabelSelector,
  type ObjectMeta,
  observedGeneration,
  type Static,
  stringEnum,
  stringSet,
  Type,
  text,
  timestamp,
} from './schema-kit.js';
import { component } from './teamsdevice.js';

export const PLAN_PHASES = [
  'Pending',
  'Scheduled',
  'InProgress',
  'Succeeded',
  'PartiallyFailed',
  'Failed',
] as const;
export const PLAN_ROW_STATES = [
  'Pending',
  'Scheduled',
  'Sent',
  'Downloading',
  'Installing',
  'Succeeded',
  'Failed',
  'Skipped',
] as const;
export type PlanPhase = (typeof PLAN_PHASES)[number];
export type PlanRowState = (typeof PLAN_ROW_STATES)[number];

// Local wall-clock time without an offset: the zone comes from schedule.timeZone.
const LOCAL_TIME_PATTERN = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2})?$';

export const UpdatePlanSpec = Type.Object(
  {
    devices: Type.Object(
      {
        names: Type.Optional(
          stringSet('TeamsDevice names in this namespace.', Type.String({ minLength: 1 }), {
            maxItems: 10000,
          }),
        ),
        selector: Type.Optional(LabelSelector),
      },
      {
        description: 'Which devices to update: names, a label selector, or both (their union).',
        ...celRules({
          rule: '(has(self.names) && size(self.names) > 0) || has(self.selector)',
          reason: 'FieldValueRequired',
          message: 'a plan must name devices (devices.names) or select them (devices.selector)',
        }),
      },
    ),
    updates: keyedList(
      Type.Object({
        component: component('Which update type to apply: Firmware or TeamsApp.'),
        version: Type.Optional(
          text(
            'Version to install. Default: the newest Verified release that applies to each device. Must be Verified and not older than what the device runs.',
            { minLength: 1 },
          ),
        ),
      }),
      ['component'],
      'Which update types to apply to each selected device, one entry per component.',
      { minItems: 1 },
    ),
    schedule: Type.Optional(
      Type.Object(
        {
          at: Type.Optional(
            text('Local wall-clock date and time, without offset, e.g. 2026-12-05T22:00:00.', {
              pattern: LOCAL_TIME_PATTERN,
            }),
          ),
          timeZone: Type.Optional(
            text('IANA time zone that `at` is read in, e.g. Europe/Berlin.', { minLength: 1 }),
          ),
        },
        {
          description:
            "When to apply the updates. Absent: now (within a few minutes). A scheduled firmware update that falls after the device's automatic time is applied at the automatic time instead.",
          ...celRules({
            rule: 'has(self.at) && has(self.timeZone)',
            reason: 'FieldValueRequired',
            message: 'a schedule needs both at (local date and time) and timeZone',
          }),
        },
      ),
    ),
    suspend: bool('True: send nothing new for this plan until it is false again.', { default: false }),
  },
  {
    description:
      'A manual update of some devices: which devices, which update types, now or at a local time.',
  },
);

export const PlanDeviceRow = Type.Object(
  {
    device: text('TeamsDevice name.'),
    component: component('The update type.'),
    currentVersion: Type.Optional(text('Version the device runs.')),
    newVersion: Type.Optional(text('Version the plan applies.')),
    effectiveAt: Type.Optional(
      timestamp('When the update is applied (the schedule, capped by the automatic time).'),
    ),
    state: stringEnum(
      PLAN_ROW_STATES,
      'Pending, Scheduled, Sent, Downloading, Installing, Succeeded, Failed or Skipped.',
    ),
    reason: Type.Optional(
      text('Why the row was skipped or failed, e.g. DowngradeRequiresFactoryReset, NotVerified.'),
    ),
  },
  { description: 'One (device, component) of the plan.' },
);

export const UpdatePlanStatus = Type.Object(
  {
    observedGeneration: Type.Optional(observedGeneration()),
    phase: Type.Optional(
      stringEnum(PLAN_PHASES, 'Pending, Scheduled, InProgress, Succeeded, PartiallyFailed or Failed.'),
    ),
    scheduledFor: Type.Optional(timestamp('The schedule as an instant in UTC.')),
    devices: Type.Optional(
      keyedList(PlanDeviceRow, ['device', 'component'], 'One row per (device, component).'),
    ),
    summary: Type.Optional(
      Type.Object(
        {
          total: integer('Rows in the plan.', { minimum: 0 }),
          succeeded: integer('Rows that succeeded.', { minimum: 0 }),
          failed: integer('Rows that failed.', { minimum: 0 }),
          skipped: integer('Rows that were skipped, with their reason.', { minimum: 0 }),
        },
        { description: 'Counts over the rows.' },
      ),
    ),
    conditions: Type.Optional(conditions()),
  },
  { description: 'Progress of the plan. Written only by the operator.' },
);

export type UpdatePlanSpec = Static<typeof UpdatePlanSpec>;
export type UpdatePlanStatus = Static<typeof UpdatePlanStatus>;
export type PlanDeviceRow = Static<typeof PlanDeviceRow>;

export interface UpdatePlan {
  apiVersion: 'teamsdevices.io/v1alpha1';
  kind: 'UpdatePlan';
  metadata: ObjectMeta;
  spec: UpdatePlanSpec;
  status?: UpdatePlanStatus;
}

export const UpdatePlanKind: KindDefinition = {
  kind: 'UpdatePlan',
  plural: 'updateplans',
  singular: 'updateplan',
  shortNames: ['uplan'],
  scope: 'Namespaced',
  description: 'A manual update: which devices, which update types, now or at a scheduled local time.',
  spec: UpdatePlanSpec,
  status: UpdatePlanStatus,
  printerColumns: [
    {
      name: 'Schedule',
      type: 'string',
      jsonPath: '.status.scheduledFor',
      description: 'When it applies (UTC).',
    },
    { name: 'Devices', type: 'integer', jsonPath: '.status.summary.total', description: 'Rows in the plan.' },
    {
      name: 'Succeeded',
      type: 'integer',
      jsonPath: '.status.summary.succeeded',
      description: 'Rows that succeeded.',
    },
    { name: 'Failed', type: 'integer', jsonPath: '.status.summary.failed', description: 'Rows that failed.' },
    { name: 'Phase', type: 'string', jsonPath: '.status.phase', description: 'Phase of the plan.' },
    AGE_COLUMN,
  ],
};
