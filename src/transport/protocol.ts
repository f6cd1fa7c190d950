// The device protocol: topics, payload schemas and their parsers. The in-memory transport and the MQTT
// transport both go through these functions, so what the operator accepts is the same everywhere.
//   protocol/topics.ts     the topics and device ids
//   protocol/schemas.ts    the payloads as TypeBox schemas, their types and limits
//   protocol/parse.ts      the parsers (ajv over the shipped JSON Schemas, protocol/validate.ts)
//   protocol/assignment.ts which proxy of a pool serves a device
//   schemas/*.schema.json  the JSON Schemas for proxy and device authors (`npm run gen:schemas`)

export { proxyFor } from './protocol/assignment.js';
export { isIsoInstant } from './protocol/instant.js';
export {
  encodeMessage,
  MALFORMED_REASONS,
  MalformedCounts,
  type MalformedReason,
  type ParseResult,
  parseCommand,
  parseEvent,
  parsePresence,
  parseResync,
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
  type ProxyPresence,
  ProxyPresenceSchema,
  type ResyncRequest,
  ResyncRequestSchema,
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
  isValidTopicLevel,
  type ProxyName,
  parsePresenceTopic,
  parseTopic,
  presenceFilter,
  presenceTopic,
  proxyKey,
  RESYNC_TOPIC,
  stateTopic,
  TOPIC_PREFIX,
} from './protocol/topics.js';
