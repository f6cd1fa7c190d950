// The device protocol: topics, message types and their validators. The in-memory transport and the
// MQTT transport both go through these functions, so what the operator accepts is the same everywhere.
//
// Parsers never throw: a payload that is not what the protocol says is `{ok: false, error}` with a reason
// (`field: what is wrong`), which the caller counts and logs. Unknown fields are ignored and dropped from the
// value (a newer proxy may add fields); an optional field that is null counts as absent.

import { COMPONENTS, type Component } from '../api/v1alpha1/teamsdevice.js';
import type { DeviceObservation } from '../core/device/report.js';

export const TOPIC_PREFIX = 'tdo/v1';
export const CHANNELS = ['state', 'commands', 'events'] as const;
export type Channel = (typeof CHANNELS)[number];

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
} as const;

/**
 * Retained, QoS 1: what the device runs and whether it is connected (the last will sets online:false). The
 * shape is the core's DeviceObservation: the operator decides from the message as parsed.
 */
export type DeviceStateMessage = DeviceObservation;

export interface UpdateArtifact {
  url: string;
  /** 64 hex digits. */
  sha256: string;
  sizeBytes: number;
}

/** Operator → proxy, QoS 1 (at least once: a proxy ignores a commandId it has already finished). */
export interface UpdateCommand {
  commandId: string;
  type: 'update';
  component: Component;
  version: string;
  artifact: UpdateArtifact;
  /** ISO 8601 instant. */
  issuedAt: string;
}

/** Proxy → operator, QoS 1: progress and outcome of one command. */
export interface CommandEvent {
  commandId: string;
  state: CommandEventState;
  /** Whole percent, 0–100, of the current state (downloading, installing). */
  progress?: number;
  message?: string;
  /** ISO 8601 instant. */
  ts: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

// ---------------------------------------------------------------------------------------------------------
// Topics

/**
 * Whether `deviceId` can be one MQTT topic level: not empty, at most 253 characters, no '/', '+', '#', no
 * control characters, no surrounding whitespace.
 */
export function isValidDeviceId(deviceId: string): boolean {
  return (
    typeof deviceId === 'string' &&
    deviceId.length > 0 &&
    deviceId.length <= LIMITS.deviceIdLength &&
    deviceId.trim() === deviceId &&
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it rejects
    !/[/+#\u0000-\u001f\u007f]/.test(deviceId)
  );
}

/** `tdo/v1/devices/{deviceId}/{channel}`. Throws on a deviceId that is not one topic level (a caller bug). */
export function deviceTopic(deviceId: string, channel: Channel): string {
  if (!isValidDeviceId(deviceId)) {
    throw new Error(`invalid deviceId ${JSON.stringify(deviceId)}: it must be one MQTT topic level`);
  }
  return `${TOPIC_PREFIX}/devices/${deviceId}/${channel}`;
}

export const stateTopic = (deviceId: string) => deviceTopic(deviceId, 'state');
export const commandsTopic = (deviceId: string) => deviceTopic(deviceId, 'commands');
export const eventsTopic = (deviceId: string) => deviceTopic(deviceId, 'events');

/** The subscription filter of one channel for every device: `tdo/v1/devices/+/{channel}`. */
export function channelFilter(channel: Channel): string {
  return `${TOPIC_PREFIX}/devices/+/${channel}`;
}

/** The device and channel of a protocol topic; null for any other topic. */
export function parseTopic(topic: string): { deviceId: string; channel: Channel } | null {
  if (typeof topic !== 'string') return null;
  const parts = topic.split('/');
  if (parts.length !== 5) return null;
  const [tdo, v1, devices, deviceId, channel] = parts as [string, string, string, string, string];
  if (`${tdo}/${v1}` !== TOPIC_PREFIX || devices !== 'devices') return null;
  if (!isValidDeviceId(deviceId) || !(CHANNELS as readonly string[]).includes(channel)) return null;
  return { deviceId, channel: channel as Channel };
}

// ---------------------------------------------------------------------------------------------------------
// Field readers: each returns the value or throws a FieldError, caught once per parse.

class FieldError extends Error {}

type Json = Record<string, unknown>;

function fail(field: string, problem: string): never {
  throw new FieldError(`${field}: ${problem}`);
}

function present(obj: Json, field: string): boolean {
  return obj[field] !== undefined && obj[field] !== null;
}

function str(obj: Json, field: string, maxLength: number, path = field): string {
  const v = obj[field];
  if (v === undefined || v === null) fail(path, 'required');
  if (typeof v !== 'string') fail(path, `must be a string, got ${typeName(v)}`);
  if (v.trim().length === 0) fail(path, 'must not be empty');
  if (v.length > maxLength) fail(path, `must be at most ${maxLength} characters`);
  return v;
}

function optStr(obj: Json, field: string, maxLength: number): string | undefined {
  return present(obj, field) ? str(obj, field, maxLength) : undefined;
}

function bool(obj: Json, field: string): boolean {
  const v = obj[field];
  if (v === undefined || v === null) fail(field, 'required');
  if (typeof v !== 'boolean') fail(field, `must be true or false, got ${typeName(v)}`);
  return v;
}

function oneOf<T extends string>(obj: Json, field: string, values: readonly T[]): T {
  const v = obj[field];
  if (v === undefined || v === null) fail(field, 'required');
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
    fail(field, `must be one of ${values.join(', ')}, got ${JSON.stringify(v)}`);
  }
  return v as T;
}

function integer(obj: Json, field: string, min: number, max: number, path = field): number {
  const v = obj[field];
  if (v === undefined || v === null) fail(path, 'required');
  if (typeof v !== 'number' || !Number.isInteger(v))
    fail(path, `must be an integer, got ${JSON.stringify(v)}`);
  if (v < min || v > max) fail(path, `must be between ${min} and ${max}, got ${v}`);
  return v;
}

function object(v: unknown, path: string): Json {
  if (v === undefined || v === null) fail(path, 'required');
  if (typeof v !== 'object' || Array.isArray(v)) fail(path, `must be an object, got ${typeName(v)}`);
  return v as Json;
}

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/i;

/** Whether `text` is an RFC 3339 instant (date, time, Z or offset) naming a real calendar date. */
export function isIsoInstant(text: string): boolean {
  const m = ISO_INSTANT.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as number[] as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const offsetOk = m[8]?.toUpperCase() === 'Z' || (Number(m[9]) <= 23 && Number(m[10]) <= 59);
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    offsetOk &&
    !Number.isNaN(Date.parse(text))
  );
}

function instant(obj: Json, field: string): string {
  const v = str(obj, field, 64);
  if (!isIsoInstant(v)) fail(field, `must be an ISO 8601 instant such as 2026-12-05T17:00:00Z, got ${v}`);
  return v;
}

const SHA256 = /^[0-9a-fA-F]{64}$/;
const URL_PATTERN = /^https?:\/\/\S+$/;
// Printable ASCII without spaces: what commandId() produces, with room for other id schemes.
const COMMAND_ID = /^[\x21-\x7e]+$/;

function commandIdField(obj: Json): string {
  const v = str(obj, 'commandId', LIMITS.commandIdLength);
  if (!COMMAND_ID.test(v)) fail('commandId', 'must be printable ASCII without spaces');
  return v;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

// ---------------------------------------------------------------------------------------------------------
// Parsers

const decoder = new TextDecoder('utf-8', { fatal: true });

/** The JSON object of a payload (string or bytes). Throws a FieldError. */
function decode(payload: Uint8Array | string): Json {
  let text: string;
  if (typeof payload === 'string') {
    text = payload;
  } else if (payload instanceof Uint8Array) {
    if (payload.byteLength > LIMITS.payloadBytes) fail('payload', `larger than ${LIMITS.payloadBytes} bytes`);
    try {
      text = decoder.decode(payload);
    } catch {
      fail('payload', 'not valid UTF-8');
    }
  } else {
    fail('payload', `must be a string or bytes, got ${typeName(payload)}`);
  }
  if (text.length > LIMITS.payloadBytes) fail('payload', `larger than ${LIMITS.payloadBytes} bytes`);
  if (text.trim() === '') fail('payload', 'empty');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    fail('payload', `not JSON (${(err as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    fail('payload', `must be a JSON object, got ${typeName(parsed)}`);
  }
  return parsed as Json;
}

function parseWith<T>(payload: Uint8Array | string, read: (obj: Json) => T): ParseResult<T> {
  try {
    return { ok: true, value: read(decode(payload)) };
  } catch (err) {
    if (err instanceof FieldError) return { ok: false, error: err.message };
    return { ok: false, error: `payload: ${(err as Error)?.message ?? String(err)}` };
  }
}

/** Validates a state message (`tdo/v1/devices/{id}/state`). */
export function parseStateMessage(payload: Uint8Array | string): ParseResult<DeviceStateMessage> {
  return parseWith(payload, (obj) => {
    const value: DeviceStateMessage = { online: bool(obj, 'online'), ts: instant(obj, 'ts') };
    for (const field of ['manufacturer', 'model', 'firmwareVersion', 'teamsAppVersion'] as const) {
      const v = optStr(obj, field, LIMITS.textLength);
      if (v !== undefined) value[field] = v;
    }
    if (present(obj, 'autoUpdateSupported')) value.autoUpdateSupported = bool(obj, 'autoUpdateSupported');
    return value;
  });
}

/** Validates an update command (`tdo/v1/devices/{id}/commands`). */
export function parseCommand(payload: Uint8Array | string): ParseResult<UpdateCommand> {
  return parseWith(payload, (obj) => {
    const commandId = commandIdField(obj);
    oneOf(obj, 'type', ['update'] as const);
    const component = oneOf(obj, 'component', COMPONENTS);
    const version = str(obj, 'version', LIMITS.textLength);
    const a = object(obj.artifact, 'artifact');
    const url = str(a, 'url', LIMITS.urlLength, 'artifact.url');
    if (!URL_PATTERN.test(url)) fail('artifact.url', 'must be an http or https URL');
    const sha256 = str(a, 'sha256', 64, 'artifact.sha256');
    if (!SHA256.test(sha256)) fail('artifact.sha256', 'must be 64 hex digits');
    const sizeBytes = integer(a, 'sizeBytes', 1, Number.MAX_SAFE_INTEGER, 'artifact.sizeBytes');
    const issuedAt = instant(obj, 'issuedAt');
    return { commandId, type: 'update', component, version, artifact: { url, sha256, sizeBytes }, issuedAt };
  });
}

/** Validates a command event (`tdo/v1/devices/{id}/events`). */
export function parseEvent(payload: Uint8Array | string): ParseResult<CommandEvent> {
  return parseWith(payload, (obj) => {
    const value: CommandEvent = {
      commandId: commandIdField(obj),
      state: oneOf(obj, 'state', COMMAND_EVENT_STATES),
      ts: instant(obj, 'ts'),
    };
    if (present(obj, 'progress')) value.progress = integer(obj, 'progress', 0, 100);
    // A message may be empty (a device may send message: ""); only its length is bounded.
    if (present(obj, 'message')) {
      const m = obj.message;
      if (typeof m !== 'string') fail('message', `must be a string, got ${typeName(m)}`);
      if (m.length > LIMITS.messageLength)
        fail('message', `must be at most ${LIMITS.messageLength} characters`);
      value.message = m;
    }
    return value;
  });
}

/** The JSON payload of a message. */
export function encodeMessage(message: DeviceStateMessage | UpdateCommand | CommandEvent): string {
  return JSON.stringify(message);
}
