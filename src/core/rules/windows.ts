/**
 * Update windows (rules 7, 9, 11 of src/core/rules/README.md): automatic updates run outside business hours and outside
 * blackout dates, both read in the device's time zone, correct across daylight-saving changes.
 *
 * Business hours on a listed weekday run from `start` (inclusive) to `end` (exclusive), local time; an `end`
 * earlier than `start` wraps into the next day. A wall time that does not exist that day (clocks spring
 * forward over it) is the end of the gap; one that happens twice (clocks fall back) opens the hours at its
 * first occurrence and closes them at its second, so every instant whose local time is inside the hours is
 * inside them. Blackouts cover whole local dates `from`..`to` and end at the local midnight after `to`.
 *
 * Pure: instants come in as Date objects (never mutated), nothing reads the clock.
 */
import { WEEKDAYS, type Weekday } from '../../api/v1alpha1/updatepolicy.js';
import { MS_PER_DAY, MS_PER_MINUTE } from '../shared/instant.js';
import {
  formatWithOffset,
  knownZone,
  LocalTimeError,
  parseClockMinutes,
  parseLocalDate,
  parseWallTime,
  type ZoneClock,
  zoneClock,
} from './local-time.js';

export { isValidZone, LocalTimeError } from './local-time.js';

export interface WindowRules {
  /** IANA zone of the device, e.g. Europe/Berlin. */
  zone: string;
  /** Local hours with no automatic update; 'HH:MM', an end before the start wraps past midnight. */
  businessHours: { days: readonly Weekday[]; start: string; end: string };
  /** Local dates 'YYYY-MM-DD', inclusive, with no automatic update. */
  blackouts: ReadonlyArray<{ from: string; to: string; reason?: string }>;
}

/** How far nextAllowedInstant looks before it gives up and answers null: three years. */
export const NEXT_ALLOWED_HORIZON_DAYS = 3 * 366;

interface Problem {
  message: string;
  /** The rules cannot be evaluated at all (as opposed to: they mean less than the author likely meant). */
  fatal: boolean;
}

interface CompiledRules {
  clock: ZoneClock;
  /** Indexed like WEEKDAYS: Monday is 0. */
  days: boolean[];
  /** Minutes after local midnight; null when there are no business hours. */
  hours: { start: number; end: number } | null;
  /** Day numbers (local date as days since 1970-01-01), sorted, overlapping and adjacent ranges merged. */
  blackouts: Array<{ first: number; last: number }>;
}

/** True when an automatic update may start at `instant`: outside business hours and outside blackouts. */
export function isAllowed(instant: Date, rules: WindowRules): boolean {
  return blockedUntil(instantMs(instant), compile(rules)) === null;
}

/**
 * The first instant at or after `from` that is allowed, or null when there is none within
 * NEXT_ALLOWED_HORIZON_DAYS. Jumps from the end of one business-hours window or blackout to the next.
 */
export function nextAllowedInstant(from: Date, rules: WindowRules): Date | null {
  const compiled = compile(rules);
  const start = instantMs(from);
  const horizon = start + NEXT_ALLOWED_HORIZON_DAYS * MS_PER_DAY;
  // Every step leaves one window or one merged blackout behind for good, and at most one window starts
  // each day; the cap only makes "never loops forever" obvious.
  const maxSteps = 2 * NEXT_ALLOWED_HORIZON_DAYS + compiled.blackouts.length + 16;
  let instant = start;
  for (let step = 0; step < maxSteps && instant <= horizon; step++) {
    const until = blockedUntil(instant, compiled);
    if (until === null) return new Date(instant);
    instant = Math.max(until, instant + 1);
  }
  return null;
}

/**
 * The first instant in [from, until) at which an automatic update may not start (business hours open, or a
 * blackout begins, in the device's zone), or null when the whole span is allowed: the end of the window an
 * automatic command is sent in. `from` itself when it is not allowed.
 */
export function nextForbiddenInstant(from: Date, until: Date, rules: WindowRules): Date | null {
  const compiled = compile(rules);
  const start = instantMs(from);
  const end = instantMs(until);
  if (blockedUntil(start, compiled) !== null) return new Date(start);
  const { clock, hours } = compiled;
  let first = Number.POSITIVE_INFINITY;
  const consider = (instant: number) => {
    if (instant > start && instant < end && instant < first) first = instant;
  };
  for (const blackout of compiled.blackouts)
    consider(clock.firstInstantAtOrAfter(blackout.first * MS_PER_DAY));
  if (hours !== null) {
    const firstDay = Math.floor(clock.wallOf(start) / MS_PER_DAY);
    const lastDay = Math.floor(clock.wallOf(end) / MS_PER_DAY);
    for (let day = firstDay; day <= lastDay; day++) {
      if (compiled.days[weekdayIndex(day)]) {
        consider(clock.firstInstantAtOrAfter(day * MS_PER_DAY + hours.start * MS_PER_MINUTE));
      }
    }
  }
  return Number.isFinite(first) ? new Date(first) : null;
}

/**
 * The instant of a local wall time 'YYYY-MM-DDTHH:MM[:SS]' (no offset) in `zone`, for scheduled UpdatePlans.
 * In a spring-forward gap it is the first valid instant after the gap (02:30 → 03:00 new time); in a
 * fall-back overlap the first occurrence. Throws a LocalTimeError for a malformed time or an unknown zone.
 */
export function localWallTimeToInstant(local: string, zone: string): Date {
  const wall = parseWallTime(local);
  if (wall === null) {
    throw new LocalTimeError(
      `local time "${local}" is not a real date and time written YYYY-MM-DDTHH:MM[:SS] without an offset`,
    );
  }
  return new Date(zoneClock(zone).firstInstantAtOrAfter(wall));
}

/** `instant` in `zone` as ISO 8601 with the offset, seconds precision: '2026-12-05T18:00:00+01:00'. */
export function formatLocal(instant: Date, zone: string): string {
  return formatWithOffset(instantMs(instant), zoneClock(zone));
}

/** Human messages for everything wrong or suspicious in the rules; empty when they are fine. */
export function describeWindowProblems(rules: WindowRules): string[] {
  return inspect(rules).problems.map((problem) => problem.message);
}

/** Null when `instant` is allowed; otherwise the end of the blackout or window it is in (later than it). */
function blockedUntil(instant: number, rules: CompiledRules): number | null {
  const { clock, hours } = rules;
  const day = Math.floor(clock.wallOf(instant) / MS_PER_DAY);
  const blackout = rules.blackouts.find(({ first, last }) => first <= day && day <= last);
  if (blackout) return clock.endOfTimesBefore((blackout.last + 1) * MS_PER_DAY);
  if (hours === null) return null;
  const wraps = hours.end < hours.start;
  for (const startDay of wraps ? [day - 1, day] : [day]) {
    if (!rules.days[weekdayIndex(startDay)]) continue;
    const start = clock.firstInstantAtOrAfter(startDay * MS_PER_DAY + hours.start * MS_PER_MINUTE);
    const end = clock.endOfTimesBefore(
      (wraps ? startDay + 1 : startDay) * MS_PER_DAY + hours.end * MS_PER_MINUTE,
    );
    if (start <= instant && instant < end) return end;
  }
  return null;
}

/** Monday 0 … Sunday 6 of a day number; 1970-01-01 was a Thursday. */
function weekdayIndex(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

/**
 * Compiled rules per rules object: devices that share a policy and a zone share one rules object
 * (windowRules), and a timeline asks for the next allowed instant of each device several times. The parts
 * are kept beside the result, so a rules object changed in place is compiled again.
 */
const compiledRules = new WeakMap<WindowRules, { parts: unknown[]; compiled: CompiledRules }>();

function partsOf(rules: WindowRules): unknown[] {
  const { days, start, end } = rules.businessHours;
  return [
    rules.zone,
    rules.businessHours,
    days,
    days.length,
    start,
    end,
    rules.blackouts,
    rules.blackouts.length,
  ];
}

function compile(rules: WindowRules): CompiledRules {
  const parts = partsOf(rules);
  const cached = compiledRules.get(rules);
  if (cached?.parts.every((part, i) => part === parts[i])) return cached.compiled;
  const compiled = compileRules(rules);
  compiledRules.set(rules, { parts, compiled });
  return compiled;
}

function compileRules(rules: WindowRules): CompiledRules {
  const { compiled, problems } = inspect(rules);
  const fatal = problems.filter((problem) => problem.fatal).map((problem) => problem.message);
  if (compiled === null || fatal.length > 0) {
    throw new LocalTimeError(`cannot evaluate update windows: ${fatal.join('; ')}`);
  }
  return compiled;
}

/**
 * Parses the rules and lists their problems. Unusable values (unknown zone, malformed time, date or weekday)
 * are fatal; rules with a plain literal meaning are kept and reported: start == end has no business hours,
 * a blackout whose `to` is before `from` covers no date.
 */
function inspect(rules: WindowRules): { compiled: CompiledRules | null; problems: Problem[] } {
  const problems: Problem[] = [];
  const report = (fatal: boolean, message: string) => problems.push({ fatal, message });

  const clock = knownZone(rules.zone);
  if (clock === null) report(true, `time zone "${rules.zone}" is not a known IANA time zone`);

  const { days, start, end } = rules.businessHours;
  const listed = WEEKDAYS.map((weekday) => days.includes(weekday));
  for (const day of days) {
    if (!WEEKDAYS.includes(day)) report(true, `businessHours.days: "${day}" is not a weekday`);
  }
  const startMinutes = parseClockMinutes(start);
  const endMinutes = parseClockMinutes(end);
  if (startMinutes === null) report(true, `businessHours.start "${start}" is not a time of day (HH:MM)`);
  if (endMinutes === null) report(true, `businessHours.end "${end}" is not a time of day (HH:MM)`);
  if (startMinutes !== null && startMinutes === endMinutes) {
    report(false, `businessHours.start and end are both ${start}, so there are no business hours`);
  }

  const ranges: Array<{ first: number; last: number }> = [];
  rules.blackouts.forEach((blackout, i) => {
    const name = `blackouts[${i}]${blackout.reason ? ` (${blackout.reason})` : ''}`;
    const first = parseLocalDate(blackout.from);
    const last = parseLocalDate(blackout.to);
    if (first === null) report(true, `${name}: from "${blackout.from}" is not a date (YYYY-MM-DD)`);
    if (last === null) report(true, `${name}: to "${blackout.to}" is not a date (YYYY-MM-DD)`);
    if (first === null || last === null) return;
    if (last < first)
      report(false, `${name}: to ${blackout.to} is before from ${blackout.from}, so it blocks no date`);
    else ranges.push({ first, last });
  });

  const compiled =
    clock === null
      ? null
      : {
          clock,
          days: listed,
          hours:
            startMinutes !== null && endMinutes !== null && startMinutes !== endMinutes
              ? { start: startMinutes, end: endMinutes }
              : null,
          blackouts: mergeRanges(ranges),
        };
  return { compiled, problems };
}

function mergeRanges(ranges: Array<{ first: number; last: number }>): Array<{ first: number; last: number }> {
  const merged: Array<{ first: number; last: number }> = [];
  for (const range of [...ranges].sort((a, b) => a.first - b.first)) {
    const previous = merged.at(-1);
    if (previous !== undefined && range.first <= previous.last + 1) {
      previous.last = Math.max(previous.last, range.last);
    } else {
      merged.push({ ...range });
    }
  }
  return merged;
}

function instantMs(instant: Date): number {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new LocalTimeError('invalid instant: the Date does not hold a time');
  return ms;
}
