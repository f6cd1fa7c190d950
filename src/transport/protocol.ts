// The device protocol: topics, payload schemas and their parsers. The in-memory transport and the MQTT
// transport both go through these functions, so what the operator accepts is the same everywhere.
//   protocol/topics.ts     the topics and device ids
//   protocol/schemas.ts    the payloads as TypeBox schemas, their types and limits
//   protocol/parse.ts      the parsers (ajv over the shipped JSON Schemas, protocol/validate.ts)
//   schemas/*.schema.json  the JSON Schemas for proxy and device authors (`npm run gen:schemas`)

export { isIsoInstant } from './protocol/instant.js';
export {
  encodeMessage,
  MALFORMED_REASONS,
  MalformedCounts,
  type MalformedReason,
  type ParseResult,
  parseCommand,
  parseEvent,
  parseStateMessage,
} from './protocol/parse.js';
export {
  COMMAND_EVENT_STATES,
  type CommandEvent,
  CommandEventSchema,
  type CommandEventState,
  type DeviceStateMessage,
  DeviceStateSchema,
  FINAL_EVENT_STATES,
  LIMITS,
  type UpdateArtifact,
  type UpdateCommand,
  UpdateCommandSchema,
} from './protocol/schemas.js';
export {
  CHANNELS,
  type Channel,
  channelFilter,
  commandsTopic,
  deviceTopic,
  eventsTopic,
  isValidDeviceId,
  parseTopic,
  stateTopic,
  TOPIC_PREFIX,
} from './protocol/topics.js';
