import { AGE_COLUMN, type KindDefinition, readyColumn } from './kind.js';
import {
  bool,
  celRules,
  conditions,
  integer,
  keyedList,
  type ObjectMeta,
  observedGeneration,
  type Static,
  stringEnum,
  stringSet,
  Type,
  text,
  timestamp,
} from './schema-kit.js';
import { component, DEVICE_TYPES, PHASES, VERIFICATIONS } from './teamsdevice.js';

export const Artifact = Type.Object(
  {
    url: text('Where device proxies download the image (http or https).', { pattern: '^https?://\\S+$' }),
    sha256: text('SHA-256 of the image, 64 lowercase hex digits; the proxy verifies it before installing.', {
      pattern: '^[a-f0-9]{64}$',
    }),
    sizeBytes: integer('Size of the image in bytes.', { minimum: 1 }),
  },
  { description: 'The image devices install. Required when the release is Verified.' },
);

export const FirmwareReleaseSpec = Type.Object(
  {
    component: component(
      'What this release updates: Firmware (device firmware) or TeamsApp (the Teams app).',
    ),
    version: text('The version string as the vendor writes it, e.g. 122.15.0.40 or 1449/1.0.94.2023071702.', {
      minLength: 1,
    }),
    releaseDate: timestamp(
      'When the release came out. Phase starts are counted from it: Test at release, General and Final after the delays of the UpdatePolicy.',
    ),
    verification: stringEnum(
      VERIFICATIONS,
      'Verified ("Verified by Microsoft"): may be installed, automatically or manually. Unknown ("Unknown version"): never installed; devices running it are labelled Unknown and get no automatic updates.',
    ),
    appliesTo: Type.Object(
      {
        manufacturer: Type.Optional(
          text('Manufacturer the release is for. Required for Firmware.', { minLength: 1 }),
        ),
        models: Type.Optional(
          stringSet('Models the release is for. Required for Firmware.', Type.String({ minLength: 1 })),
        ),
        deviceTypes: Type.Optional(
          stringSet(
            'Device types the release is for; empty means all. Teams app releases usually match by type alone.',
            stringEnum(DEVICE_TYPES, 'A device type.'),
          ),
        ),
      },
      { description: 'Which devices the release applies to.', default: {} },
    ),
    artifact: Type.Optional(Artifact),
    paused: bool('True: start no new automatic updates of this release (updates in flight finish).', {
      default: false,
    }),
  },
  {
    description: 'One released version of device firmware or of the Teams app.',
    ...celRules(
      {
        rule: "self.verification != 'Verified' || has(self.artifact)",
        fieldPath: '.artifact',
        reason: 'FieldValueRequired',
        message: 'a Verified release needs an artifact (url, sha256, sizeBytes) for devices to install',
      },
      {
        rule: "self.component != 'Firmware' || (has(self.appliesTo.manufacturer) && has(self.appliesTo.models) && size(self.appliesTo.models) > 0)",
        fieldPath: '.appliesTo',
        reason: 'FieldValueRequired',
        message:
          'a Firmware release must name appliesTo.manufacturer and at least one model in appliesTo.models',
      },
    ),
  },
);

export const PhaseRollout = Type.Object(
  {
    phase: stringEnum(PHASES, 'The phase: Test, General or Final.'),
    startsAt: timestamp('When automatic updates of this phase start: release date plus the phase delay.'),
    targeted: integer('Devices of this phase the release applies to.', { minimum: 0 }),
    updated: integer('Devices of this phase that now run this release.', { minimum: 0 }),
    failed: integer('Devices of this phase whose last update to this release failed.', { minimum: 0 }),
  },
  { description: 'Rollout of the release in one phase.' },
);

export const HaltedNamespace = Type.Object(
  {
    namespace: text('Namespace where the automatic rollout of this release is halted.'),
    reason: text('Why it was halted, e.g. FailureThresholdExceeded.'),
    message: Type.Optional(text('Details: failures and attempts counted.')),
    since: Type.Optional(timestamp('When it was halted.')),
  },
  { description: 'A namespace where the failure threshold stopped the automatic rollout.' },
);

export const FirmwareReleaseStatus = Type.Object(
  {
    observedGeneration: Type.Optional(observedGeneration()),
    phases: Type.Optional(keyedList(PhaseRollout, ['phase'], 'One row per phase.')),
    halted: Type.Optional(
      keyedList(HaltedNamespace, ['namespace'], 'Namespaces where the rollout is halted.'),
    ),
    conditions: Type.Optional(conditions()),
  },
  { description: 'Rollout progress. Written only by the operator.' },
);

export type Artifact = Static<typeof Artifact>;
export type FirmwareReleaseSpec = Static<typeof FirmwareReleaseSpec>;
export type FirmwareReleaseStatus = Static<typeof FirmwareReleaseStatus>;
export type PhaseRollout = Static<typeof PhaseRollout>;

export interface FirmwareRelease {
  apiVersion: 'teamsdevices.io/v1alpha1';
  kind: 'FirmwareRelease';
  metadata: ObjectMeta;
  spec: FirmwareReleaseSpec;
  status?: FirmwareReleaseStatus;
}

export const FirmwareReleaseKind: KindDefinition = {
  kind: 'FirmwareRelease',
  plural: 'firmwarereleases',
  singular: 'firmwarerelease',
  shortNames: ['fwr'],
  scope: 'Cluster',
  description: 'One released version of device firmware or of the Teams app, with its artifact.',
  spec: FirmwareReleaseSpec,
  status: FirmwareReleaseStatus,
  printerColumns: [
    { name: 'Component', type: 'string', jsonPath: '.spec.component', description: 'Firmware or TeamsApp.' },
    { name: 'Version', type: 'string', jsonPath: '.spec.version', description: 'Released version.' },
    {
      name: 'Verification',
      type: 'string',
      jsonPath: '.spec.verification',
      description: 'Verified or Unknown.',
    },
    { name: 'Released', type: 'string', jsonPath: '.spec.releaseDate', description: 'Release date.' },
    {
      name: 'General-From',
      type: 'string',
      jsonPath: '.status.phases[?(@.phase=="General")].startsAt',
      description: 'When automatic updates of the General phase start.',
    },
    {
      name: 'Final-From',
      type: 'string',
      jsonPath: '.status.phases[?(@.phase=="Final")].startsAt',
      description: 'When automatic updates of the Final phase start.',
    },
    {
      name: 'Models',
      type: 'string',
      jsonPath: '.spec.appliesTo.models',
      description: 'Models.',
      priority: 1,
    },
    {
      name: 'Paused',
      type: 'boolean',
      jsonPath: '.spec.paused',
      description: 'Automatic rollout paused.',
      priority: 1,
    },
    readyColumn(),
    AGE_COLUMN,
  ],
};
