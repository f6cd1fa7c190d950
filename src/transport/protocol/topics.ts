// Topics of the device protocol, built and parsed here only, so a device id (or a namespace, pool or pod
// name) is one MQTT topic level everywhere:
//   tdo/v1/devices/{deviceId}/{state|commands|events}   one device
//   tdo/v1/proxies/{namespace}/{pool}/{pod}             one proxy's presence
//   tdo/v1/resync                                       the operator asks every proxy to republish

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

/** Whether `level` can be one MQTT topic level: the rule of device ids, for names of other things. */
export const isValidTopicLevel = (level: string): boolean => isValidDeviceId(level);

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

/** Where the operator asks every proxy to republish its devices' states. */
export const RESYNC_TOPIC = `${TOPIC_PREFIX}/resync`;

/** Names one device proxy: the pod of a DeviceProxyPool. */
export interface ProxyName {
  namespace: string;
  pool: string;
  pod: string;
}

/** `tdo/v1/proxies/{namespace}/{pool}/{pod}`. Throws on a name that is not one topic level (a caller bug). */
export function presenceTopic({ namespace, pool, pod }: ProxyName): string {
  for (const [what, level] of [
    ['namespace', namespace],
    ['pool', pool],
    ['pod', pod],
  ] as const) {
    if (!isValidTopicLevel(level)) {
      throw new Error(`invalid ${what} ${JSON.stringify(level)}: it must be one MQTT topic level`);
    }
  }
  return `${TOPIC_PREFIX}/proxies/${namespace}/${pool}/${pod}`;
}

/** The subscription filter of every proxy's presence, or of the proxies of one pool. */
export function presenceFilter(pool?: Pick<ProxyName, 'namespace' | 'pool'>): string {
  return pool ? `${TOPIC_PREFIX}/proxies/${pool.namespace}/${pool.pool}/+` : `${TOPIC_PREFIX}/proxies/+/+/+`;
}

/** The proxy of a presence topic; null for any other topic. */
export function parsePresenceTopic(topic: string): ProxyName | null {
  if (typeof topic !== 'string') return null;
  const parts = topic.split('/');
  if (parts.length !== 6) return null;
  const [tdo, v1, proxies, namespace, pool, pod] = parts as [string, string, string, string, string, string];
  if (`${tdo}/${v1}` !== TOPIC_PREFIX || proxies !== 'proxies') return null;
  if (![namespace, pool, pod].every(isValidTopicLevel)) return null;
  return { namespace, pool, pod };
}

/** `namespace/pool/pod`: how logs, metrics and conditions name a proxy. */
export const proxyKey = ({ namespace, pool, pod }: ProxyName): string => `${namespace}/${pool}/${pod}`;
