// The REST contract between the http driver of a device proxy and the agent on a device, as TypeBox schemas:
// the one source of the TypeScript types, of the agent's request validation and of the schemas in
// docs/device-agent.openapi.yaml (rendered by ./openapi.ts; a test fails when the file is stale).
//
// Every path is relative to the device's base URL (its endpoint): one agent serves one device, or, like
// `teams-device-operator device-agent`, many under /devices/{deviceId}.

import Type, { type Static, type TSchema } from 'typebox';
import { COMPONENTS } from '../api/v1alpha1/teamsdevice.js';
import {
  COMMAND_EVENT_STATES,
  LIMITS,
  PATTERNS,
  UpdateArtifactSchema,
} from '../transport/protocol/schemas.js';

/** Bytes of a request body the agent reads; a larger one is refused (413). */
export const MAX_BODY_BYTES = 16 * 1024;

/** The media type of every error body (RFC 9457). */
export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

const text = (description: string, maxLength: number = LIMITS.textLength) =>
  Type.String({ description, maxLength, pattern: PATTERNS.nonBlank.pattern });

/** A required field whose value may be null (the device does not know it). */
function nullable<S extends TSchema>(schema: S) {
  const { type, ...rest } = schema as unknown as { type: string } & Record<string, unknown>;
  return Type.Unsafe<Static<S> | null>({ ...rest, type: [type, 'null'] });
}

const commandId = () =>
  Type.String({
    description:
      'Identifies the update. The proxy sends the same id again when it is not sure the first request ' +
      'arrived: the agent must answer it with the update it already has, never start it twice.',
    maxLength: LIMITS.commandIdLength,
    pattern: PATTERNS.commandId.pattern,
  });

export const DeviceStatusSchema = Type.Object(
  {
    online: Type.Boolean({
      description:
        'Whether the device is in service (registered with Teams and able to take updates). An agent that ' +
        'does not answer counts as offline.',
    }),
    manufacturer: text('Manufacturer of the device, e.g. Yealink.'),
    model: text('Model of the device, e.g. MP56.'),
    firmwareVersion: nullable(text('Firmware version running now; null when the device cannot tell.')),
    teamsAppVersion: nullable(text('Teams app version running now; null when the device cannot tell.')),
    autoUpdateSupported: Type.Boolean({
      description: 'Whether the device installs updates it is sent (false: it refuses every update).',
    }),
  },
  {
    title: 'DeviceStatus',
    description: 'What the device runs now. The proxy reads it every poll interval and after each update.',
  },
);

export const UpdateRequestSchema = Type.Object(
  {
    commandId: commandId(),
    component: Type.Unsafe<(typeof COMPONENTS)[number]>({
      description: 'What to update: Firmware (the device firmware) or TeamsApp (the Teams app).',
      enum: [...COMPONENTS],
    }),
    version: text('The version to install.'),
    artifact: UpdateArtifactSchema,
  },
  {
    title: 'UpdateRequest',
    description:
      'Install one version of one component. The agent downloads the artifact from its url, checks its size ' +
      'and sha256 before installing anything (a mismatch fails the update, the running version stays), ' +
      'installs it and reports the outcome at /v1/updates/{commandId}.',
  },
);

export const UPDATE_STATES = COMMAND_EVENT_STATES;
export type UpdateState = (typeof UPDATE_STATES)[number];

export const UpdateStatusSchema = Type.Object(
  {
    commandId: commandId(),
    state: Type.Unsafe<UpdateState>({
      description:
        'accepted: received, not started; downloading, installing: in progress; succeeded: the new version ' +
        'runs (and /v1/status says so); failed: it did not install, the running version stays; rejected: ' +
        'the device refused it without trying. succeeded, failed and rejected are final.',
      enum: [...UPDATE_STATES],
    }),
    progress: Type.Integer({
      description: 'Whole percent, 0–100, of the current state (downloading, installing); 100 when final.',
      minimum: 0,
      maximum: 100,
    }),
    message: nullable(
      Type.String({
        description: 'What happened, for people: why it failed, what was installed. null: nothing to say.',
        maxLength: LIMITS.messageLength,
      }),
    ),
  },
  {
    title: 'UpdateStatus',
    description: 'Where one update is. The proxy polls it until the state is final.',
  },
);

/** The kinds of problem the agent answers with: the last part of the problem's type URI. */
export const PROBLEMS = {
  invalid: { status: 400, title: 'The request is invalid' },
  unauthorized: { status: 401, title: 'A valid bearer token is required' },
  notFound: { status: 404, title: 'No such resource' },
  methodNotAllowed: { status: 405, title: 'Method not allowed' },
  busy: { status: 409, title: 'Another update is in progress' },
  tooLarge: { status: 413, title: 'The request body is too large' },
  unsupportedMediaType: { status: 415, title: 'The request body must be application/json' },
} as const;
export type ProblemKind = keyof typeof PROBLEMS;

export const PROBLEM_TYPE_BASE = 'https://teamsdevices.io/problems/device-agent/';

export const ProblemSchema = Type.Object(
  {
    type: Type.String({
      description: `A URI naming the kind of problem: ${PROBLEM_TYPE_BASE} followed by one of ${Object.keys(PROBLEMS).join(', ')}.`,
      maxLength: LIMITS.urlLength,
    }),
    title: Type.String({ description: 'The kind of problem, for people.', maxLength: LIMITS.textLength }),
    status: Type.Integer({
      description: 'The HTTP status code of the response.',
      minimum: 400,
      maximum: 599,
    }),
    detail: Type.String({
      description: 'This occurrence, for people: e.g. "artifact.sha256: must be 64 hex digits".',
      maxLength: LIMITS.messageLength,
    }),
    field: Type.Optional(
      Type.String({
        description: 'For invalid (400): the field of the request body at fault, as a dotted path.',
        maxLength: LIMITS.textLength,
      }),
    ),
  },
  {
    title: 'Problem',
    description: 'An error (RFC 9457 problem details), sent as application/problem+json.',
  },
);

export type DeviceStatus = Static<typeof DeviceStatusSchema>;
export type UpdateRequest = Static<typeof UpdateRequestSchema>;
export type UpdateStatus = Static<typeof UpdateStatusSchema>;
export type Problem = Static<typeof ProblemSchema>;

/** The schemas of the contract by name, as components/schemas of the OpenAPI document holds them. */
export const CONTRACT_SCHEMAS = {
  DeviceStatus: DeviceStatusSchema,
  UpdateRequest: UpdateRequestSchema,
  UpdateStatus: UpdateStatusSchema,
  Problem: ProblemSchema,
} as const;
export type ContractSchemaName = keyof typeof CONTRACT_SCHEMAS;

/** A schema as plain JSON (TypeBox's symbol keys do not survive). */
export function contractJsonSchema(name: ContractSchemaName): Record<string, unknown> {
  return JSON.parse(JSON.stringify(CONTRACT_SCHEMAS[name])) as Record<string, unknown>;
}
