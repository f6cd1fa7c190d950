// How a command's --help lists its flags: each flag with its argument, what it does, its default and its
// environment variable, aligned in one column. `run` and `proxy` print their flags this one way.

/** What --help says of one flag. */
export interface FlagDoc {
  name: string;
  arg?: string;
  env?: string;
  default: string;
  help: string;
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
