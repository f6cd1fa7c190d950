// Vendor version strings, compared.
//
// The order, from the most significant part to the least:
//  1. Teams app versions `code/name` (1449/1.0.94.2023071702) compare by `name` first, then by `code`;
//     a version without `/` has no code, and no code sorts before any code.
//  2. `name` is `release[-prerelease][+build]`. Release segments split on `.` and compare left to right;
//     a missing or empty segment counts as 0, so 1.2 ≡ 1.2.0. Inside a segment, runs of digits compare as
//     numbers of any length (leading zeros ignored: 07 ≡ 7), runs of other characters compare
//     case-insensitively, a non-digit run sorts before a digit run (1.0.beta < 1.0.0), and a segment with
//     more runs is newer (1.0.2a > 1.0.2).
//  3. A pre-release sorts before its release (1.2-rc < 1.2 ≡ 1.2.0). Pre-releases compare as in semver:
//     dot-separated identifiers, numeric ones as numbers and before alphanumeric ones, a shorter list first
//     when one is a prefix of the other (1.2-rc < 1.2-rc.1 < 1.2-rc.2 < 1.2-rc.10).
//  4. Build metadata after `+` is ignored, surrounding whitespace and a leading v are ignored.
// compareVersions is a total order over these equivalence classes: 0 means "the same version", and the
// rest of the core treats two versions as equal exactly when compareVersions says 0.

type Run = { digits: boolean; text: string };
type Segment = Run[];
type Identifier = { numeric: boolean; text: string };

interface ParsedVersion {
  code: Segment[] | null;
  release: Segment[];
  pre: Identifier[] | null;
}

const cache = new Map<string, ParsedVersion>();
const CACHE_LIMIT = 10_000;

function stripZeros(digits: string): string {
  const stripped = digits.replace(/^0+/, '');
  return stripped === '' ? '0' : stripped;
}

function compareDigits(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function parseSegment(segment: string): Segment {
  const runs = segment.match(/\d+|\D+/g) ?? ['0'];
  return runs.map((text) =>
    /^\d/.test(text) ? { digits: true, text: stripZeros(text) } : { digits: false, text: text.toLowerCase() },
  );
}

function parseDotted(text: string): Segment[] {
  return text.split('.').map(parseSegment);
}

function parse(version: string): ParsedVersion {
  const hit = cache.get(version);
  if (hit) return hit;
  let rest = version.trim();
  let code: Segment[] | null = null;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    code = parseDotted(rest.slice(0, slash).trim());
    rest = rest.slice(slash + 1).trim();
  }
  rest = rest.replace(/^v(?=\d)/i, '');
  const plus = rest.indexOf('+');
  if (plus >= 0) rest = rest.slice(0, plus);
  let pre: Identifier[] | null = null;
  const dash = rest.indexOf('-');
  if (dash >= 0) {
    pre = rest
      .slice(dash + 1)
      .split('.')
      .map((text) =>
        /^\d+$/.test(text)
          ? { numeric: true, text: stripZeros(text) }
          : { numeric: false, text: text.toLowerCase() },
      );
    rest = rest.slice(0, dash);
  }
  const parsed: ParsedVersion = { code, release: parseDotted(rest), pre };
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(version, parsed);
  return parsed;
}

const ZERO: Segment = [{ digits: true, text: '0' }];

function compareSegment(a: Segment, b: Segment): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (!x) return -1;
    if (!y) return 1;
    if (x.digits !== y.digits) return x.digits ? 1 : -1;
    const c = x.digits ? compareDigits(x.text, y.text) : compareText(x.text, y.text);
    if (c !== 0) return c;
  }
  return 0;
}

function compareSegments(a: Segment[], b: Segment[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareSegment(a[i] ?? ZERO, b[i] ?? ZERO);
    if (c !== 0) return c;
  }
  return 0;
}

function comparePre(a: Identifier[] | null, b: Identifier[] | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (!x) return -1;
    if (!y) return 1;
    if (x.numeric !== y.numeric) return x.numeric ? -1 : 1;
    const c = x.numeric ? compareDigits(x.text, y.text) : compareText(x.text, y.text);
    if (c !== 0) return c;
  }
  return 0;
}

function compareCode(a: Segment[] | null, b: Segment[] | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  return compareSegments(a, b);
}

/** Results per pair of versions: a fleet compares the same few catalog and running versions again and again. */
const comparisons = new Map<string, Map<string, number>>();
let comparisonCount = 0;
const MEMO_COMPARISONS = 65_536;

/** Negative when a is older than b, positive when newer, 0 when they are the same version. */
export function compareVersions(a: string, b: string): number {
  if (a === b) return 0;
  let byB = comparisons.get(a);
  const known = byB?.get(b);
  if (known !== undefined) return known;
  const x = parse(a);
  const y = parse(b);
  const result =
    compareSegments(x.release, y.release) || comparePre(x.pre, y.pre) || compareCode(x.code, y.code);
  if (comparisonCount >= MEMO_COMPARISONS) {
    comparisons.clear();
    comparisonCount = 0;
    byB = undefined;
  }
  if (!byB) {
    byB = new Map();
    comparisons.set(a, byB);
  }
  byB.set(b, result);
  comparisonCount++;
  return result;
}

export function sameVersion(a: string, b: string): boolean {
  return compareVersions(a, b) === 0;
}

export function isNewer(candidate: string, than: string): boolean {
  return compareVersions(candidate, than) > 0;
}
