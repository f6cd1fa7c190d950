// `teams-device-operator preview`: every update the operator would make for the YAML you commit, and when.
import { planTimeline } from '../core/rules/timeline.js';
import { HELP, parsePreviewArgs } from './preview/args.js';
import { UsageError } from './preview/errors.js';
import { buildFleet } from './preview/fleet.js';
import { loadInput } from './preview/load.js';
import { renderJson } from './preview/rows.js';
import { renderTable } from './preview/table.js';

const PREFIX = 'teams-device-operator preview';

export async function main(argv: string[]): Promise<number> {
  try {
    const parsed = parsePreviewArgs(argv, () => new Date());
    if (parsed.help) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    const { options } = parsed;
    const input = await loadInput(options.paths);
    const built = buildFleet(input.objects);
    for (const warning of built.warnings) process.stderr.write(`${PREFIX}: ${warning}\n`);
    const { fleet } = built;
    const entries = planTimeline(fleet, options.now, options.until);
    process.stdout.write(
      options.json
        ? renderJson(entries)
        : renderTable({
            entries,
            devices: fleet.devices,
            releases: fleet.releases.length,
            policies: fleet.policies.length,
            plans: fleet.plans.length,
            unused: built.unused,
            now: options.now,
            until: options.until,
          }),
    );
    return 0;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const problems = error.problems.map((problem) => `${PREFIX}: ${problem}\n`).join('');
    const hint = error.aboutFlags ? `Run \`${PREFIX} --help\` for the flags.\n` : '';
    process.stderr.write(problems + hint);
    return 2;
  }
}
