// `teams-device-operator mosquitto-acl`: prints the mosquitto acl_file of a fleet, from
// `kubectl get teamsdevices -A -o json` on stdin (or files of JSON or YAML), so a broker grants each pool's
// proxies exactly their devices' topics (src/broker/access/rules.ts says who may do what).

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { renderAclFile } from '../broker/access/acl-file.js';
import { FleetInputError, fleetAccessPolicy } from '../broker/access/fleet.js';
import { DEFAULT_OPERATOR_USER } from '../broker/access/rules.js';

const PREFIX = 'teams-device-operator mosquitto-acl';

export const HELP = `Usage: kubectl get teamsdevices -A -o json | ${PREFIX} [options]

Prints a mosquitto acl_file for the TeamsDevices read: the operator's user reads every device's state
and events and every proxy's presence and writes commands and resync requests; the proxies of each
pool (spec.proxyPool, default "default") write only their devices' state and events and their pool's
presence, and read only their devices' commands, their pool's presence and resync requests.
Regenerate it (and send mosquitto SIGHUP) when devices are added, removed or change pools.

Options:
  -f, --file PATH                  read JSON or YAML from PATH instead of stdin (repeatable; - is stdin;
                                   a folder: its *.yaml, *.yml and *.json files, recursively); a kind:
                                   List, multi-document YAML and single objects are read, kinds other
                                   than TeamsDevice are skipped
      --operator-user NAME         the operator's broker user (default ${DEFAULT_OPERATOR_USER})
      --pool-user NS/POOL=USER     the broker user of a pool's proxies (repeatable; default
                                   proxy-<namespace>-<pool>)
  -h, --help                       show this help

Exit codes: 0 the file was printed; 2 bad flags or input (the source and object are named).`;

export class UsageError extends Error {}

export interface AclArgs {
  files: string[];
  operatorUser: string;
  poolUsers: Map<string, string>;
}

export function parseAclArgs(argv: string[]): AclArgs | 'help' {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return 'help';
  const operatorUser = values['operator-user'] ?? DEFAULT_OPERATOR_USER;
  if (operatorUser.trim() === '') throw new UsageError('--operator-user: empty');
  const poolUsers = new Map<string, string>();
  for (const entry of values['pool-user'] ?? []) {
    const m = /^([^/=\s]+)\/([^/=\s]+)=(\S+)$/.exec(entry);
    if (!m) throw new UsageError(`--pool-user ${JSON.stringify(entry)}: expected NAMESPACE/POOL=USER`);
    const key = `${m[1]}/${m[2]}`;
    if (poolUsers.has(key)) throw new UsageError(`--pool-user: ${key} is named twice`);
    poolUsers.set(key, m[3] as string);
  }
  return { files: values.file?.length ? values.file : ['-'], operatorUser, poolUsers };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      file: { type: 'string', short: 'f', multiple: true },
      'operator-user': { type: 'string' },
      'pool-user': { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/**
 * The objects of one input: JSON (what kubectl prints) when it starts with { or [, else YAML documents;
 * the items of a List are its objects. Throws UsageError naming `source`.
 */
export function parseObjects(text: string, source: string): unknown[] {
  const trimmed = text.trim();
  if (trimmed === '')
    throw new UsageError(`${source}: empty input (pipe \`kubectl get teamsdevices -A -o json\`)`);
  let documents: unknown[];
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      documents = [JSON.parse(trimmed)];
    } catch (err) {
      throw new UsageError(`${source}: not valid JSON: ${(err as Error).message}`);
    }
  } else {
    documents = parseAllDocuments(text).flatMap((doc, i) => {
      if (doc.errors.length > 0) {
        throw new UsageError(`${source}: not valid YAML (document ${i + 1}): ${doc.errors[0]?.message}`);
      }
      return doc.contents === null ? [] : [doc.toJS() as unknown];
    });
  }
  return documents.flatMap((doc) => flatten(doc, source));
}

function flatten(doc: unknown, source: string): unknown[] {
  if (Array.isArray(doc)) return doc.flatMap((d) => flatten(d, source));
  if (doc === null || typeof doc !== 'object') {
    throw new UsageError(`${source}: expected Kubernetes objects, got ${doc === null ? 'null' : typeof doc}`);
  }
  const items = (doc as { items?: unknown }).items;
  if (Array.isArray(items)) return items.flatMap((d) => flatten(d, source));
  return [doc];
}

/** The acl_file of `inputs` (source name → text). Throws UsageError on bad input. */
export function aclFileOf(inputs: ReadonlyArray<{ source: string; text: string }>, args: AclArgs): string {
  const objects = inputs.flatMap(({ source, text }) => parseObjects(text, source));
  let policy: ReturnType<typeof fleetAccessPolicy>;
  try {
    policy = fleetAccessPolicy(objects, { operatorUser: args.operatorUser, poolUsers: args.poolUsers });
  } catch (err) {
    if (err instanceof FleetInputError) throw new UsageError(err.message);
    throw err;
  }
  const devices = policy.pools.reduce((n, p) => n + p.deviceIds.length, 0);
  if (devices === 0) throw new UsageError('no TeamsDevice in the input');
  const header =
    `Generated by \`${PREFIX}\` from ${devices} TeamsDevice(s) in ${policy.pools.length} pool(s).\n` +
    'Regenerate it when devices are added, removed or change pools; mosquitto rereads it on SIGHUP.';
  try {
    return renderAclFile(policy, { header });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export async function main(argv: string[]): Promise<number> {
  try {
    const args = parseAclArgs(argv);
    if (args === 'help') {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    const inputs: Array<{ source: string; text: string }> = [];
    for (const file of args.files) {
      if (file === '-') inputs.push({ source: 'stdin', text: await readStdin() });
      else for (const path of filesOf(file)) inputs.push({ source: path, text: readFile(path) });
    }
    process.stdout.write(aclFileOf(inputs, args));
    return 0;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${PREFIX}: ${err.message}\n`);
    return 2;
  }
}

const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** `path`, or the *.yaml, *.yml and *.json files under the folder `path`, sorted. */
function filesOf(path: string): string[] {
  let isFolder: boolean;
  try {
    isFolder = statSync(path).isDirectory();
  } catch (err) {
    throw new UsageError(
      `${path}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  if (!isFolder) return [path];
  return readdirSync(path, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const child = join(path, entry.name);
      if (entry.isDirectory()) return filesOf(child);
      return EXTENSIONS.has(extname(entry.name)) ? [child] : [];
    });
}

function readFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(
      `${path}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
