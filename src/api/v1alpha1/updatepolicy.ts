import { AGE_COLUMN, type KindDefinition, readyColumn } from './kind.js';
import {
  celRules,
  conditions,
  integer,
  type ObjectMeta,
  observedGeneration,
  type Static,
  stringEnum,
  stringSet,
  Type,
  text,
} from './schema-kit.js';

export const WEEKDAYS = [
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday',
] as const;
export const CLOUDS = ['Commercial', 'GCC', 'GCCHigh', 'DoD'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export type Cloud = (typeof CLOUDS)[number];

const CLOCK_PATTERN = '^([01][0-9]|2[0-3]):[0-5][0-9]$';
const DATE_PATTERN = '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$';

export const BusinessHours = Type.Object(
  {
    days: stringSet('Weekdays with business hours.', stringEnum(WEEKDAYS, 'A weekday.'), {
      default: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'],
    }),
    start: text('Local start of business hours, HH:MM.', { pattern: CLOCK_PATTERN, default: '08:00' }),
    end: text(
      'Local end of business hours, HH:MM. Earlier than start: the hours wrap past midnight into the next day.',
      {
        pattern: CLOCK_PATTERN,
        default: '18:00',
      },
    ),
  },
  {
    description:
      'Hours in each device\'s time zone when no automatic update runs ("outside typical business hours").',
    default: {},
    ...celRules({ rule: 'self.start != self.end', message: 'businessHours.start and end must differ' }),
  },
);

export const Blackout = Type.Object(
  {
    from: text('First local date of the blackout, YYYY-MM-DD.', { pattern: DATE_PATTERN }),
    to: text('Last local date of the blackout, YYYY-MM-DD (inclusive).', { pattern: DATE_PATTERN }),
    reason: Type.Optional(text('Why, e.g. Holidays.')),
  },
  {
    description: "Local dates, in each device's zone, when no automatic update runs.",
    ...celRules({
      rule: 'self.to >= self.from',
      fieldPath: '.to',
      message: 'blackout to must not be before from',
    }),
  },
);

export const UpdatePolicySpec = Type.Object(
  {
    phaseDelayDays: Type.Object(
      {
        test: integer('Days after release when the Test phase starts.', {
          minimum: 0,
          maximum: 3650,
          default: 0,
        }),
        general: integer('Days after release when the General phase starts.', {
          minimum: 0,
          maximum: 3650,
          default: 30,
        }),
        final: integer('Days after release when the Final phase starts.', {
          minimum: 0,
          maximum: 3650,
          default: 90,
        }),
      },
      {
        description: 'Delay of each phase after a release: Test 0, General 30 and Final 90 days by default.',
        default: {},
        ...celRules({
          rule: 'self.test <= self.general && self.general <= self.final',
          message: 'phase delays must not decrease: test <= general <= final',
        }),
      },
    ),
    businessHours: BusinessHours,
    blackouts: Type.Optional(
      Type.Array(Blackout, { description: 'Local date ranges with no automatic updates.' }),
    ),
    rolloutSpreadDays: integer(
      'A phase reaches all its devices gradually over this many days; 0 updates all at the phase start.',
      { minimum: 0, maximum: 365, default: 14 },
    ),
    maxConcurrentUpdates: integer('At most this many updates in flight at once in the namespace.', {
      minimum: 1,
      default: 50,
    }),
    retry: Type.Object(
      {
        maxAttempts: integer('Attempts per update before it counts as failed.', {
          minimum: 1,
          maximum: 20,
          default: 3,
        }),
        backoffMinutes: integer(
          'Minutes to wait before a retry; the retry then waits for the next allowed window.',
          {
            minimum: 0,
            default: 60,
          },
        ),
      },
      { description: 'How failed updates are retried.', default: {} },
    ),
    updateTimeoutMinutes: integer(
      'An update not finished after this many minutes counts as a failed attempt.',
      {
        minimum: 1,
        default: 120,
      },
    ),
    failureThreshold: Type.Object(
      {
        percent: integer(
          'Halt a release in this namespace when more than this percent of its updates fail…',
          {
            minimum: 0,
            maximum: 100,
            default: 10,
          },
        ),
        minDevices: integer('…once at least this many devices have finished an update to it.', {
          minimum: 1,
          default: 10,
        }),
      },
      { description: 'When to halt the automatic rollout of a failing release.', default: {} },
    ),
    cloud: stringEnum(
      CLOUDS,
      'Microsoft cloud of the tenant. In GCCHigh remote updates are not available: nothing is sent.',
      { default: 'Commercial' },
    ),
    defaultTimeZone: text('IANA time zone for devices that do not name one.', {
      default: 'UTC',
      minLength: 1,
    }),
  },
  { description: 'How automatic updates roll out in this namespace. Every field has a default.' },
);

export const UpdatePolicyStatus = Type.Object(
  {
    observedGeneration: Type.Optional(observedGeneration()),
    conditions: Type.Optional(conditions('Ready, and problems found in time zones, windows or blackouts.')),
  },
  { description: 'Whether the policy is valid. Written only by the operator.' },
);

export type BusinessHours = Static<typeof BusinessHours>;
export type Blackout = Static<typeof Blackout>;
export type UpdatePolicySpec = Static<typeof UpdatePolicySpec>;
export type UpdatePolicyStatus = Static<typeof UpdatePolicyStatus>;

export interface UpdatePolicy {
  apiVersion: 'teamsdevices.io/v1alpha1';
  kind: 'UpdatePolicy';
  metadata: ObjectMeta;
  spec: UpdatePolicySpec;
  status?: UpdatePolicyStatus;
}

export const UpdatePolicyKind: KindDefinition = {
  kind: 'UpdatePolicy',
  plural: 'updatepolicies',
  singular: 'updatepolicy',
  shortNames: ['upol'],
  scope: 'Namespaced',
  description:
    'How automatic updates roll out in a namespace: phase delays, business hours, spread and limits.',
  spec: UpdatePolicySpec,
  status: UpdatePolicyStatus,
  printerColumns: [
    { name: 'Cloud', type: 'string', jsonPath: '.spec.cloud', description: 'Microsoft cloud.' },
    {
      name: 'Spread',
      type: 'integer',
      jsonPath: '.spec.rolloutSpreadDays',
      description: 'Rollout spread in days.',
    },
    {
      name: 'Max-Concurrent',
      type: 'integer',
      jsonPath: '.spec.maxConcurrentUpdates',
      description: 'Updates in flight at once.',
    },
    {
      name: 'Zone',
      type: 'string',
      jsonPath: '.spec.defaultTimeZone',
      description: 'Default zone.',
      priority: 1,
    },
    readyColumn(0),
    AGE_COLUMN,
  ],
};
