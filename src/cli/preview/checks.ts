// Checks the schema cannot express but the preview depends on: time zones, local times, simulator annotations.
import { DateTime } from 'luxon';
import { SIM_ANNOTATIONS } from '../../api/v1alpha1/index.js';
import { isValidZone } from '../../core/rules/windows.js';

type Obj = Record<string, unknown>;

function get(object: Obj, path: string[]): unknown {
  let node: unknown = object;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Obj)[key];
  }
  return node;
}

function zoneProblem(field: string, zone: unknown): string[] {
  if (typeof zone !== 'string' || isValidZone(zone)) return [];
  return [
    `${field}: Invalid value: "${zone}": not an IANA time zone, e.g. Europe/Berlin or America/New_York`,
  ];
}

/** `field: message` lines for one admitted object of `kind`. */
export function semanticProblems(kind: string, object: Obj): string[] {
  switch (kind) {
    case 'TeamsDevice': {
      const problems = zoneProblem('spec.timeZone', get(object, ['spec', 'timeZone']));
      const annotations = (get(object, ['metadata', 'annotations']) ?? {}) as Record<string, string>;
      const supported = annotations[SIM_ANNOTATIONS.autoUpdateSupported];
      if (supported !== undefined && supported !== 'true' && supported !== 'false') {
        problems.push(
          `metadata.annotations[${SIM_ANNOTATIONS.autoUpdateSupported}]: Invalid value: "${supported}": ` +
            'must be "true" or "false"',
        );
      }
      return problems;
    }
    case 'UpdatePolicy':
      return zoneProblem('spec.defaultTimeZone', get(object, ['spec', 'defaultTimeZone']));
    case 'UpdatePlan': {
      const zone = get(object, ['spec', 'schedule', 'timeZone']);
      const at = get(object, ['spec', 'schedule', 'at']);
      const problems = zoneProblem('spec.schedule.timeZone', zone);
      if (problems.length === 0 && typeof zone === 'string' && typeof at === 'string') {
        const local = DateTime.fromISO(at, { zone });
        if (!local.isValid) {
          problems.push(
            `spec.schedule.at: Invalid value: "${at}": not a date and time (${local.invalidReason})`,
          );
        }
      }
      return problems;
    }
    default:
      return [];
  }
}
