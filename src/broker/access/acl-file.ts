// The mosquitto acl_file of an access policy. mosquitto's patterns substitute only the user name (%u) and
// the client id (%c), which cannot say "the devices of pool P", so the file lists every device of every pool
// under its pool's user; it is regenerated when devices are added, removed or moved between pools.

import { type AccessPolicy, accessRules } from './rules.js';

export interface AclFileOptions {
  /** A first comment line saying where the file came from. */
  header?: string;
}

/** The text of a mosquitto acl_file granting exactly the rules of `policy` (nothing to anonymous clients). */
export function renderAclFile(policy: AccessPolicy, options: AclFileOptions = {}): string {
  const lines: string[] = [];
  if (options.header) lines.push(...options.header.split('\n').map((line) => `# ${line}`.trimEnd()));
  lines.push(
    '# A user may only do what its lines grant: "read" subscribes and receives, "write" publishes.',
    '# Lines before the first "user" line would apply to anonymous clients; there are none.',
  );
  const rules = accessRules(policy);
  const pools = new Map(policy.pools.map((p) => [p.user, p]));
  for (const [user, userRules] of rules) {
    assertAclWord(user);
    const pool = pools.get(user);
    lines.push(
      '',
      pool
        ? `# The proxies of pool ${pool.namespace}/${pool.pool}: ${pool.deviceIds.length} device(s).`
        : '# The operator.',
      `user ${user}`,
    );
    for (const rule of userRules) lines.push(`topic ${rule.access} ${rule.topic}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * mosquitto reads a user name up to the end of its line, so a name with a line break (or nothing) would grant
 * something else than it says. Topics are checked where they are built (transport/protocol/topics.ts).
 */
function assertAclWord(user: string): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it rejects
  if (user === '' || /[\s\u0000-\u001f\u007f]/.test(user)) {
    throw new Error(`user ${JSON.stringify(user)}: an acl_file user name must be one word without spaces`);
  }
}
