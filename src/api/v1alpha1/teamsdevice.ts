import { AGE_COLUMN, type KindDefinition } from './kind.js';
import {
  bool,
  celRules,
  conditions,
  integer,
  keyedList,
  nullable,
  type ObjectMeta,
  observedGeneration,
  type Static,
  stringEnum,
  Type,
  text,
  timestamp,
} from './schema-kit.js';

export const DEVICE_TYPES = ['Phone', 'Display', 'Panel', 'TeamsRoomsAndroid'] as const;
export const LICENSES = ['Basic', 'Pro'] as const;
export const PHASES = ['Test', 'General', 'Final'] as const;
export const COMPONENTS = ['Firmware', 'TeamsApp'] as const;
export const UPDATE_STATES = [
  'Scheduled',
  'Sent',
  'Downloading',
  'Installing',
  'Succeeded',
  'Failed',
] as const;
export const VERIFICATIONS = ['Verified', 'Unknown'] as const;

export type DeviceType = (typeof DEVICE_TYPES)[number];
export type License = (typeof LICENSES)[number];
export type Phase = (typeof PHASES)[number];
export type Component = (typeof COMPONENTS)[number];
export type UpdateState = (typeof UPDATE_STATES)[number];
export type Verification = (typeof VERIFICATIONS)[number];

// MQTT topic segments cannot hold '/', '+' or '#'.
const DEVICE_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$';

export const component = (description: string) => stringEnum(COMPONENTS, description);

export const TeamsDeviceSpec = Type.Object(
  {
    deviceId: Type.Optional(
      text(
        'Identity of the device on MQTT (topic tdo/v1/devices/{deviceId}/…). Defaults to metadata.name. Immutable.',
        {
          pattern: DEVICE_ID_PATTERN,
        },
      ),
    ),
    type: stringEnum(
      DEVICE_TYPES,
      'Kind of Teams device: Phone, Display, Panel or TeamsRoomsAndroid (Teams Rooms on Android).',
    ),
    manufacturer: text('Device manufacturer as the admin center shows it, e.g. Yealink, Poly, Lenovo.', {
      minLength: 1,
    }),
    model: text('Device model, e.g. MP56. FirmwareReleases apply by manufacturer and model.', {
      minLength: 1,
    }),
    license: stringEnum(
      LICENSES,
      'Teams Rooms license: Basic or Pro. Phase assignment is a Pro feature for Teams Rooms on Android.',
      { default: 'Basic' },
    ),
    firmwareAutoUpdate: Type.Object(
      {
        phase: stringEnum(
          PHASES,
          'Automatic firmware update phase. Test: updates start as soon as a release is out (lab and test devices). ' +
            'General (default): updates start 30 days after release. Final: updates start 90 days after release (VIP and large rooms). ' +
            'A Basic TeamsRoomsAndroid device starts in General and keeps its phase.',
          { default: 'General' },
        ),
      },
      { description: 'How this device takes automatic firmware updates.', default: {} },
    ),
    timeZone: Type.Optional(
      text(
        'IANA time zone of the device, e.g. Europe/Berlin. Automatic updates run outside business hours and blackouts ' +
          "in this zone. Default: the UpdatePolicy's defaultTimeZone, else UTC.",
        { minLength: 1 },
      ),
    ),
    proxyPool: text('DeviceProxyPool in this namespace that serves the device.', {
      default: 'default',
      minLength: 1,
    }),
    policy: text('UpdatePolicy in this namespace that governs automatic updates of the device.', {
      default: 'default',
      minLength: 1,
    }),
  },
  {
    description: 'The desired settings of one Teams device.',
    ...celRules(
      {
        rule:
          "self.type != 'TeamsRoomsAndroid' || self.license != 'Basic' || (oldSelf.hasValue() ? " +
          'self.firmwareAutoUpdate.phase == oldSelf.value().firmwareAutoUpdate.phase : ' +
          "self.firmwareAutoUpdate.phase == 'General')",
        optionalOldSelf: true,
        fieldPath: '.firmwareAutoUpdate.phase',
        reason: 'FieldValueForbidden',
        message:
          'phase assignment is a Teams Rooms Pro feature: a Basic TeamsRoomsAndroid device is created in General ' +
          'and keeps the phase it already had; change license to Pro to choose its phase',
      },
      {
        rule: "(has(self.deviceId) ? self.deviceId : '') == (has(oldSelf.deviceId) ? oldSelf.deviceId : '')",
        fieldPath: '.deviceId',
        message: 'deviceId is immutable: it is the identity of the device on MQTT',
      },
    ),
  },
);

export const ReportedState = Type.Object(
  {
    manufacturer: Type.Optional(text('Manufacturer the device reports.')),
    model: Type.Optional(text('Model the device reports.')),
    firmwareVersion: Type.Optional(text('Firmware version running on the device.')),
    teamsAppVersion: Type.Optional(text('Teams app version running on the device.')),
    autoUpdateSupported: Type.Optional(
      bool('Whether the device supports automatic firmware updates. False: only UpdatePlans update it.'),
    ),
  },
  { description: 'What the device proxy last reported about the device.' },
);

export const AvailableUpdate = Type.Object(
  {
    component: component('The software component: Firmware or TeamsApp.'),
    currentVersion: nullable(text('Version running now (the admin center\'s "Current version").')),
    newVersion: text('Version that will be applied (the admin center\'s "New version").'),
    release: text('Name of the FirmwareRelease that provides newVersion.'),
    autoUpdateAt: nullable(
      timestamp('When the operator will apply it automatically; null when not automatic.'),
    ),
    blockedReason: nullable(
      text(
        'Why it will not be applied automatically, e.g. UnknownFirmware, NotSupported, RemoteUpdateUnavailable.',
      ),
    ),
  },
  { description: 'An update that applies to this device.' },
);

export const UPDATE_SOURCE_PATTERN = '^(Auto|UpdatePlan/[a-z0-9]([-a-z0-9.]*[a-z0-9])?)$';

export const InFlightUpdate = Type.Object(
  {
    commandId: text(
      'Deterministic id of the command sent to the device for this (component, version, attempt).',
    ),
    component: component('The component being updated.'),
    version: text('The version being installed.'),
    source: text('Auto, or UpdatePlan/<name> for a manual update.', { pattern: UPDATE_SOURCE_PATTERN }),
    state: stringEnum(UPDATE_STATES, 'Scheduled, Sent, Downloading, Installing, Succeeded or Failed.'),
    progress: Type.Optional(
      integer('Progress in percent reported by the device.', { minimum: 0, maximum: 100 }),
    ),
    attempt: integer('Attempt number, starting at 1.', { minimum: 1 }),
    startedAt: Type.Optional(timestamp('When the command was sent.')),
    progressAt: Type.Optional(
      timestamp(
        'When the progress shown (state Downloading or Installing) was last written; progress is written at most once per --progress-interval of the operator (default 30 seconds), the final result at once.',
      ),
    ),
    message: Type.Optional(text('Last message from the device or the operator.')),
  },
  { description: 'The update in flight, if any.' },
);

export const HistoryEntry = Type.Object(
  {
    component: component('The component that was updated.'),
    from: nullable(text('Version before the update.')),
    to: text('Version the update installed or tried to install.'),
    source: text('Auto, or UpdatePlan/<name>.', { pattern: UPDATE_SOURCE_PATTERN }),
    result: stringEnum(
      ['Succeeded', 'Failed', 'Expired'] as const,
      'How the update ended. Expired: the command reached its proxy after its notAfter and never started; it is no failure of the update, which is sent again (as a new attempt) in its next window.',
    ),
    finishedAt: timestamp('When the update ended.'),
  },
  { description: 'A finished update.' },
);

export const TeamsDeviceStatus = Type.Object(
  {
    observedGeneration: Type.Optional(observedGeneration()),
    online: Type.Optional(bool('Whether the device proxy reports the device as connected.')),
    lastSeen: Type.Optional(timestamp('When the device last reported its state.')),
    reported: Type.Optional(ReportedState),
    firmwareVerification: Type.Optional(
      stringEnum(
        VERIFICATIONS,
        'Verified: the running firmware is a release "Verified by Microsoft". Unknown: it is not, so only UpdatePlans update it.',
      ),
    ),
    availableUpdates: Type.Optional(
      keyedList(AvailableUpdate, ['component'], 'Updates that apply to this device, one per component.'),
    ),
    update: Type.Optional(nullable(InFlightUpdate)),
    history: Type.Optional(
      Type.Array(HistoryEntry, { description: 'The last 10 finished updates, newest first.', maxItems: 10 }),
    ),
    conditions: Type.Optional(conditions('Ready, Online, UpdateAvailable, Updating and AutoUpdateBlocked.')),
  },
  { description: 'What the operator observed and decided. Written only by the operator.' },
);

export type TeamsDeviceSpec = Static<typeof TeamsDeviceSpec>;
export type TeamsDeviceStatus = Static<typeof TeamsDeviceStatus>;
export type ReportedState = Static<typeof ReportedState>;
export type AvailableUpdate = Static<typeof AvailableUpdate>;
export type InFlightUpdate = Static<typeof InFlightUpdate>;
export type HistoryEntry = Static<typeof HistoryEntry>;

export interface TeamsDevice {
  apiVersion: 'teamsdevices.io/v1alpha1';
  kind: 'TeamsDevice';
  metadata: ObjectMeta;
  spec: TeamsDeviceSpec;
  status?: TeamsDeviceStatus;
}

export const TeamsDeviceKind: KindDefinition = {
  kind: 'TeamsDevice',
  plural: 'teamsdevices',
  singular: 'teamsdevice',
  shortNames: ['tdev'],
  scope: 'Namespaced',
  description: 'One Teams device (phone, display, panel or Teams Rooms on Android) and what it reports.',
  spec: TeamsDeviceSpec,
  status: TeamsDeviceStatus,
  printerColumns: [
    { name: 'Type', type: 'string', jsonPath: '.spec.type', description: 'Kind of device.' },
    { name: 'Model', type: 'string', jsonPath: '.spec.model', description: 'Device model.' },
    {
      name: 'Phase',
      type: 'string',
      jsonPath: '.spec.firmwareAutoUpdate.phase',
      description: 'Auto-update phase.',
    },
    {
      name: 'Firmware',
      type: 'string',
      jsonPath: '.status.reported.firmwareVersion',
      description: 'Running firmware.',
    },
    {
      name: 'Verification',
      type: 'string',
      jsonPath: '.status.firmwareVerification',
      description: 'Whether the running firmware is Verified.',
    },
    {
      name: 'Available',
      type: 'string',
      jsonPath: '.status.availableUpdates[0].newVersion',
      description: 'The next version available (firmware first).',
    },
    {
      name: 'Update',
      type: 'string',
      jsonPath: '.status.update.state',
      description: 'State of the update in flight.',
    },
    {
      name: 'Online',
      type: 'boolean',
      jsonPath: '.status.online',
      description: 'Whether the device is connected.',
    },
    {
      name: 'Next-Auto',
      type: 'string',
      jsonPath: '.status.availableUpdates[0].autoUpdateAt',
      description: 'When the next automatic update is due.',
      priority: 1,
    },
    { name: 'Zone', type: 'string', jsonPath: '.spec.timeZone', description: 'Time zone.', priority: 1 },
    { name: 'License', type: 'string', jsonPath: '.spec.license', description: 'Basic or Pro.', priority: 1 },
    AGE_COLUMN,
  ],
};
