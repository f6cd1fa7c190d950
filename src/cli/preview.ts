// `teams-device-operator preview`: every update the operator would make for the YAML you commit, and when.
import { planTimeline } from '../core/rules/timeline.js';
import { HELP, type PreviewOptions, parsePreviewArgs } from './preview/args.js';
import { UsageError } from './preview/errors.js';
import { type BuiltFleet, FleetBuilder } from './preview/fleet.js';
import { loadInput, type RawObject } from './preview/load.js';
import { jsonChunks } from './preview/rows.js';
import { tableChunks } from './preview/table.js';
import { startTimings, type Timings } from './preview/timings.js';
import { writeChunks } from './preview/write.js';

const PREFIX = 'teams-device-operator preview';
/** Problems printed at most: past that a count, so a million bad objects do not flood the terminal. */
const MAX_PROBLEMS = 1000;
/** Columns of one problem line at most: a value of 10 MB is cut, not printed. */
const MAX_PROBLEM_COLUMNS = 2000;

function cut(line: string): string {
  return line.length <= MAX_PROBLEM_COLUMNS
    ? line
    : `${line.slice(0, MAX_PROBLEM_COLUMNS)}… (${line.length - MAX_PROBLEM_COLUMNS} more characters)`;
}

function usageMessage(error: UsageError): string {
  const shown = error.problems.slice(0, MAX_PROBLEMS).map((problem) => `${PREFIX}: ${cut(problem)}\n`);
  const more = error.problems.length - shown.length;
  if (more > 0) shown.push(`${PREFIX}: … and ${more} more problems\n`);
  const hint = error.aboutFlags ? `Run \`${PREFIX} --help\` for the flags.\n` : '';
  return shown.join('') + hint;
}

/** Objects admitted at once while the input is read: few enough to stay small, enough to time cheaply. */
const ADMISSION_BATCH = 1000;

/**
 * Reads and admits the input, each object as soon as it is parsed: the objects as read (hundreds of MB at
 * fleet scale) are not kept past their admission. Parse time is reported without the admission inside it.
 */
async function readFleet(options: PreviewOptions, timings: Timings): Promise<BuiltFleet> {
  const builder = new FleetBuilder();
  let batch: RawObject[] = [];
  const admit = () => {
    const objects = batch;
    batch = [];
    timings.time('admission', () => {
      for (const object of objects) builder.add(object);
    });
  };
  const input = await timings.timeAsync('parse', () =>
    loadInput(options.paths, options.limits, (object) => {
      batch.push(object);
      if (batch.length >= ADMISSION_BATCH) admit();
    }),
  );
  admit();
  for (const warning of input.warnings) process.stderr.write(`${PREFIX}: ${warning}\n`);
  return timings.time('admission', () => builder.finish());
}

export async function main(argv: string[]): Promise<number> {
  const timings = startTimings();
  try {
    const parsed = parsePreviewArgs(argv, () => new Date());
    if (parsed.help) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    const { options } = parsed;
    const built = await readFleet(options, timings);
    for (const warning of built.warnings) process.stderr.write(`${PREFIX}: ${warning}\n`);
    const { fleet } = built;
    const entries = timings.time('timeline', () => planTimeline(fleet, options.now, options.until));
    await timings.timeAsync('output', () =>
      writeChunks(
        process.stdout,
        options.json
          ? jsonChunks(entries)
          : tableChunks({
              entries,
              devices: fleet.devices,
              releases: fleet.releases.length,
              policies: fleet.policies.length,
              plans: fleet.plans.length,
              unused: built.unused,
              now: options.now,
              until: options.until,
            }),
      ),
    );
    if (options.timings) process.stderr.write(`${PREFIX}: ${timings.report()}\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(usageMessage(error));
      return 2;
    }
    // Not the input's fault: the message, without a stack trace, which tells a user nothing.
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    process.stderr.write(`${PREFIX}: internal error: ${cut(message)}\n`);
    return 1;
  }
}
