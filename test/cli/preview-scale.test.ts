// A large input is parsed a piece at a time and written in chunks: what a user sees must be what a parse of
// the whole text and one JSON.stringify give.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { CORE_SCHEMA, loadAll, mergeTag } from 'js-yaml';
import { UsageError } from '../../src/cli/preview/errors.js';
import { jsonChunks, type PreviewRow, ROW_KEYS, toRow } from '../../src/cli/preview/rows.js';
import { parseDocuments } from '../../src/cli/preview/yaml.js';
import { NOW, preview } from './preview-support.js';

/** A device document of about 300 characters, in the compact flow style of large manifests. */
function device(i: number): string {
  return [
    'apiVersion: teamsdevices.io/v1alpha1',
    'kind: TeamsDevice',
    `metadata: { name: p${i}, namespace: lab, labels: { site: berlin, floor: "${i % 7}" } }`,
    'spec: { type: Phone, manufacturer: Yealink, model: MP56, timeZone: Europe/Berlin }',
  ].join('\n');
}

/** Pieces of the text parsed at once in these tests: small, so a text of 1 MB has four. */
const PIECE = 256 * 1024;

/** About 1 MB of YAML: four pieces, with block scalars, `...` ends and a `---x` line that opens nothing. */
function largeText(): string {
  const documents = Array.from({ length: 3000 }, (_, i) =>
    i % 500 === 7 ? `note: |\n  ---not a marker\n  line ${i}\n...\n` : `${device(i)}\n`,
  );
  return `# fleet\n${documents.join('---\n')}---\n`;
}

function errorOf(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error('expected a UsageError');
}

describe('preview of a large input', () => {
  it('should read the documents of a large text exactly as a parse of the whole text does', () => {
    const text = largeText();
    const whole = loadAll(text, { schema: CORE_SCHEMA.withTags(mergeTag) });
    expect(whole.length).to.equal(3001);
    expect(parseDocuments('big.yaml', text, PIECE)).to.deep.equal(whole);
  });

  it('should name the line and column of the file for a YAML error deep in a large text', () => {
    const text = largeText().replace('name: p2500,', 'name: [p2500,');
    const line = text.slice(0, text.indexOf('[p2500')).split('\n').length;
    const message = errorOf(() => parseDocuments('big.yaml', text, PIECE));
    expect(message).to.match(new RegExp(`^big\\.yaml:(${line}|${line + 1}):\\d+: unparsable YAML: `));
    expect(message).to.contain('p2500');
  });

  it('should report a YAML error later in a large file before an alias bomb earlier in it', () => {
    const bomb = `a: &a [x, x, x, x, x, x, x, x, x]\n${'bcdefghi'
      .split('')
      .map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(', ')}]`)
      .join('\n')}\n`;
    const text = `${bomb}---\n${largeText()}key: [unclosed\n`;
    expect(errorOf(() => parseDocuments('big.yaml', text, PIECE))).to.contain('unparsable YAML');
    expect(errorOf(() => parseDocuments('big.yaml', `${bomb}---\n${largeText()}`, PIECE))).to.contain(
      '(document 1): its aliases (*name) expand to more than',
    );
  });

  it('should print --json rows exactly as JSON.stringify(rows, null, 2) does, in chunks of whole text', () => {
    const rows: PreviewRow[] = Array.from({ length: 5000 }, (_, i) => ({
      namespace: `ns-${i % 3}`,
      device: `d-${i % 1700}`,
      component: i % 2 === 0 ? 'Firmware' : 'TeamsApp',
      fromVersion: i % 11 === 0 ? null : `1.${i}`,
      toVersion: `"quoted" \\ 1.${i + 1} → ✓`,
      at: i % 5 === 0 ? null : new Date(Date.UTC(2026, 11, 1 + (i % 90))).toISOString().replace('.000Z', 'Z'),
      localTime: null,
      source: 'Auto',
      reason: i % 5 === 0 ? 'UpToDate' : null,
    }));
    const chunks = [...jsonChunks(rows)];
    expect(chunks.length).to.be.greaterThan(1);
    const printed = JSON.parse(chunks.join('')) as PreviewRow[];
    expect(chunks.join('')).to.equal(`${JSON.stringify(printed, null, 2)}\n`);
    expect(Object.keys(printed[0] ?? {})).to.deep.equal([...ROW_KEYS]);
    const texts = (list: PreviewRow[]) => list.map((row) => JSON.stringify(toRow(row))).sort();
    expect(texts(printed)).to.deep.equal(texts(rows));
    expect([...jsonChunks([])].join('')).to.equal('[]\n');
  });

  it('should preview 3,000 devices of one large file, each of them read', async function () {
    this.timeout(60_000);
    const dir = mkdtempSync(join(tmpdir(), 'preview-scale-'));
    try {
      const path = join(dir, 'devices.yaml');
      writeFileSync(path, Array.from({ length: 3000 }, (_, i) => device(i)).join('\n---\n'));
      const run = await preview('-f', path, '--now', NOW);
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.contain('lab: 3000 devices');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
