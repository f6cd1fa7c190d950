// Who may publish and subscribe to which topics of the device protocol: one list of rules per user, the one
// source of both the mosquitto acl_file (acl-file.ts renders it) and the embedded broker's authorizer
// (authorizer.ts), so the two brokers enforce the same model.
//
//   the operator          reads every device's state and events and every proxy's presence; writes every
//                         device's commands and the resync request
//   the proxy of a pool   writes only its devices' state and events and its pool's presence; reads only its
//                         devices' commands, its pool's presence (to share the devices among its replicas)
//                         and the resync request

import {
  channelFilter,
  commandsTopic,
  eventsTopic,
  presenceFilter,
  RESYNC_TOPIC,
  stateTopic,
  TOPIC_PREFIX,
} from '../../transport/protocol/topics.js';

/** `read` lets a user subscribe and receive; `write` lets it publish (mosquitto's acl_file words). */
export type Access = 'read' | 'write';

export interface AccessRule {
  access: Access;
  /** A topic or an MQTT topic filter (`+`, `#`). */
  topic: string;
}

/** The devices one pool's proxies serve, and the broker user they connect as. */
export interface PoolAccess {
  namespace: string;
  pool: string;
  user: string;
  /** The MQTT device ids (TeamsDevice spec.deviceId, else its name). */
  deviceIds: readonly string[];
}

export interface AccessPolicy {
  /** The user the operator connects as. */
  operatorUser: string;
  pools: readonly PoolAccess[];
}

/** The user a pool's proxies connect as when none is named: `proxy-<namespace>-<pool>`. */
export const defaultPoolUser = (namespace: string, pool: string): string => `proxy-${namespace}-${pool}`;

/** The default operator user. */
export const DEFAULT_OPERATOR_USER = 'teams-device-operator';

export function operatorRules(): AccessRule[] {
  return [
    { access: 'read', topic: channelFilter('state') },
    { access: 'read', topic: channelFilter('events') },
    { access: 'read', topic: `${TOPIC_PREFIX}/proxies/#` },
    { access: 'write', topic: channelFilter('commands') },
    { access: 'write', topic: RESYNC_TOPIC },
  ];
}

export function poolRules(pool: PoolAccess): AccessRule[] {
  const presence = presenceFilter(pool);
  const rules: AccessRule[] = [
    { access: 'write', topic: presence },
    { access: 'read', topic: presence },
    { access: 'read', topic: RESYNC_TOPIC },
  ];
  for (const id of [...new Set(pool.deviceIds)].sort()) {
    rules.push(
      { access: 'write', topic: stateTopic(id) },
      { access: 'write', topic: eventsTopic(id) },
      { access: 'read', topic: commandsTopic(id) },
    );
  }
  return rules;
}

/**
 * The rules of every user. Throws when two pools share a user or a pool uses the operator's user: one
 * user's rules would then be the union of both, and a proxy could reach another pool's devices.
 */
export function accessRules(policy: AccessPolicy): Map<string, AccessRule[]> {
  const rules = new Map<string, AccessRule[]>([[policy.operatorUser, operatorRules()]]);
  const owner = new Map<string, string>([[policy.operatorUser, 'the operator']]);
  for (const pool of policy.pools) {
    const name = `pool ${pool.namespace}/${pool.pool}`;
    const taken = owner.get(pool.user);
    if (taken !== undefined) {
      throw new Error(`user ${JSON.stringify(pool.user)} of ${name} is already the user of ${taken}`);
    }
    owner.set(pool.user, name);
    rules.set(pool.user, poolRules(pool));
  }
  return rules;
}

/** Whether `topic` (no wildcards) matches the topic filter `filter`. */
export function topicMatches(filter: string, topic: string): boolean {
  const levels = topic.split('/');
  // Topics starting with $ ($SYS) are never matched by a wildcard in the first level (MQTT 3.1.1 §4.7.2).
  if (levels[0]?.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const parts = filter.split('/');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (part === '#') return true;
    const level = levels[i];
    if (level === undefined || (part !== '+' && part !== level)) return false;
  }
  return levels.length === parts.length;
}
