// Text helpers of the human output: times, widths and wrapping to the terminal width.
import { DateTime } from 'luxon';

export const MAX_WIDTH = 120;

const SURROGATE = /[\uD800-\uDFFF]/;

/** Width in terminal columns; the output uses only single-width characters. */
export function width(text: string): number {
  // Code points: UTF-16 units but for the pairs outside the Basic Multilingual Plane.
  return SURROGATE.test(text) ? [...text].length : text.length;
}

export function pad(text: string, columns: number): string {
  return text + ' '.repeat(Math.max(0, columns - width(text)));
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The core's times: `2026-12-05T17:00:00Z` (UTC) and `2026-12-05T18:00:00+01:00` (local), with seconds. */
const CORE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2}):\d{2}(?:Z|[+-]\d{2}:\d{2})$/;
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** `2026-12-05 17:00` for an instant in UTC. */
export function formatUtc(iso: string): string {
  // Read off the text when it has the core's shape: a fleet has hundreds of thousands of them.
  const match = iso.endsWith('Z') ? CORE_TIME.exec(iso) : null;
  if (match) return `${match[1]}-${match[2]}-${match[3]} ${match[4]}`;
  return DateTime.fromISO(iso, { zone: 'utc' }).toFormat('yyyy-LL-dd HH:mm');
}

/** `Sat 12-05 18:00`: the wall-clock time in the device's zone, with its weekday. */
export function formatLocal(iso: string): string {
  const match = CORE_TIME.exec(iso);
  if (match) {
    const weekday =
      WEEKDAYS[new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))).getUTCDay()];
    if (weekday !== undefined) return `${weekday} ${match[2]}-${match[3]} ${match[4]}`;
  }
  return DateTime.fromISO(iso, { setZone: true, locale: 'en-US' }).toFormat('ccc LL-dd HH:mm');
}

/** `2026-12-01 00:00 UTC` for the window of the preview. */
export function formatInstant(date: Date): string {
  return `${DateTime.fromJSDate(date, { zone: 'utc' }).toFormat('yyyy-LL-dd HH:mm')} UTC`;
}

function breakWord(word: string, columns: number): string[] {
  const chars = [...word];
  const parts: string[] = [];
  for (let i = 0; i < chars.length; i += columns) parts.push(chars.slice(i, i + columns).join(''));
  return parts;
}

/** Splits text into lines of at most `columns`, at spaces where it can, inside words where it must. */
export function wrap(text: string, columns: number): string[] {
  const limit = Math.max(1, columns);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (width(candidate) <= limit) {
      line = candidate;
      continue;
    }
    if (line !== '') lines.push(line);
    const pieces = breakWord(word, limit);
    line = pieces.pop() ?? '';
    lines.push(...pieces);
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}

/**
 * A line whose last part may be long: `head` stays, `tail` starts right after it and wraps onto
 * continuation lines indented to the same column, so no line exceeds MAX_WIDTH.
 */
export function hang(head: string, tail: string): string[] {
  const indent = width(head);
  if (indent > MAX_WIDTH - 20) return [...wrap(head.trimEnd(), MAX_WIDTH), ...hang('    ', tail)];
  const [first = '', ...rest] = wrap(tail, MAX_WIDTH - indent);
  return [`${head}${first}`.trimEnd(), ...rest.map((line) => `${' '.repeat(indent)}${line}`)];
}
