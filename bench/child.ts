// How a benchmark starts one of its helper scripts (server-process, informer-process) in a child process:
// compiled JavaScript when the benchmark itself runs compiled (`node dist/bench/…`), as users run the
// product; through tsx when it runs from TypeScript (`tsx bench/…`), whose transform costs the child CPU.
import { fileURLToPath } from 'node:url';

const compiled = import.meta.url.endsWith('.js');

/** node arguments that run the bench script `name` (without extension), e.g. 'server-process'. */
export function childArgs(name: string): string[] {
  return compiled
    ? [fileURLToPath(new URL(`./${name}.js`, import.meta.url))]
    : ['--import', 'tsx', fileURLToPath(new URL(`./${name}.ts`, import.meta.url))];
}
