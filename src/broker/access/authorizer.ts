// The access rules as fast checks for a broker: a publish or a delivered message is one Set lookup for the
// exact topics (a pool has three per device) plus a scan of the user's few wildcard filters, so a fleet of
// thousands of devices costs nothing per message.

import { type Access, type AccessPolicy, type AccessRule, accessRules, topicMatches } from './rules.js';

interface UserRules {
  exact: Record<Access, Set<string>>;
  wildcard: Record<Access, string[]>;
}

const isFilter = (topic: string): boolean => topic.includes('+') || topic.includes('#');

export class Authorizer {
  private readonly users = new Map<string, UserRules>();

  constructor(policy: AccessPolicy) {
    for (const [user, rules] of accessRules(policy)) this.users.set(user, index(rules));
  }

  /** Whether `user` may publish to `topic`. */
  canWrite(user: string | undefined, topic: string): boolean {
    return this.allows(user, 'write', topic);
  }

  /** Whether `user` may receive a message published to `topic`. */
  canRead(user: string | undefined, topic: string): boolean {
    return this.allows(user, 'read', topic);
  }

  private allows(user: string | undefined, access: Access, topic: string): boolean {
    const rules = user === undefined ? undefined : this.users.get(user);
    if (!rules) return false;
    if (rules.exact[access].has(topic)) return true;
    return rules.wildcard[access].some((f) => topicMatches(f, topic));
  }
}

function index(rules: AccessRule[]): UserRules {
  const user: UserRules = {
    exact: { read: new Set(), write: new Set() },
    wildcard: { read: [], write: [] },
  };
  for (const { access, topic } of rules) {
    if (isFilter(topic)) user.wildcard[access].push(topic);
    else user.exact[access].add(topic);
  }
  return user;
}
