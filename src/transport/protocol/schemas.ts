// The three payloads of the device protocol as TypeBox schemas: the one source of the TypeScript types
// (`Static`), of the validator (parse.ts compiles these with ajv) and of the JSON Schema files shipped in
// src/transport/schemas/ for proxy and device vendors (`npm run gen:schemas`).
//
// Unknown fields are allowed and dropped by the parser (a newer proxy may add fields); an optional field may
// be null, which counts as absent. A payload may name its device (`deviceId`); when it does, it must be the
// device of its topic.

import Type, { type Static, type TSchema } from 'typebox';
import { COMPONENTS } from '../../api/v1alpha1/teamsdevice.js';
import { ISO_INSTANT_PATTERN } from './instant.js';

/** Limits of the validators. */
export const LIMITS = {
  /** Bytes of one payload; a larger one is rejected before JSON.parse. */
  payloadBytes: 64 * 1024,
  deviceIdLength: 253,
  commandIdLength: 128,
  /** Manufacturer, model and version strings. */
  textLength: 256,
  urlLength: 2048,
  messageLength: 1024,
  instantLength: 64,
  /** namespace/pool/pod. */
  proxyNameLength: 3 * 253 + 2,
} as const;

export const COMMAND_EVENT_STATES = [
  'accepted',
  'downloading',
  'installing',
  'succeeded',
  'failed',
  'rejected',
] as const;
export type CommandEventState = (typeof COMMAND_EVENT_STATES)[number];
/** States after which a command does nothing more. */
export const FINAL_EVENT_STATES: readonly CommandEventState[] = ['succeeded', 'failed', 'rejected'];

/**
 * The patterns of the schemas, each with the message a failure gets (ajv's "must match pattern ..." would
 * name a regular expression, not the rule).
 */
export const PATTERNS = {
  /** Something other than whitespace. */
  nonBlank: { pattern: '\\S', message: 'must not be empty' },
  sha256: { pattern: '^[0-9a-fA-F]{64}$', message: 'must be 64 hex digits' },
  url: { pattern: '^https?://\\S+$', message: 'must be an http or https URL' },
  // Printable ASCII without spaces: what commandId() produces, with room for other id schemes.
  commandId: { pattern: '^[\\x21-\\x7e]+$', message: 'must be printable ASCII without spaces' },
  // One MQTT topic level: no '/', '+', '#', no control characters, no surrounding whitespace.
  deviceId: {
    pattern:
      '^[^\\s/+#\\u0000-\\u001f\\u007f](?:[^/+#\\u0000-\\u001f\\u007f]*[^\\s/+#\\u0000-\\u001f\\u007f])?$',
    message: 'must be one MQTT topic level',
  },
  instant: {
    pattern: ISO_INSTANT_PATTERN,
    message: 'must be an ISO 8601 instant such as 2026-12-05T17:00:00Z',
  },
} as const;

// ---------------------------------------------------------------------------------------------------------
// Field builders

function text(description: string, maxLength: number, pattern: keyof typeof PATTERNS = 'nonBlank') {
  return Type.String({ description, maxLength, pattern: PATTERNS[pattern].pattern });
}

/** A string from a fixed list; no `type`, so a number gets "must be one of", as a wrong string does. */
function oneOf<const T extends readonly string[]>(values: T, description: string) {
  return Type.Unsafe<T[number]>({ description, enum: [...values] });
}

/** An ISO 8601 instant: the pattern for any JSON Schema tool, the format for a real calendar date. */
function instant(description: string) {
  return Type.String({
    description,
    maxLength: LIMITS.instantLength,
    pattern: PATTERNS.instant.pattern,
    format: 'date-time',
  });
}

/** An optional field that may also be null (counted as absent); its type stays that of `schema`. */
function optional<S extends TSchema>(schema: S) {
  const { type, ...rest } = schema as unknown as { type: string } & Record<string, unknown>;
  return Type.Optional(Type.Unsafe<Static<S>>({ ...rest, type: [type, 'null'] }));
}

const deviceId = () =>
  optional(
    text(
      'The device the payload is about; when present it must be the device of the topic.',
      LIMITS.deviceIdLength,
      'deviceId',
    ),
  );

const commandId = (description: string) => text(description, LIMITS.commandIdLength, 'commandId');

// ---------------------------------------------------------------------------------------------------------
// Payloads

/**
 * `tdo/v1/devices/{id}/state`, retained, QoS 1: what the device runs and whether it is connected (the last
 * will sets online:false). The operator decides from the message as parsed (the core's DeviceObservation).
 */
export const DeviceStateSchema = Type.Object(
  {
    deviceId: deviceId(),
    online: Type.Boolean({ description: 'Whether the device is connected.' }),
    manufacturer: optional(text('Manufacturer the device reports.', LIMITS.textLength)),
    model: optional(text('Model the device reports.', LIMITS.textLength)),
    firmwareVersion: optional(text('Firmware version running on the device.', LIMITS.textLength)),
    teamsAppVersion: optional(text('Teams app version running on the device.', LIMITS.textLength)),
    autoUpdateSupported: optional(
      Type.Boolean({ description: 'Whether the device can install an update it is sent.' }),
    ),
    proxy: optional(
      text(
        'The proxy that serves the device, as namespace/pool/pod (its presence topic): a device is online ' +
          'only while that proxy is, and commands to it are paced per proxy.',
        LIMITS.proxyNameLength,
      ),
    ),
    ts: instant('When the proxy read this state.'),
  },
  { title: 'DeviceState', description: 'Proxy → operator: the state of one device.' },
);

export const UpdateArtifactSchema = Type.Object(
  {
    url: text('Where the proxy fetches the artifact (http or https).', LIMITS.urlLength, 'url'),
    sha256: text('SHA-256 of the artifact: 64 hex digits.', 64, 'sha256'),
    sizeBytes: Type.Integer({
      description: 'Size of the artifact in bytes.',
      minimum: 1,
      maximum: Number.MAX_SAFE_INTEGER,
    }),
  },
  { description: 'The artifact to install, checked for size and sha256 before the driver installs it.' },
);

/** `tdo/v1/devices/{id}/commands`, operator → proxy, QoS 1 (at least once: a proxy ignores a commandId it has already finished). */
export const UpdateCommandSchema = Type.Object(
  {
    deviceId: deviceId(),
    commandId: commandId('Deterministic per device, component, version and attempt.'),
    type: oneOf(['update'] as const, 'The kind of command; only update exists.'),
    component: oneOf(COMPONENTS, 'The component to update.'),
    version: text('The version to install.', LIMITS.textLength),
    artifact: UpdateArtifactSchema,
    issuedAt: instant('When the operator issued the command.'),
    notAfter: instant(
      'The last instant the proxy may start the command: one that arrives later is rejected, so a late ' +
        'delivery never starts an installation outside the window it was sent for.',
    ),
  },
  { title: 'UpdateCommand', description: 'Operator → proxy: install one version of one component.' },
);

/** `tdo/v1/devices/{id}/events`, proxy → operator, QoS 1: progress and outcome of one command. */
export const CommandEventSchema = Type.Object(
  {
    deviceId: deviceId(),
    commandId: commandId('The command this event is about.'),
    state: oneOf(COMMAND_EVENT_STATES, 'Where the command is.'),
    progress: optional(
      Type.Integer({
        description: 'Whole percent, 0–100, of the current state (downloading, installing).',
        minimum: 0,
        maximum: 100,
      }),
    ),
    // A message may be empty (a device may send message: ""); only its length is bounded.
    message: optional(
      Type.String({ description: 'What happened, for people.', maxLength: LIMITS.messageLength }),
    ),
    ts: instant('When it happened.'),
  },
  { title: 'CommandEvent', description: 'Proxy → operator: progress and outcome of one command.' },
);

/**
 * `tdo/v1/proxies/{namespace}/{pool}/{pod}`, retained, QoS 1: whether one proxy is connected. An MQTT
 * connection has one last will, so presence is per proxy (the will publishes online:false), and a device is
 * online only when its proxy is online and its own state says so.
 */
export const ProxyPresenceSchema = Type.Object(
  {
    online: Type.Boolean({ description: 'Whether the proxy is connected to the broker.' }),
    devices: Type.Integer({
      description: 'How many devices the proxy serves (its share of the pool).',
      minimum: 0,
      maximum: Number.MAX_SAFE_INTEGER,
    }),
    driver: optional(text('How the proxy reaches its devices: simulator or http.', LIMITS.textLength)),
    ts: instant('When the proxy published this presence (for the last will: when it connected).'),
  },
  { title: 'ProxyPresence', description: 'Proxy → operator: whether one device proxy is connected.' },
);

/**
 * `tdo/v1/resync`, operator → proxies, QoS 1, not retained: every proxy republishes the state of each of its
 * devices (after the operator lost retained messages, or took over as leader).
 */
export const ResyncRequestSchema = Type.Object(
  {
    requestId: text("Identifies the request in the proxies' logs.", LIMITS.commandIdLength, 'commandId'),
    ts: instant('When the operator asked.'),
  },
  { title: 'ResyncRequest', description: 'Operator → proxies: republish the state of every device.' },
);

export type DeviceStateMessage = Static<typeof DeviceStateSchema>;
export type UpdateArtifact = Static<typeof UpdateArtifactSchema>;
export type UpdateCommand = Static<typeof UpdateCommandSchema>;
export type CommandEvent = Static<typeof CommandEventSchema>;
export type ProxyPresence = Static<typeof ProxyPresenceSchema>;
export type ResyncRequest = Static<typeof ResyncRequestSchema>;

/** The payload schemas by file stem: what src/transport/schemas/ holds, one `<stem>.schema.json` each. */
export const PAYLOAD_SCHEMAS = {
  'device-state': DeviceStateSchema,
  'update-command': UpdateCommandSchema,
  'command-event': CommandEventSchema,
  'proxy-presence': ProxyPresenceSchema,
  'resync-request': ResyncRequestSchema,
} as const;
