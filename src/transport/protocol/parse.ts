// The parsers of incoming payloads. Parsers never throw: a payload that is not what the protocol says is
// `{ok: false, reason, error}`; `reason` is a short code for the malformed metric's label, `error` names the
// field (`field: what is wrong`) for the log. Unknown fields are dropped from the value; an optional field
// that is null counts as absent.

import type { PayloadName } from './json-schemas.js';
import {
  type CommandEvent,
  type DeviceStateMessage,
  LIMITS,
  type ProxyPresence,
  type ResyncRequest,
  type UpdateCommand,
} from './schemas.js';
import { typeName, validatePayload } from './validate.js';

/**
 * Why a message was dropped, the label of the malformed metric: a topic outside the protocol, a payload over
 * LIMITS.payloadBytes, bytes that are no JSON (or no UTF-8, or nothing), JSON the schema refuses, or a
 * payload naming another device than its topic.
 */
export const MALFORMED_REASONS = ['topic', 'too_large', 'not_json', 'schema', 'device_mismatch'] as const;
export type MalformedReason = (typeof MALFORMED_REASONS)[number];

export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: MalformedReason; error: string };

type Json = Record<string, unknown>;

class Malformed extends Error {
  constructor(
    readonly reason: MalformedReason,
    message: string,
  ) {
    super(message);
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** The JSON object of a payload (string or bytes). Throws Malformed. */
function decode(payload: Uint8Array | string): Json {
  let text: string;
  if (typeof payload === 'string') {
    text = payload;
  } else if (payload instanceof Uint8Array) {
    if (payload.byteLength > LIMITS.payloadBytes) tooLarge();
    try {
      text = decoder.decode(payload);
    } catch {
      throw new Malformed('not_json', 'payload: not valid UTF-8');
    }
  } else {
    throw new Malformed('not_json', `payload: must be a string or bytes, got ${typeName(payload)}`);
  }
  if (text.length > LIMITS.payloadBytes) tooLarge();
  if (text.trim() === '') throw new Malformed('not_json', 'payload: empty');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Malformed('not_json', `payload: not JSON (${(err as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Malformed('schema', `payload: must be a JSON object, got ${typeName(parsed)}`);
  }
  return parsed as Json;
}

function tooLarge(): never {
  throw new Malformed('too_large', `payload: larger than ${LIMITS.payloadBytes} bytes`);
}

/** Drops null fields of objects, in place: null is absent (a required one then reads "required"). */
function dropNulls(obj: Json): Json {
  for (const [key, v] of Object.entries(obj)) {
    if (v === null) delete obj[key];
    else if (typeof v === 'object' && !Array.isArray(v)) dropNulls(v as Json);
  }
  return obj;
}

function parseAs<T>(name: PayloadName, payload: Uint8Array | string, topicDeviceId?: string): ParseResult<T> {
  try {
    const value = dropNulls(decode(payload));
    const problem = validatePayload(name, value);
    if (problem) return { ok: false, reason: 'schema', error: problem };
    if (topicDeviceId !== undefined && value.deviceId !== undefined && value.deviceId !== topicDeviceId) {
      return {
        ok: false,
        reason: 'device_mismatch',
        error: `deviceId: ${JSON.stringify(value.deviceId)} is not the device of the topic (${topicDeviceId})`,
      };
    }
    return { ok: true, value: value as T };
  } catch (err) {
    if (err instanceof Malformed) return { ok: false, reason: err.reason, error: err.message };
    return { ok: false, reason: 'schema', error: `payload: ${(err as Error)?.message ?? String(err)}` };
  }
}

/**
 * Validates a state message (`tdo/v1/devices/{id}/state`). With `topicDeviceId`, a payload that names another
 * device is refused (`device_mismatch`).
 */
export function parseStateMessage(
  payload: Uint8Array | string,
  topicDeviceId?: string,
): ParseResult<DeviceStateMessage> {
  return parseAs('device-state', payload, topicDeviceId);
}

/** Validates an update command (`tdo/v1/devices/{id}/commands`); `topicDeviceId` as for parseStateMessage. */
export function parseCommand(
  payload: Uint8Array | string,
  topicDeviceId?: string,
): ParseResult<UpdateCommand> {
  return parseAs('update-command', payload, topicDeviceId);
}

/** Validates a command event (`tdo/v1/devices/{id}/events`); `topicDeviceId` as for parseStateMessage. */
export function parseEvent(payload: Uint8Array | string, topicDeviceId?: string): ParseResult<CommandEvent> {
  return parseAs('command-event', payload, topicDeviceId);
}

/** Validates a proxy's presence (`tdo/v1/proxies/{namespace}/{pool}/{pod}`). */
export function parsePresence(payload: Uint8Array | string): ParseResult<ProxyPresence> {
  return parseAs('proxy-presence', payload);
}

/** Validates a resync request (`tdo/v1/resync`). */
export function parseResync(payload: Uint8Array | string): ParseResult<ResyncRequest> {
  return parseAs('resync-request', payload);
}

/** The JSON payload of a message. */
export function encodeMessage(
  message: DeviceStateMessage | UpdateCommand | CommandEvent | ProxyPresence | ResyncRequest,
): string {
  return JSON.stringify(message);
}

/** Malformed messages counted by reason, for the `reason` label of the malformed metric. */
export class MalformedCounts {
  private readonly counts = new Map<MalformedReason, number>(MALFORMED_REASONS.map((r) => [r, 0]));

  add(reason: MalformedReason): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
  }

  get(reason: MalformedReason): number {
    return this.counts.get(reason) ?? 0;
  }

  entries(): Array<[MalformedReason, number]> {
    return [...this.counts];
  }
}
