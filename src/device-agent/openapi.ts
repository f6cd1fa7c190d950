// The OpenAPI 3.1 document of the device agent contract, built from the schemas of ./contract.ts: what
// docs/device-agent.openapi.yaml holds (`npx tsx src/device-agent/generate-openapi.ts` writes it), so the
// file a vendor implements and the code that speaks it cannot disagree.

import { stringify } from 'yaml';
import {
  CONTRACT_SCHEMAS,
  type ContractSchemaName,
  contractJsonSchema,
  PROBLEM_MEDIA_TYPE,
} from './contract.js';

export const OPENAPI_FILE = 'docs/device-agent.openapi.yaml';

const ref = (name: ContractSchemaName) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: ContractSchemaName) => ({ 'application/json': { schema: ref(name) } });
const problem = (description: string) => ({
  description,
  content: { [PROBLEM_MEDIA_TYPE]: { schema: ref('Problem') } },
});

const commandIdParameter = {
  name: 'commandId',
  in: 'path',
  required: true,
  description: 'The commandId of the update, as it was sent in the UpdateRequest.',
  schema: { type: 'string' },
};

const COMMON_ERRORS = {
  '401': problem('The agent requires a bearer token and the request has none, or another one.'),
  '404': problem('No such device (an agent serving many devices) or path.'),
};

export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Teams device agent',
      version: '1.0.0',
      description: [
        'What an agent on a Teams device (or a gateway in front of many) implements so that the',
        'teams-device-operator can update it: the http driver of a device proxy pool reads the status of each',
        'device, starts an update and follows it until it is final.',
        '',
        "Every path is relative to the device's base URL: the annotation http.teamsdevices.io/endpoint of its",
        'TeamsDevice, else the endpointTemplate of its DeviceProxyPool with {deviceId} replaced.',
        '`teams-device-operator device-agent` serves this contract over simulated devices at',
        'http://HOST:PORT/devices/{deviceId}.',
        '',
        'Rules an agent follows:',
        '- Updates are idempotent by commandId: a POST of a commandId the agent already has answers 200 with',
        '  that update and starts nothing.',
        '- One update at a time: a POST while another update runs answers 409.',
        '- The agent downloads the artifact from its url and checks its size and sha256 before installing; a',
        '  mismatch ends the update failed (message starting "sha256 mismatch" or "size mismatch") and the',
        '  running version stays.',
        '- A device that will not install an update (a downgrade, a component it cannot update) accepts it',
        '  and ends it rejected, with a message that says why.',
        '- When an update succeeds, GET /v1/status already reports the new version.',
        '- Unknown fields in a request are ignored; errors are application/problem+json (RFC 9457).',
        '- When the agent is started with a token, every request carries `Authorization: Bearer <token>`.',
      ].join('\n'),
    },
    servers: [
      {
        url: 'http://127.0.0.1:8080/devices/{deviceId}',
        description: 'teams-device-operator device-agent (simulated devices)',
        variables: { deviceId: { default: 'phone-1', description: 'The device id (its MQTT id).' } },
      },
    ],
    security: [{}, { bearer: [] }],
    paths: {
      '/v1/status': {
        get: {
          operationId: 'getStatus',
          summary: 'What the device runs now',
          responses: {
            '200': { description: 'The status of the device.', content: json('DeviceStatus') },
            ...COMMON_ERRORS,
          },
        },
      },
      '/v1/updates': {
        post: {
          operationId: 'startUpdate',
          summary: 'Start an update',
          requestBody: { required: true, content: json('UpdateRequest') },
          responses: {
            '202': { description: 'Accepted: the update starts now.', content: json('UpdateStatus') },
            '200': {
              description: 'The agent already has this commandId: where that update is (nothing new starts).',
              content: json('UpdateStatus'),
            },
            '400': problem('The body is not JSON or not an UpdateRequest; `field` names the field at fault.'),
            ...COMMON_ERRORS,
            '409': problem('Another update is in progress; `detail` names it. Nothing is started.'),
            '413': problem('The body is larger than the agent reads (16 KiB).'),
            '415': problem('The body is not application/json.'),
          },
        },
      },
      '/v1/updates/{commandId}': {
        get: {
          operationId: 'getUpdate',
          summary: 'Where an update is',
          parameters: [commandIdParameter],
          responses: {
            '200': { description: 'The update.', content: json('UpdateStatus') },
            ...COMMON_ERRORS,
          },
        },
      },
    },
    components: {
      schemas: Object.fromEntries(
        (Object.keys(CONTRACT_SCHEMAS) as ContractSchemaName[]).map((name) => [
          name,
          contractJsonSchema(name),
        ]),
      ),
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: "Optional: the agent's --token-file; the proxy's http driver sends the same token.",
        },
      },
    },
  };
}

/** The exact text of docs/device-agent.openapi.yaml. */
export function renderOpenApi(): string {
  return `# Generated from src/device-agent/contract.ts by src/device-agent/generate-openapi.ts: do not edit.\n${stringify(openApiDocument(), { lineWidth: 0 })}`;
}
