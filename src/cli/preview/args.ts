// Flags of `teams-device-operator preview`, parsed once into a frozen object.
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { MS_PER_DAY } from '../../core/shared/instant.js';
import { UsageError } from './errors.js';
import {
  DEFAULT_MAX_INPUT_BYTES,
  DEFAULT_MAX_OBJECTS,
  formatBytes,
  type InputLimits,
  MAX_ALIAS_EXPANSION,
  parseByteSize,
} from './limits.js';

export const DEFAULT_HORIZON_DAYS = 120;
const FLAGS = { aboutFlags: true };

export interface PreviewOptions {
  /** Files or folders, in the order given; `-` is stdin. */
  readonly paths: readonly string[];
  readonly now: Date;
  readonly until: Date;
  readonly json: boolean;
  readonly limits: InputLimits;
  /** Print the time of each phase and the peak memory to stderr. */
  readonly timings: boolean;
}

export type ParsedArgs = { help: true } | { help: false; options: PreviewOptions };

export const HELP = `Usage: teams-device-operator preview -f PATH [-f PATH…] [--now ISO] [--until ISO] [--json] [--timings]

Print every update the operator would make for the YAML you commit, and when: each firmware and Teams app
update of each TeamsDevice between --now and --until, chained (1.0 → 1.1, then 1.1 → 1.2), with its time
in UTC and in the device's time zone and its source (Auto, or UpdatePlan/<name>), and every update that
will not happen, with the reason. Nothing is sent anywhere; no cluster is needed.

Options:
  -f, --filename PATH  A YAML or JSON file, or a folder read recursively (*.yaml, *.yml, *.json), or - for
                       stdin. Repeat to read several. Only regular files are read from a folder (a FIFO or
                       socket in it is skipped with a warning); a FIFO named here, as in -f <(kubectl get …),
                       is read like stdin. Multi-document YAML and kind: List are read, so
                       \`kubectl get teams -A -o yaml\` output works. TeamsDevice, FirmwareRelease,
                       UpdatePolicy and UpdatePlan are used; DeviceProxyPool is validated; other kinds
                       (Namespace, ConfigMap, …) are ignored. Objects without a namespace go to "default".
      --now ISO        The instant the preview starts, e.g. 2026-12-01T00:00:00Z (without an offset it is
                       read as UTC). An immediate UpdatePlan is applied at this instant. Default: the
                       current time.
      --until ISO      The instant the preview ends (exclusive). Default: ${DEFAULT_HORIZON_DAYS} days after --now.
      --json           Print one JSON array instead of the table. Each element has exactly the keys
                       namespace, device, component, fromVersion, toVersion, at, localTime, source and
                       reason; at and localTime are null for an update that will not happen, reason is
                       null for one that will. Elements are sorted like the table.
      --max-input-bytes N  Refuse input larger than N bytes in all (files and stdin together), e.g. 1Gi,
                       512Mi or 1048576. Default: ${formatBytes(DEFAULT_MAX_INPUT_BYTES)}.
      --max-objects N  Refuse input with more than N objects (YAML documents and List items). Default:
                       ${DEFAULT_MAX_OBJECTS.toLocaleString('en-US')}; 100,000 TeamsDevices take about 700 MB of memory.
      --timings        Print the time of each phase (parse, admission, timeline, output) and the peak memory
                       to stderr.
  -h, --help           Show this help.

Aliases (*name) may add at most ${MAX_ALIAS_EXPANSION.toLocaleString('en-US')} nodes to a document, and collections nest at most
100 levels: an alias bomb is refused.

Every object is defaulted and validated against the CRD schemas, as the API server would on create.

Exit codes:
  0  the preview was printed
  1  an internal error (its message is printed; please report it)
  2  bad flags, or input that the API server would refuse or preview cannot read: unparsable YAML, an
     invalid object (file, object and field are named), a duplicate object, an unknown time zone, input
     over a limit (--max-input-bytes, --max-objects, aliases, nesting), text that is not UTF-8

Example:
  teams-device-operator preview -f deploy/examples --now 2026-12-01T00:00:00Z --until 2027-03-01T00:00:00Z`;

const iso = (date: Date) => date.toISOString().replace('.000Z', 'Z');

/** Parses an ISO 8601 instant; one without an offset is read as UTC. */
export function parseInstant(flag: string, value: string): Date {
  const parsed = DateTime.fromISO(value.trim(), { zone: 'utc' });
  if (!parsed.isValid) {
    throw new UsageError(
      `--${flag}: "${value}" is not an ISO 8601 date and time, e.g. 2026-12-01T00:00:00Z (${parsed.invalidExplanation ?? parsed.invalidReason})`,
      FLAGS,
    );
  }
  return parsed.toJSDate();
}

function parseCount(text: string): number | undefined {
  const count = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  return Number.isSafeInteger(count) && count > 0 ? count : undefined;
}

function limitFlag(
  flag: string,
  value: string | undefined,
  fallback: number,
  parse: (text: string) => number | undefined,
): number {
  if (value === undefined) return fallback;
  const parsed = parse(value);
  if (parsed === undefined) {
    const example =
      flag === 'max-input-bytes' ? 'a number of bytes, e.g. 1073741824 or 1Gi' : 'a whole number';
    throw new UsageError(`--${flag}: "${value}" is not ${example} above 0`, FLAGS);
  }
  return parsed;
}

export function parsePreviewArgs(argv: readonly string[], currentTime: () => Date): ParsedArgs {
  let values: {
    filename?: string[];
    now?: string;
    until?: string;
    json?: boolean;
    help?: boolean;
    timings?: boolean;
    'max-input-bytes'?: string;
    'max-objects'?: string;
  };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      allowPositionals: false,
      strict: true,
      options: {
        filename: { type: 'string', short: 'f', multiple: true },
        now: { type: 'string' },
        until: { type: 'string' },
        json: { type: 'boolean', default: false },
        timings: { type: 'boolean', default: false },
        'max-input-bytes': { type: 'string' },
        'max-objects': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), FLAGS);
  }
  if (values.help) return { help: true };

  const paths = values.filename ?? [];
  if (paths.length === 0)
    throw new UsageError('-f/--filename is required: the YAML files or folders to read', FLAGS);
  if (paths.some((path) => path.trim() === '')) throw new UsageError('-f/--filename: empty path', FLAGS);

  const now = values.now === undefined ? currentTime() : parseInstant('now', values.now);
  const until =
    values.until === undefined
      ? new Date(now.getTime() + DEFAULT_HORIZON_DAYS * MS_PER_DAY)
      : parseInstant('until', values.until);
  if (until.getTime() <= now.getTime()) {
    throw new UsageError(
      `--until ${iso(until)} must be after --now ${iso(now)}: the preview covers [now, until)`,
      FLAGS,
    );
  }
  const limits = Object.freeze({
    maxInputBytes: limitFlag(
      'max-input-bytes',
      values['max-input-bytes'],
      DEFAULT_MAX_INPUT_BYTES,
      parseByteSize,
    ),
    maxObjects: limitFlag('max-objects', values['max-objects'], DEFAULT_MAX_OBJECTS, parseCount),
  });
  return {
    help: false,
    options: Object.freeze({
      paths,
      now,
      until,
      json: values.json ?? false,
      limits,
      timings: values.timings ?? false,
    }),
  };
}
