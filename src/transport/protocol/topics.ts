// Topics of the device protocol: `tdo/v1/devices/{deviceId}/{state|commands|events}`, built and parsed here
// only, so a device id is one MQTT topic level everywhere.

import { LIMITS } from './schemas.js';

export const TOPIC_PREFIX = 'tdo/v1';
export const CHANNELS = ['state', 'commands', 'events'] as const;
export type Channel = (typeof CHANNELS)[number];

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
