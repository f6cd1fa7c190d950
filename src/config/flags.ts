// The command-line flags of `run` and `proxy`, read and listed one way: `--flag value` or `--flag=value`,
// booleans also `--flag` / `--no-flag`; --help lists each flag with its argument, what it does, its default
// and its environment variable, aligned in one column.

/** One flag: what --help says of it, and whether it is a boolean. */
export interface FlagDoc {
  name: string;
  arg?: string;
  env?: string;
  default: string;
  help: string;
  boolean?: boolean;
}

/** The "Options:" block of a command's help, then the lines of `footer`. */
export function renderFlagHelp(flags: readonly FlagDoc[], footer: readonly string[]): string {
  const left = flags.map((f) => `  --${f.name}${f.arg ? ` ${f.arg}` : ''}`);
  const width = Math.max(...left.map((l) => l.length)) + 2;
  const lines = flags.map((f, i) => {
    const extras = [`default: ${f.default}`, ...(f.env ? [`env: ${f.env}`] : [])].join('; ');
    return `${(left[i] ?? '').padEnd(width)}${f.help}\n${' '.repeat(width)}(${extras})`;
  });
  return ['Options:', ...lines, '', ...footer].join('\n');
}

/**
 * The flags given in `argv`, by name (booleans as "true" / "false"); `-h` and `--help` give help "true".
 * Each problem is pushed to `problems` naming its flag; `example` completes "options are flags like ...".
 */
export function readFlags(
  argv: readonly string[],
  flags: readonly FlagDoc[],
  problems: string[],
  example: string,
): Map<string, string> {
  const specs = new Map(flags.map((f) => [f.name, f]));
  const given = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] ?? '';
    if (token === '-h' || token === '--help') {
      given.set('help', 'true');
      continue;
    }
    if (!token.startsWith('--') || token === '--') {
      problems.push(`unexpected argument "${token}": options are flags like ${example}`);
      continue;
    }
    const eq = token.indexOf('=');
    let name = eq < 0 ? token.slice(2) : token.slice(2, eq);
    let value: string | undefined = eq < 0 ? undefined : token.slice(eq + 1);
    let negated = false;
    if (!specs.has(name) && name.startsWith('no-') && specs.get(name.slice(3))?.boolean) {
      name = name.slice(3);
      negated = true;
    }
    const spec = specs.get(name);
    if (!spec) {
      problems.push(`--${name}: unknown flag`);
      continue;
    }
    if (spec.boolean) {
      if (negated && value !== undefined) {
        problems.push(`--no-${name}: takes no value`);
        continue;
      }
      const text = negated ? 'false' : (value ?? 'true');
      if (text !== 'true' && text !== 'false') {
        problems.push(`--${name}: "${text}" is not true or false`);
        continue;
      }
      given.set(name, text);
      continue;
    }
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) {
        problems.push(`--${name}: needs a value (${spec.arg ?? 'VALUE'})`);
        continue;
      }
      value = next;
      i += 1;
    }
    given.set(name, value);
  }
  return given;
}

/** What is wrong with a broker URL (mqtt, mqtts, ws or wss, with a host), or undefined. */
export function mqttUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'not a URL like mqtt://broker:1883';
  }
  if (!['mqtt:', 'mqtts:', 'ws:', 'wss:'].includes(url.protocol)) {
    return `scheme "${url.protocol.replace(/:$/, '')}" is not one of mqtt, mqtts, ws, wss`;
  }
  if (!url.hostname) return 'the URL names no host';
  return undefined;
}
