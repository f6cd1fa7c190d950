/**
 * Wall-clock arithmetic in IANA time zones, correct across daylight-saving changes.
 *
 * A "wall" is a local date and time written as milliseconds as if it were UTC (`Date.UTC` of its fields),
 * so wall times compare and add like numbers. A zone turns each instant into exactly one wall; a wall is
 * reached at no instant (clocks spring forward over it), one, or two (clocks fall back over it).
 */
import { IANAZone } from 'luxon';
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE } from '../shared/instant.js';

/**
 * Offsets remembered per zone (one per UTC hour) before the memo starts over: about seven years, a few MB
 * per zone. Less than the span a fleet's timeline sweeps (releases over a year, phase delays, a horizon)
 * would empty it again and again, and every lookup would ask Intl.
 */
const MEMO_HOURS = 65_536;
/** Zones remembered before the memo starts over. */
const MEMO_ZONES = 1_024;
/** An offset such as `+01:00` or `-0530`, which newer Intl APIs take as a zone: not an IANA name. */
const OFFSET_ZONE = /^[+-]/;

/** A time zone, local time or instant that cannot be used: a validation problem, not worth retrying. */
export class LocalTimeError extends Error {
  override name = 'LocalTimeError';
}

/** True for a time zone name the IANA database knows (`Europe/Berlin`, `UTC`); false for offsets like `+01:00`. */
export function isValidZone(zone: string): boolean {
  return knownZone(zone) !== null;
}

/** One zone's offsets, remembered per UTC hour: asking the Intl API costs about 10 µs a call. */
export class ZoneClock {
  readonly #zone: IANAZone;
  readonly #hourOffsets = new Map<number, number>();

  constructor(name: string) {
    this.#zone = IANAZone.create(name);
  }

  /** Offset from UTC at `instant`, in milliseconds, east positive. */
  offsetMs(instant: number): number {
    const hour = Math.floor(instant / MS_PER_HOUR);
    let offset = this.#hourOffsets.get(hour);
    if (offset === undefined) {
      // No zone changes its offset twice within an hour: equal ends mean one offset for the hour, else NaN.
      const first = this.#exactOffsetMs(hour * MS_PER_HOUR);
      offset = first === this.#exactOffsetMs((hour + 1) * MS_PER_HOUR - 1) ? first : Number.NaN;
      if (this.#hourOffsets.size >= MEMO_HOURS) this.#hourOffsets.clear();
      this.#hourOffsets.set(hour, offset);
    }
    return Number.isNaN(offset) ? this.#exactOffsetMs(instant) : offset;
  }

  /** The local wall time at `instant`. */
  wallOf(instant: number): number {
    return instant + this.offsetMs(instant);
  }

  /**
   * The first instant whose local time is `wall` or later: `wall` itself when it happens once, its first
   * occurrence when clocks fall back over it, the end of the gap when clocks spring forward over it.
   */
  firstInstantAtOrAfter(wall: number): number {
    const { instants, before, after } = this.#occurrences(wall);
    return instants[0] ?? this.#gapEnd(wall, before, after);
  }

  /**
   * The instant when local times earlier than `wall` are over: the end of a stretch `[…, wall)`.
   * When clocks fall back over `wall` that is its second occurrence (the repeated times before it belong
   * to the stretch too), unless `wall` is the very time the clocks were turned back to; in a gap it is the
   * end of the gap.
   */
  endOfTimesBefore(wall: number): number {
    const {
      instants: [first, second],
      before,
      after,
    } = this.#occurrences(wall);
    if (first === undefined) return this.#gapEnd(wall, before, after);
    if (second === undefined) return first;
    return this.wallOf(second - 1) < wall ? second : first;
  }

  /** The instants at which local time reads `wall`, ascending, and the offsets a day either side. */
  #occurrences(wall: number): { instants: number[]; before: number; after: number } {
    const before = this.offsetMs(wall - MS_PER_DAY);
    const after = this.offsetMs(wall + MS_PER_DAY);
    const instants: number[] = [];
    // When both are valid, clocks fell back: before > after, so wall - before comes first.
    for (const offset of new Set([before, after])) {
      if (this.offsetMs(wall - offset) === offset) instants.push(wall - offset);
    }
    return { instants, before, after };
  }

  /** The instant the offset changes from `before` to `after`, for a `wall` that falls in the gap. */
  #gapEnd(wall: number, before: number, after: number): number {
    let old = wall - after; // still on the old offset
    let changed = wall - before; // already on the new one
    while (changed - old > 1) {
      const mid = Math.floor((old + changed) / 2);
      if (this.offsetMs(mid) === before) old = mid;
      else changed = mid;
    }
    return changed;
  }

  #exactOffsetMs(instant: number): number {
    return Math.round(this.#zone.offset(instant) * MS_PER_MINUTE);
  }
}

/** Zone name → its clock, or null for a name that is not a zone (asking Intl costs about 100 µs). */
const zones = new Map<string, ZoneClock | null>();

/** The clock of an IANA zone, or null when the name is unknown. */
export function knownZone(zone: string): ZoneClock | null {
  let clock = zones.get(zone);
  if (clock === undefined) {
    // Node 24's Intl also accepts UTC offsets ("+01:00") as time zones; no IANA name starts with a sign.
    clock = !OFFSET_ZONE.test(zone) && IANAZone.isValidZone(zone) ? new ZoneClock(zone) : null;
    if (zones.size >= MEMO_ZONES) zones.clear();
    zones.set(zone, clock);
  }
  return clock;
}

/** The clock of an IANA zone; throws a LocalTimeError naming the zone when it is unknown. */
export function zoneClock(zone: string): ZoneClock {
  const clock = knownZone(zone);
  if (clock === null) {
    throw new LocalTimeError(`unknown time zone "${zone}": expected an IANA name such as Europe/Berlin`);
  }
  return clock;
}

const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const CLOCK = /^(\d{2}):(\d{2})$/;

/** The wall of 'YYYY-MM-DDTHH:MM[:SS]' (no offset), or null when it is malformed or no real date and time. */
export function parseWallTime(text: string): number | null {
  return wallOfFields(WALL_TIME.exec(text));
}

/** The day number (wall / MS_PER_DAY) of 'YYYY-MM-DD', or null when it is malformed or no real date. */
export function parseLocalDate(text: string): number | null {
  const wall = wallOfFields(DATE.exec(text));
  return wall === null ? null : wall / MS_PER_DAY;
}

/** Minutes after midnight of 'HH:MM' (00:00–23:59), or null. */
export function parseClockMinutes(text: string): number | null {
  const wall = wallOfFields(CLOCK.exec(text), [1970, 1, 1]);
  return wall === null ? null : wall / MS_PER_MINUTE;
}

/** ISO 8601 at seconds precision with the zone's offset at that instant, e.g. 2026-12-05T18:00:00+01:00. */
export function formatWithOffset(instant: number, clock: ZoneClock): string {
  const second = Math.floor(instant / 1000) * 1000;
  const offset = clock.offsetMs(second);
  const minutes = Math.round(Math.abs(offset) / MS_PER_MINUTE);
  const hhmm = `${two(Math.floor(minutes / 60))}:${two(minutes % 60)}`;
  return `${new Date(second + offset).toISOString().slice(0, 19)}${offset < 0 ? '-' : '+'}${hhmm}`;
}

/** A wall from matched date and time fields; null when they do not survive a round trip (2026-02-30, 24:00). */
function wallOfFields(match: RegExpExecArray | null, datePrefix: number[] = []): number | null {
  if (match === null) return null;
  const fields = [...datePrefix, ...match.slice(1).map((field) => Number(field ?? 0))];
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = fields;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(wall);
  const roundTrip = [
    back.getUTCFullYear(),
    back.getUTCMonth() + 1,
    back.getUTCDate(),
    back.getUTCHours(),
    back.getUTCMinutes(),
    back.getUTCSeconds(),
  ];
  return roundTrip.every((value, i) => value === (fields[i] ?? 0)) ? wall : null;
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}
