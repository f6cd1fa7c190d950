import { expect } from 'chai';
import { DateTime } from 'luxon';
import { WEEKDAYS, type Weekday } from '../../../src/api/v1alpha1/updatepolicy.js';
import {
  describeWindowProblems,
  formatLocal,
  isAllowed,
  isValidZone,
  LocalTimeError,
  localWallTimeToInstant,
  NEXT_ALLOWED_HORIZON_DAYS,
  nextAllowedInstant,
  type WindowRules,
} from '../../../src/core/rules/windows.js';

const BERLIN = 'Europe/Berlin';
const NEW_YORK = 'America/New_York';
const SYDNEY = 'Australia/Sydney';
const KOLKATA = 'Asia/Kolkata';
const ZONES = [BERLIN, NEW_YORK, SYDNEY, KOLKATA];
const WORKDAYS: Weekday[] = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'];
const EVERY_DAY: Weekday[] = [...WEEKDAYS];

interface RuleOptions {
  days?: Weekday[];
  start?: string;
  end?: string;
  blackouts?: WindowRules['blackouts'];
}

/** The UpdatePolicy defaults (Monday–Friday 08:00–18:00, no blackouts) with some fields replaced. */
function rules(zone: string, options: RuleOptions = {}): WindowRules {
  return {
    zone,
    businessHours: {
      days: options.days ?? WORKDAYS,
      start: options.start ?? '08:00',
      end: options.end ?? '18:00',
    },
    blackouts: options.blackouts ?? [],
  };
}

const CHRISTMAS = [{ from: '2026-12-24', to: '2026-12-26', reason: 'Holidays' }];

interface NextCase {
  name: string;
  zone: string;
  from: string;
  expected: string | null;
  options?: RuleOptions;
}

function checkNext({ zone, from, expected, options }: NextCase): void {
  const result = nextAllowedInstant(new Date(from), rules(zone, options));
  if (expected === null) {
    expect(result).to.equal(null);
    return;
  }
  expect(result, 'an allowed instant').to.be.instanceOf(Date);
  expect(result?.getTime(), 'instant').to.equal(Date.parse(expected));
  expect(formatLocal(result as Date, zone), 'local time').to.equal(expected);
}

describe('update windows (core/rules/windows)', () => {
  describe('nextAllowedInstant with the default business hours, Monday–Friday 08:00–18:00', () => {
    const cases: NextCase[] = [
      {
        name: 'should move a Tuesday 10:00 Berlin instant to 18:00 Berlin the same day',
        zone: BERLIN,
        from: '2026-12-01T10:00:00+01:00',
        expected: '2026-12-01T18:00:00+01:00',
      },
      {
        name: 'should leave a Saturday instant where it is',
        zone: BERLIN,
        from: '2026-12-05T10:00:00+01:00',
        expected: '2026-12-05T10:00:00+01:00',
      },
      {
        name: 'should leave a Sunday afternoon instant where it is',
        zone: NEW_YORK,
        from: '2026-12-06T15:30:00-05:00',
        expected: '2026-12-06T15:30:00-05:00',
      },
      {
        name: 'should leave a weekday evening instant where it is',
        zone: BERLIN,
        from: '2026-12-02T19:00:00+01:00',
        expected: '2026-12-02T19:00:00+01:00',
      },
      {
        name: 'should leave 07:59 before business hours where it is',
        zone: BERLIN,
        from: '2026-12-01T07:59:00+01:00',
        expected: '2026-12-01T07:59:00+01:00',
      },
      {
        name: 'should count 08:00 as inside business hours (the start is inclusive)',
        zone: BERLIN,
        from: '2026-12-01T08:00:00+01:00',
        expected: '2026-12-01T18:00:00+01:00',
      },
      {
        name: 'should count 18:00 as outside business hours (the end is exclusive)',
        zone: BERLIN,
        from: '2026-12-01T18:00:00+01:00',
        expected: '2026-12-01T18:00:00+01:00',
      },
      {
        name: 'should read a UTC instant by the local time of the device zone (07:30Z is 08:30 in Berlin)',
        zone: BERLIN,
        from: '2026-12-01T07:30:00Z',
        expected: '2026-12-01T18:00:00+01:00',
      },
      {
        name: 'should move a Friday 17:59 Sydney instant to 18:00 the same day, not to Monday',
        zone: SYDNEY,
        from: '2026-12-04T17:59:00+11:00',
        expected: '2026-12-04T18:00:00+11:00',
      },
      // Berlin: CET → CEST on 2026-03-29 and 2027-03-28, back on 2026-10-25 and 2027-10-31.
      {
        name: 'should end business hours at 18:00 CET on the Friday before Berlin springs forward (2026)',
        zone: BERLIN,
        from: '2026-03-27T09:00:00+01:00',
        expected: '2026-03-27T18:00:00+01:00',
      },
      {
        name: 'should end business hours at 18:00 CEST on the Monday after Berlin springs forward (2026)',
        zone: BERLIN,
        from: '2026-03-30T09:00:00+02:00',
        expected: '2026-03-30T18:00:00+02:00',
      },
      {
        name: 'should end business hours at 18:00 CEST on the Friday before Berlin falls back (2026)',
        zone: BERLIN,
        from: '2026-10-23T12:00:00+02:00',
        expected: '2026-10-23T18:00:00+02:00',
      },
      {
        name: 'should end business hours at 18:00 CET on the Monday after Berlin falls back (2026)',
        zone: BERLIN,
        from: '2026-10-26T12:00:00+01:00',
        expected: '2026-10-26T18:00:00+01:00',
      },
      {
        name: 'should end business hours at 18:00 CET on the Friday before Berlin springs forward (2027)',
        zone: BERLIN,
        from: '2027-03-26T12:00:00+01:00',
        expected: '2027-03-26T18:00:00+01:00',
      },
      {
        name: 'should end business hours at 18:00 CEST on the Monday after Berlin springs forward (2027)',
        zone: BERLIN,
        from: '2027-03-29T12:00:00+02:00',
        expected: '2027-03-29T18:00:00+02:00',
      },
      {
        name: 'should end business hours at 18:00 CEST on the Friday before Berlin falls back (2027)',
        zone: BERLIN,
        from: '2027-10-29T12:00:00+02:00',
        expected: '2027-10-29T18:00:00+02:00',
      },
      {
        name: 'should end business hours at 18:00 CET on the Monday after Berlin falls back (2027)',
        zone: BERLIN,
        from: '2027-11-01T12:00:00+01:00',
        expected: '2027-11-01T18:00:00+01:00',
      },
      // New York: EST → EDT on 2026-03-08 and 2027-03-14, back on 2026-11-01 and 2027-11-07.
      {
        name: 'should end business hours at 18:00 EST on the Friday before New York springs forward (2026)',
        zone: NEW_YORK,
        from: '2026-03-06T12:00:00-05:00',
        expected: '2026-03-06T18:00:00-05:00',
      },
      {
        name: 'should end business hours at 18:00 EDT on the Monday after New York springs forward (2026)',
        zone: NEW_YORK,
        from: '2026-03-09T12:00:00-04:00',
        expected: '2026-03-09T18:00:00-04:00',
      },
      {
        name: 'should end business hours at 18:00 EDT on the Friday before New York falls back (2026)',
        zone: NEW_YORK,
        from: '2026-10-30T12:00:00-04:00',
        expected: '2026-10-30T18:00:00-04:00',
      },
      {
        name: 'should end business hours at 18:00 EST on the Monday after New York falls back (2026)',
        zone: NEW_YORK,
        from: '2026-11-02T09:00:00-05:00',
        expected: '2026-11-02T18:00:00-05:00',
      },
      {
        name: 'should end business hours at 18:00 EST on the Friday before New York springs forward (2027)',
        zone: NEW_YORK,
        from: '2027-03-12T12:00:00-05:00',
        expected: '2027-03-12T18:00:00-05:00',
      },
      {
        name: 'should end business hours at 18:00 EDT on the Monday after New York springs forward (2027)',
        zone: NEW_YORK,
        from: '2027-03-15T12:00:00-04:00',
        expected: '2027-03-15T18:00:00-04:00',
      },
      {
        name: 'should end business hours at 18:00 EDT on the Friday before New York falls back (2027)',
        zone: NEW_YORK,
        from: '2027-11-05T12:00:00-04:00',
        expected: '2027-11-05T18:00:00-04:00',
      },
      {
        name: 'should end business hours at 18:00 EST on the Monday after New York falls back (2027)',
        zone: NEW_YORK,
        from: '2027-11-08T12:00:00-05:00',
        expected: '2027-11-08T18:00:00-05:00',
      },
      // Sydney (southern hemisphere): AEDT → AEST on 2026-04-05 and 2027-04-04, back on 2026-10-04 and 2027-10-03.
      {
        name: 'should end business hours at 18:00 AEDT on the Friday before Sydney leaves daylight saving (2026)',
        zone: SYDNEY,
        from: '2026-04-03T12:00:00+11:00',
        expected: '2026-04-03T18:00:00+11:00',
      },
      {
        name: 'should end business hours at 18:00 AEST on the Monday after Sydney leaves daylight saving (2026)',
        zone: SYDNEY,
        from: '2026-04-06T12:00:00+10:00',
        expected: '2026-04-06T18:00:00+10:00',
      },
      {
        name: 'should end business hours at 18:00 AEST on the Friday before Sydney starts daylight saving (2026)',
        zone: SYDNEY,
        from: '2026-10-02T12:00:00+10:00',
        expected: '2026-10-02T18:00:00+10:00',
      },
      {
        name: 'should end business hours at 18:00 AEDT on the Monday after Sydney starts daylight saving (2026)',
        zone: SYDNEY,
        from: '2026-10-05T12:00:00+11:00',
        expected: '2026-10-05T18:00:00+11:00',
      },
      {
        name: 'should end business hours at 18:00 AEDT on the Friday before Sydney leaves daylight saving (2027)',
        zone: SYDNEY,
        from: '2027-04-02T12:00:00+11:00',
        expected: '2027-04-02T18:00:00+11:00',
      },
      {
        name: 'should end business hours at 18:00 AEST on the Monday after Sydney leaves daylight saving (2027)',
        zone: SYDNEY,
        from: '2027-04-05T12:00:00+10:00',
        expected: '2027-04-05T18:00:00+10:00',
      },
      {
        name: 'should end business hours at 18:00 AEST on the Friday before Sydney starts daylight saving (2027)',
        zone: SYDNEY,
        from: '2027-10-01T12:00:00+10:00',
        expected: '2027-10-01T18:00:00+10:00',
      },
      {
        name: 'should end business hours at 18:00 AEDT on the Monday after Sydney starts daylight saving (2027)',
        zone: SYDNEY,
        from: '2027-10-04T12:00:00+11:00',
        expected: '2027-10-04T18:00:00+11:00',
      },
      // Kolkata: UTC+05:30 all year.
      {
        name: "should treat Asia/Kolkata's half-hour offset",
        zone: KOLKATA,
        from: '2026-06-10T12:00:00+05:30',
        expected: '2026-06-10T18:00:00+05:30',
      },
      {
        name: 'should leave 02:29Z where it is in Kolkata (07:59 local)',
        zone: KOLKATA,
        from: '2026-06-10T02:29:00Z',
        expected: '2026-06-10T07:59:00+05:30',
      },
      {
        name: 'should move 02:30Z in Kolkata (08:00 local) to 18:00 local',
        zone: KOLKATA,
        from: '2026-06-10T02:30:00Z',
        expected: '2026-06-10T18:00:00+05:30',
      },
      {
        name: 'should keep Kolkata at +05:30 in the week Berlin springs forward',
        zone: KOLKATA,
        from: '2026-03-27T12:00:00+05:30',
        expected: '2026-03-27T18:00:00+05:30',
      },
      {
        name: 'should keep Kolkata at +05:30 in the week New York falls back',
        zone: KOLKATA,
        from: '2026-11-02T12:00:00+05:30',
        expected: '2026-11-02T18:00:00+05:30',
      },
    ];
    for (const testCase of cases) it(testCase.name, () => checkNext(testCase));
  });

  describe('nextAllowedInstant on the day the clocks change (business hours every day)', () => {
    const everyDay = { days: EVERY_DAY };
    const cases: NextCase[] = [
      {
        name: 'should end business hours at 18:00 local on the day New York falls back',
        zone: NEW_YORK,
        from: '2026-11-01T10:00:00-05:00',
        expected: '2026-11-01T18:00:00-05:00',
        options: everyDay,
      },
      {
        name: 'should leave the repeated 01:30 where it is on the day New York falls back (before 08:00)',
        zone: NEW_YORK,
        from: '2026-11-01T01:30:00-05:00',
        expected: '2026-11-01T01:30:00-05:00',
        options: everyDay,
      },
      {
        name: 'should end business hours at 18:00 local on the day New York springs forward',
        zone: NEW_YORK,
        from: '2026-03-08T10:00:00-04:00',
        expected: '2026-03-08T18:00:00-04:00',
        options: everyDay,
      },
      {
        name: 'should end business hours at 18:00 local on the day Berlin springs forward',
        zone: BERLIN,
        from: '2026-03-29T10:00:00+02:00',
        expected: '2026-03-29T18:00:00+02:00',
        options: everyDay,
      },
      {
        name: 'should end business hours at 18:00 local on the day Berlin falls back',
        zone: BERLIN,
        from: '2026-10-25T10:00:00+01:00',
        expected: '2026-10-25T18:00:00+01:00',
        options: everyDay,
      },
      {
        name: 'should end business hours at 18:00 local on the day Sydney leaves daylight saving',
        zone: SYDNEY,
        from: '2026-04-05T10:00:00+10:00',
        expected: '2026-04-05T18:00:00+10:00',
        options: everyDay,
      },
      {
        name: 'should end business hours at 18:00 local on the day Sydney starts daylight saving',
        zone: SYDNEY,
        from: '2026-10-04T10:00:00+11:00',
        expected: '2026-10-04T18:00:00+11:00',
        options: everyDay,
      },
    ];
    for (const testCase of cases) it(testCase.name, () => checkNext(testCase));
  });

  describe('nextAllowedInstant with hours that wrap past midnight', () => {
    const nights = { start: '22:00', end: '06:00' };
    const cases: NextCase[] = [
      {
        name: 'should honour a window that wraps midnight (22:00–06:00)',
        zone: BERLIN,
        from: '2026-12-01T23:00:00+01:00',
        expected: '2026-12-02T06:00:00+01:00',
        options: nights,
      },
      {
        name: "should keep Tuesday night's window closed at 03:00 on Wednesday",
        zone: BERLIN,
        from: '2026-12-02T03:00:00+01:00',
        expected: '2026-12-02T06:00:00+01:00',
        options: nights,
      },
      {
        name: "should carry Friday night's window into Saturday morning",
        zone: BERLIN,
        from: '2026-12-05T03:00:00+01:00',
        expected: '2026-12-05T06:00:00+01:00',
        options: nights,
      },
      {
        name: 'should leave 03:00 on Monday where it is, because Sunday has no window',
        zone: BERLIN,
        from: '2026-12-07T03:00:00+01:00',
        expected: '2026-12-07T03:00:00+01:00',
        options: nights,
      },
      {
        name: 'should leave Tuesday noon where it is, between two night windows',
        zone: BERLIN,
        from: '2026-12-01T12:00:00+01:00',
        expected: '2026-12-01T12:00:00+01:00',
        options: nights,
      },
      {
        name: 'should end a window of 20:00–00:00 at the next local midnight',
        zone: KOLKATA,
        from: '2026-12-01T21:00:00+05:30',
        expected: '2026-12-02T00:00:00+05:30',
        options: { start: '20:00', end: '00:00' },
      },
      {
        name: 'should end a Saturday-night window at 06:00 CEST when Berlin springs forward that night',
        zone: BERLIN,
        from: '2026-03-28T23:00:00+01:00',
        expected: '2026-03-29T06:00:00+02:00',
        options: { ...nights, days: ['Saturday'] },
      },
      {
        name: 'should end a Saturday-night window at 06:00 EST when New York falls back that night',
        zone: NEW_YORK,
        from: '2026-10-31T23:00:00-04:00',
        expected: '2026-11-01T06:00:00-05:00',
        options: { ...nights, days: ['Saturday'] },
      },
      {
        name: 'should end a Saturday-night window at 06:00 AEST when Sydney leaves daylight saving that night',
        zone: SYDNEY,
        from: '2026-04-04T23:00:00+11:00',
        expected: '2026-04-05T06:00:00+10:00',
        options: { ...nights, days: ['Saturday'] },
      },
    ];
    for (const testCase of cases) it(testCase.name, () => checkNext(testCase));
  });

  describe('nextAllowedInstant with window edges at wall times that are skipped or repeated', () => {
    const cases: NextCase[] = [
      {
        name: 'should close a window ending at 01:30 at the second 01:30 when New York falls back',
        zone: NEW_YORK,
        from: '2026-11-01T01:45:00-04:00',
        expected: '2026-11-01T01:30:00-05:00',
        options: { days: ['Saturday'], start: '22:00', end: '01:30' },
      },
      {
        name: 'should keep a window ending at 01:30 closed during the repeated 01:10 in New York',
        zone: NEW_YORK,
        from: '2026-11-01T01:10:00-05:00',
        expected: '2026-11-01T01:30:00-05:00',
        options: { days: ['Saturday'], start: '22:00', end: '01:30' },
      },
      {
        name: 'should close a window ending at 01:00 at the first 01:00 when New York falls back',
        zone: NEW_YORK,
        from: '2026-11-01T00:30:00-04:00',
        expected: '2026-11-01T01:00:00-04:00',
        options: { days: ['Saturday'], start: '22:00', end: '01:00' },
      },
      {
        name: 'should leave the repeated 01:00 EST open after a window ending at 01:00 in New York',
        zone: NEW_YORK,
        from: '2026-11-01T01:00:00-05:00',
        expected: '2026-11-01T01:00:00-05:00',
        options: { days: ['Saturday'], start: '22:00', end: '01:00' },
      },
      {
        name: 'should close a window ending at 02:30 at the second 02:30 when Berlin falls back',
        zone: BERLIN,
        from: '2026-10-25T02:45:00+02:00',
        expected: '2026-10-25T02:30:00+01:00',
        options: { days: ['Saturday'], start: '22:00', end: '02:30' },
      },
      {
        name: 'should close a window ending at 02:30 at the second 02:30 when Sydney leaves daylight saving',
        zone: SYDNEY,
        from: '2026-04-05T02:40:00+11:00',
        expected: '2026-04-05T02:30:00+10:00',
        options: { days: ['Saturday'], start: '22:00', end: '02:30' },
      },
      {
        name: 'should close a window ending at 01:45 at the second 01:45 when Lord Howe Island turns back half an hour',
        zone: 'Australia/Lord_Howe',
        from: '2026-04-05T01:50:00+11:00',
        expected: '2026-04-05T01:45:00+10:30',
        options: { days: ['Saturday'], start: '22:00', end: '01:45' },
      },
      {
        name: 'should open a window starting at 01:30 at the first 01:30 when New York falls back',
        zone: NEW_YORK,
        from: '2026-11-01T01:29:00-04:00',
        expected: '2026-11-01T01:29:00-04:00',
        options: { days: ['Sunday'], start: '01:30', end: '05:00' },
      },
      {
        name: 'should keep a window from 01:30 closed from the first 01:30 to 05:00 EST in New York',
        zone: NEW_YORK,
        from: '2026-11-01T01:30:00-04:00',
        expected: '2026-11-01T05:00:00-05:00',
        options: { days: ['Sunday'], start: '01:30', end: '05:00' },
      },
      {
        name: 'should keep a window from 01:30 closed during the repeated 01:10 in New York',
        zone: NEW_YORK,
        from: '2026-11-01T01:10:00-05:00',
        expected: '2026-11-01T05:00:00-05:00',
        options: { days: ['Sunday'], start: '01:30', end: '05:00' },
      },
      {
        name: 'should end a window whose end (02:30) is skipped when New York springs forward at 03:00 EDT',
        zone: NEW_YORK,
        from: '2026-03-08T01:00:00-05:00',
        expected: '2026-03-08T03:00:00-04:00',
        options: { days: ['Saturday'], start: '22:00', end: '02:30' },
      },
      {
        name: 'should end a window whose end (02:30) is skipped when Sydney starts daylight saving at 03:00 AEDT',
        zone: SYDNEY,
        from: '2026-10-04T01:00:00+10:00',
        expected: '2026-10-04T03:00:00+11:00',
        options: { days: ['Saturday'], start: '22:00', end: '02:30' },
      },
      {
        name: 'should leave 01:59 EST open before a window whose start (02:30) is skipped in New York',
        zone: NEW_YORK,
        from: '2026-03-08T01:59:00-05:00',
        expected: '2026-03-08T01:59:00-05:00',
        options: { days: ['Sunday'], start: '02:30', end: '05:00' },
      },
      {
        name: 'should open a window whose start (02:30) is skipped at 03:00 EDT in New York',
        zone: NEW_YORK,
        from: '2026-03-08T03:00:00-04:00',
        expected: '2026-03-08T05:00:00-04:00',
        options: { days: ['Sunday'], start: '02:30', end: '05:00' },
      },
      {
        name: 'should open no window at all when all of it (02:00–02:45) is skipped as Berlin springs forward',
        zone: BERLIN,
        from: '2026-03-29T03:00:00+02:00',
        expected: '2026-03-29T03:00:00+02:00',
        options: { days: ['Sunday'], start: '02:00', end: '02:45' },
      },
    ];
    for (const testCase of cases) it(testCase.name, () => checkNext(testCase));
  });

  describe('nextAllowedInstant with blackouts', () => {
    const cases: NextCase[] = [
      {
        name: 'should skip a blackout from 2026-12-24 to 2026-12-26 in Sydney',
        zone: SYDNEY,
        from: '2026-12-24T03:00:00+11:00',
        expected: '2026-12-27T00:00:00+11:00',
        options: { blackouts: CHRISTMAS },
      },
      {
        name: 'should skip a blackout from 2026-12-24 to 2026-12-26 in Kolkata, ending at local midnight',
        zone: KOLKATA,
        from: '2026-12-25T12:00:00+05:30',
        expected: '2026-12-27T00:00:00+05:30',
        options: { blackouts: CHRISTMAS },
      },
      {
        name: 'should still allow 23 December after 18:00 in Berlin before the Christmas blackout',
        zone: BERLIN,
        from: '2026-12-23T17:00:00+01:00',
        expected: '2026-12-23T18:00:00+01:00',
        options: { blackouts: CHRISTMAS },
      },
      {
        name: 'should read the blackout dates in Berlin: 23:30Z on 23 December is already the 24th there',
        zone: BERLIN,
        from: '2026-12-23T23:30:00Z',
        expected: '2026-12-27T00:00:00+01:00',
        options: { blackouts: CHRISTMAS },
      },
      {
        name: 'should read the blackout dates in New York: 23:30Z on 23 December is still the 23rd there',
        zone: NEW_YORK,
        from: '2026-12-23T23:30:00Z',
        expected: '2026-12-23T18:30:00-05:00',
        options: { blackouts: CHRISTMAS },
      },
      {
        name: 'should run through adjacent blackouts given out of order in one jump',
        zone: BERLIN,
        from: '2026-12-25T12:00:00+01:00',
        expected: '2027-01-02T00:00:00+01:00',
        options: { blackouts: [{ from: '2026-12-27', to: '2027-01-01' }, ...CHRISTMAS] },
      },
      {
        name: 'should end overlapping blackouts at the end of the longest one',
        zone: BERLIN,
        from: '2026-12-25T12:00:00+01:00',
        expected: '2027-01-01T00:00:00+01:00',
        options: { blackouts: [{ from: '2026-12-20', to: '2026-12-31' }, ...CHRISTMAS] },
      },
      {
        name: 'should wait for the end of a night window that is open when a blackout ends',
        zone: BERLIN,
        from: '2026-12-24T12:00:00+01:00',
        expected: '2026-12-29T06:00:00+01:00',
        options: { start: '22:00', end: '06:00', blackouts: [{ from: '2026-12-24', to: '2026-12-28' }] },
      },
      {
        name: 'should end a blackout at midnight EST when New York falls back during it',
        zone: NEW_YORK,
        from: '2026-10-31T09:00:00-04:00',
        expected: '2026-11-02T00:00:00-05:00',
        options: { blackouts: [{ from: '2026-10-31', to: '2026-11-01' }] },
      },
      {
        name: 'should end a blackout at midnight CEST when Berlin springs forward during it',
        zone: BERLIN,
        from: '2026-03-28T12:00:00+01:00',
        expected: '2026-03-30T00:00:00+02:00',
        options: { blackouts: [{ from: '2026-03-28', to: '2026-03-29' }] },
      },
      {
        name: 'should ignore a blackout whose to is before its from',
        zone: BERLIN,
        from: '2026-12-25T20:00:00+01:00',
        expected: '2026-12-25T20:00:00+01:00',
        options: { blackouts: [{ from: '2026-12-26', to: '2026-12-24' }] },
      },
      {
        name: 'should find the end of a blackout that ends within three years',
        zone: BERLIN,
        from: '2026-06-01T12:00:00+02:00',
        expected: '2029-06-01T00:00:00+02:00',
        options: { blackouts: [{ from: '2026-01-01', to: '2029-05-31' }] },
      },
      {
        name: 'should answer null when a blackout outlasts the three-year horizon',
        zone: BERLIN,
        from: '2026-06-01T12:00:00+02:00',
        expected: null,
        options: { blackouts: [{ from: '2026-01-01', to: '2029-06-30' }] },
      },
      {
        name: 'should answer null when business hours fill every day to 23:59 and blackouts cover the horizon',
        zone: SYDNEY,
        from: '2026-06-01T12:00:00+10:00',
        expected: null,
        options: {
          days: EVERY_DAY,
          start: '00:00',
          end: '23:59',
          blackouts: [
            { from: '2026-06-01', to: '2027-12-31' },
            { from: '2028-01-01', to: '2030-12-31' },
          ],
        },
      },
      {
        name: 'should find the one free minute, 23:59, of business hours 00:00–23:59 every day',
        zone: BERLIN,
        from: '2026-12-02T12:00:00+01:00',
        expected: '2026-12-02T23:59:00+01:00',
        options: { days: EVERY_DAY, start: '00:00', end: '23:59' },
      },
      {
        name: 'should find the one free minute, 00:00, of business hours 00:01–00:00 every day',
        zone: KOLKATA,
        from: '2026-12-02T12:00:00+05:30',
        expected: '2026-12-03T00:00:00+05:30',
        options: { days: EVERY_DAY, start: '00:01', end: '00:00' },
      },
    ];
    for (const testCase of cases) it(testCase.name, () => checkNext(testCase));

    it('should look ahead NEXT_ALLOWED_HORIZON_DAYS, at least three years', () => {
      expect(NEXT_ALLOWED_HORIZON_DAYS).to.be.at.least(3 * 365 + 1);
    });
  });

  describe('isAllowed', () => {
    const cases: Array<{ name: string; zone: string; at: string; allowed: boolean; options?: RuleOptions }> =
      [
        {
          name: 'should refuse Tuesday 10:00 in Berlin',
          zone: BERLIN,
          at: '2026-12-01T10:00:00+01:00',
          allowed: false,
        },
        {
          name: 'should allow Saturday 10:00 in Berlin',
          zone: BERLIN,
          at: '2026-12-05T10:00:00+01:00',
          allowed: true,
        },
        {
          name: 'should allow 07:59:59.999 in Kolkata',
          zone: KOLKATA,
          at: '2026-06-10T07:59:59.999+05:30',
          allowed: true,
        },
        {
          name: 'should refuse 08:00 in Kolkata',
          zone: KOLKATA,
          at: '2026-06-10T08:00:00+05:30',
          allowed: false,
        },
        {
          name: 'should refuse 24 December 10:00 in Sydney, inside a blackout',
          zone: SYDNEY,
          at: '2026-12-24T10:00:00+11:00',
          allowed: false,
          options: { blackouts: CHRISTMAS },
        },
        {
          name: 'should allow the same instant in New York, where it is still 23 December 18:00',
          zone: NEW_YORK,
          at: '2026-12-24T10:00:00+11:00',
          allowed: true,
          options: { blackouts: CHRISTMAS },
        },
        {
          name: 'should allow the evening before the blackout in New York',
          zone: NEW_YORK,
          at: '2026-12-23T20:00:00-05:00',
          allowed: true,
          options: { blackouts: CHRISTMAS },
        },
        {
          name: 'should allow any time when start equals end (no business hours)',
          zone: BERLIN,
          at: '2026-12-01T10:00:00+01:00',
          allowed: true,
          options: { start: '08:00', end: '08:00' },
        },
        {
          name: 'should allow a weekday with no days listed',
          zone: BERLIN,
          at: '2026-12-01T10:00:00+01:00',
          allowed: true,
          options: { days: [] },
        },
      ];
    for (const { name, zone, at, allowed, options } of cases) {
      it(name, () => expect(isAllowed(new Date(at), rules(zone, options))).to.equal(allowed));
    }
  });

  describe('agreement with the local clock read by luxon', () => {
    it('should agree with luxon every 97 minutes through 2026 and 2027 in New York, Berlin, Sydney and Kolkata', () => {
      const step = 97 * 60_000;
      for (const zone of ZONES) {
        const windowRules = rules(zone);
        for (let t = Date.parse('2026-01-01T00:00:00Z'); t < Date.parse('2028-01-01T00:00:00Z'); t += step) {
          const local = DateTime.fromMillis(t, { zone });
          const inHours = local.weekday <= 5 && local.hour >= 8 && local.hour < 18;
          const next = nextAllowedInstant(new Date(t), windowRules);
          const expected = inHours
            ? local.set({ hour: 18, minute: 0, second: 0, millisecond: 0 }).toMillis()
            : t;
          if (isAllowed(new Date(t), windowRules) === inHours || next?.getTime() !== expected) {
            expect.fail(
              `${zone} ${local.toISO()}: in business hours ${inHours}, next ${next?.toISOString()}`,
            );
          }
        }
      }
    });
  });

  describe('localWallTimeToInstant', () => {
    const cases: Array<{ name: string; local: string; zone: string; expected: string }> = [
      {
        name: 'should turn 2026-12-05T22:00:00 in Berlin into 21:00Z',
        local: '2026-12-05T22:00:00',
        zone: BERLIN,
        expected: '2026-12-05T21:00:00.000Z',
      },
      {
        name: 'should accept a time without seconds',
        local: '2026-12-05T22:00',
        zone: BERLIN,
        expected: '2026-12-05T21:00:00.000Z',
      },
      {
        name: 'should keep the seconds of a summer time in New York',
        local: '2026-07-01T09:30:15',
        zone: NEW_YORK,
        expected: '2026-07-01T13:30:15.000Z',
      },
      {
        name: 'should use +05:30 in Kolkata',
        local: '2026-12-05T22:00',
        zone: KOLKATA,
        expected: '2026-12-05T16:30:00.000Z',
      },
      {
        name: 'should use +11:00 in a Sydney summer',
        local: '2026-12-05T22:00',
        zone: SYDNEY,
        expected: '2026-12-05T11:00:00.000Z',
      },
      {
        name: 'should keep 01:59:59 just before the Berlin gap',
        local: '2026-03-29T01:59:59',
        zone: BERLIN,
        expected: '2026-03-29T00:59:59.000Z',
      },
      {
        name: 'should move 02:30, skipped when Berlin springs forward, to 03:00 CEST',
        local: '2026-03-29T02:30',
        zone: BERLIN,
        expected: '2026-03-29T01:00:00.000Z',
      },
      {
        name: 'should move 02:15, skipped when New York springs forward, to 03:00 EDT (2026)',
        local: '2026-03-08T02:15',
        zone: NEW_YORK,
        expected: '2026-03-08T07:00:00.000Z',
      },
      {
        name: 'should move 02:30, skipped when New York springs forward, to 03:00 EDT (2027)',
        local: '2027-03-14T02:30',
        zone: NEW_YORK,
        expected: '2027-03-14T07:00:00.000Z',
      },
      {
        name: 'should move 02:30, skipped when Sydney starts daylight saving, to 03:00 AEDT',
        local: '2026-10-04T02:30',
        zone: SYDNEY,
        expected: '2026-10-03T16:00:00.000Z',
      },
      {
        name: 'should take the first 02:30 (CEST) when Berlin falls back',
        local: '2026-10-25T02:30',
        zone: BERLIN,
        expected: '2026-10-25T00:30:00.000Z',
      },
      {
        name: 'should take the first 01:30 (EDT) when New York falls back (2026)',
        local: '2026-11-01T01:30',
        zone: NEW_YORK,
        expected: '2026-11-01T05:30:00.000Z',
      },
      {
        name: 'should take the first 01:30 (EDT) when New York falls back (2027)',
        local: '2027-11-07T01:30',
        zone: NEW_YORK,
        expected: '2027-11-07T05:30:00.000Z',
      },
      {
        name: 'should take the first 02:30 (AEDT) when Sydney leaves daylight saving',
        local: '2026-04-05T02:30',
        zone: SYDNEY,
        expected: '2026-04-04T15:30:00.000Z',
      },
      {
        name: 'should move 02:30, skipped when St. John’s (UTC−03:30) springs forward at 05:30Z, to 03:00 NDT',
        local: '2026-03-08T02:30',
        zone: 'America/St_Johns',
        expected: '2026-03-08T05:30:00.000Z',
      },
      {
        name: 'should move 02:15, skipped when Lord Howe Island springs forward half an hour, to 02:30',
        local: '2026-10-04T02:15',
        zone: 'Australia/Lord_Howe',
        expected: '2026-10-03T15:30:00.000Z',
      },
      {
        name: 'should take the first 01:45 (+11:00) when Lord Howe Island turns back half an hour',
        local: '2026-04-05T01:45',
        zone: 'Australia/Lord_Howe',
        expected: '2026-04-04T14:45:00.000Z',
      },
    ];
    for (const { name, local, zone, expected } of cases) {
      it(name, () => expect(localWallTimeToInstant(local, zone).toISOString()).to.equal(expected));
    }

    const badTimes = [
      '2026-12-05 22:00',
      '2026-12-05T22:00:00Z',
      '2026-12-05T22:00+01:00',
      '2026-12-05T22:00:00.000',
      '2026-02-30T10:00',
      '2026-12-05T24:00',
      '2026-12-05T22:60',
      'tomorrow at ten',
      '',
    ];
    for (const local of badTimes) {
      it(`should refuse ${JSON.stringify(local)} with a LocalTimeError naming it`, () => {
        expect(() => localWallTimeToInstant(local, BERLIN))
          .to.throw(LocalTimeError, `local time "${local}"`)
          .with.property('name', 'LocalTimeError');
      });
    }

    for (const zone of ['Mars/Olympus', '+01:00', '']) {
      it(`should refuse the zone ${JSON.stringify(zone)} with a LocalTimeError naming it`, () => {
        expect(() => localWallTimeToInstant('2026-12-05T22:00', zone)).to.throw(
          LocalTimeError,
          `unknown time zone "${zone}"`,
        );
      });
    }
  });

  describe('formatLocal', () => {
    const instant = '2026-12-05T17:00:00Z';
    const cases: Array<{ zone: string; at?: string; expected: string }> = [
      { zone: BERLIN, expected: '2026-12-05T18:00:00+01:00' },
      { zone: BERLIN, at: '2026-07-05T17:00:00Z', expected: '2026-07-05T19:00:00+02:00' },
      { zone: NEW_YORK, expected: '2026-12-05T12:00:00-05:00' },
      { zone: KOLKATA, expected: '2026-12-05T22:30:00+05:30' },
      { zone: SYDNEY, expected: '2026-12-06T04:00:00+11:00' },
      { zone: 'America/St_Johns', expected: '2026-12-05T13:30:00-03:30' },
      { zone: 'UTC', expected: '2026-12-05T17:00:00+00:00' },
    ];
    for (const { zone, at = instant, expected } of cases) {
      it(`should write ${at} in ${zone} as ${expected}`, () => {
        expect(formatLocal(new Date(at), zone)).to.equal(expected);
        expect(Date.parse(expected)).to.equal(Date.parse(at));
      });
    }

    it('should drop milliseconds rather than round them up', () => {
      expect(formatLocal(new Date('2026-12-05T16:59:59.999Z'), BERLIN)).to.equal('2026-12-05T17:59:59+01:00');
    });

    it('should refuse an unknown zone and an invalid Date', () => {
      expect(() => formatLocal(new Date(instant), 'Mars/Olympus')).to.throw(LocalTimeError, 'Mars/Olympus');
      expect(() => formatLocal(new Date('not a date'), BERLIN)).to.throw(LocalTimeError, 'invalid instant');
    });
  });

  describe('isValidZone', () => {
    const cases: Array<[string, boolean]> = [
      [BERLIN, true],
      [NEW_YORK, true],
      [SYDNEY, true],
      [KOLKATA, true],
      ['UTC', true],
      ['Mars/Olympus', false],
      ['Europe/Berln', false],
      ['+01:00', false],
      ['', false],
    ];
    for (const [zone, valid] of cases) {
      it(`should answer ${valid} for ${JSON.stringify(zone)}`, () =>
        expect(isValidZone(zone)).to.equal(valid));
    }
  });

  describe('invalid rules and instants', () => {
    it('should throw a LocalTimeError for an unknown zone instead of guessing one', () => {
      const bad = rules('Mars/Olympus');
      const at = new Date('2026-12-05T10:00:00Z');
      expect(() => isAllowed(at, bad)).to.throw(LocalTimeError, 'time zone "Mars/Olympus" is not a known');
      expect(() => nextAllowedInstant(at, bad)).to.throw(LocalTimeError, 'Mars/Olympus');
    });

    it('should throw a LocalTimeError listing every malformed time, date and weekday', () => {
      const bad: WindowRules = {
        zone: BERLIN,
        businessHours: { days: ['Funday' as Weekday], start: '8:00', end: '18:60' },
        blackouts: [{ from: '2026-02-30', to: 'soon' }],
      };
      expect(() => isAllowed(new Date('2026-12-05T10:00:00Z'), bad))
        .to.throw(LocalTimeError)
        .that.has.property('message')
        .that.satisfies((message: string) =>
          ['Funday', '"8:00"', '"18:60"', '"2026-02-30"', '"soon"'].every((part) => message.includes(part)),
        );
    });

    it('should throw a LocalTimeError for an invalid Date', () => {
      expect(() => isAllowed(new Date(Number.NaN), rules(BERLIN))).to.throw(
        LocalTimeError,
        'invalid instant',
      );
      expect(() => nextAllowedInstant(new Date(Number.NaN), rules(BERLIN))).to.throw(LocalTimeError);
    });

    it('should still know every zone after more than a thousand unknown names were looked up', () => {
      for (let i = 0; i < 1_100; i++) expect(isValidZone(`Nowhere/Town${i}`)).to.equal(false);
      expect(isValidZone(BERLIN)).to.equal(true);
      expect(formatLocal(new Date('2026-12-05T17:00:00Z'), BERLIN)).to.equal('2026-12-05T18:00:00+01:00');
    });

    it('should return a new Date and leave the one passed in unchanged', () => {
      const from = new Date('2026-12-01T10:00:00+01:00');
      const saturday = new Date('2026-12-05T10:00:00+01:00');
      const moved = nextAllowedInstant(from, rules(BERLIN));
      const kept = nextAllowedInstant(saturday, rules(BERLIN));
      expect(from.toISOString()).to.equal('2026-12-01T09:00:00.000Z');
      expect(kept).to.not.equal(saturday);
      expect(kept?.getTime()).to.equal(saturday.getTime());
      expect(moved?.toISOString()).to.equal('2026-12-01T17:00:00.000Z');
    });
  });

  describe('describeWindowProblems', () => {
    const cases: Array<{ name: string; rules: WindowRules; expected: string[] }> = [
      { name: 'should find nothing wrong with the defaults', rules: rules(BERLIN), expected: [] },
      {
        name: 'should name an unknown zone',
        rules: rules('Mars/Olympus'),
        expected: ['time zone "Mars/Olympus" is not a known IANA time zone'],
      },
      {
        name: 'should say that start == end leaves no business hours',
        rules: rules(BERLIN, { start: '08:00', end: '08:00' }),
        expected: ['businessHours.start and end are both 08:00, so there are no business hours'],
      },
      {
        name: 'should name a blackout whose to is before its from, with its reason',
        rules: rules(BERLIN, { blackouts: [{ from: '2026-12-26', to: '2026-12-24', reason: 'Holidays' }] }),
        expected: ['blackouts[0] (Holidays): to 2026-12-24 is before from 2026-12-26, so it blocks no date'],
      },
      {
        name: 'should name each malformed value with where it is',
        rules: {
          zone: 'Europe/Berln',
          businessHours: { days: ['Monday', 'Funday' as Weekday], start: '8:00', end: '24:00' },
          blackouts: [...CHRISTMAS, { from: '2026-02-30', to: '2026-13-01' }],
        },
        expected: [
          'time zone "Europe/Berln" is not a known IANA time zone',
          'businessHours.days: "Funday" is not a weekday',
          'businessHours.start "8:00" is not a time of day (HH:MM)',
          'businessHours.end "24:00" is not a time of day (HH:MM)',
          'blackouts[1]: from "2026-02-30" is not a date (YYYY-MM-DD)',
          'blackouts[1]: to "2026-13-01" is not a date (YYYY-MM-DD)',
        ],
      },
    ];
    for (const testCase of cases) {
      it(testCase.name, () =>
        expect(describeWindowProblems(testCase.rules)).to.deep.equal(testCase.expected),
      );
    }
  });

  describe('many devices', () => {
    it('should find an allowed instant for each of 10,000 devices spread over two weeks in four zones', () => {
      const base = Date.parse('2026-12-14T00:00:00Z');
      for (let device = 0; device < 10_000; device++) {
        const zone = ZONES[device % ZONES.length] as string;
        const from = new Date(base + ((device * 7_919 * 60_000) % (14 * 86_400_000)));
        const next = nextAllowedInstant(from, rules(zone, { blackouts: CHRISTMAS }));
        expect(next, `device ${device}`).to.not.equal(null);
        expect(isAllowed(next as Date, rules(zone, { blackouts: CHRISTMAS })), `device ${device}`).to.equal(
          true,
        );
        expect((next as Date).getTime()).to.be.at.least(from.getTime());
      }
    });
  });
});
