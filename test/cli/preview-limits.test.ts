import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadInput } from '../../src/cli/preview/load.js';
import { FLEET, NOW, preview, previewProcess, type Run } from './preview-support.js';

const STACK_FRAME = '    at ';
const DEVICE = [
  'apiVersion: teamsdevices.io/v1alpha1',
  'kind: TeamsDevice',
  'metadata: {name: p1, namespace: lab}',
  'spec: {type: Phone, manufacturer: Yealink, model: MP56}',
].join('\n');

/** Nine levels of nine aliases: 387,420,489 strings once expanded. */
const ALIAS_BOMB = [
  DEVICE,
  '---',
  'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
  ...'bcdefghi'
    .split('')
    .map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(', ')}]`),
].join('\n');

/** A seeded generator, so the "random" bytes are the same in every run. */
function bytes(count: number, seed: number): Buffer {
  const out = Buffer.alloc(count);
  let state = seed;
  for (let i = 0; i < count; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

function expectRefused(run: Run, ...fragments: string[]): void {
  expect(run.code, run.stderr).to.equal(2);
  expect(run.stdout).to.equal('');
  for (const fragment of fragments) expect(run.stderr).to.contain(fragment);
  expect(run.stderr).not.to.contain(STACK_FRAME);
}

describe('preview within limits', () => {
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'preview-limits-'));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  function file(name: string, content: string | Buffer): string {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  }

  describe('aliases', () => {
    it('should exit 2 on an alias bomb, naming the file and the document, without a stack trace', () => {
      const path = file('bomb.yaml', ALIAS_BOMB);
      const run = previewProcess(['-f', path, '--now', NOW]);
      expectRefused(run, `${path} (document 2): its aliases (*name) expand to more than 100,000 nodes`);
      expect(run.stderr).to.contain('alias bomb');
    });

    it('should exit 2 on an alias that refers to the node containing it', async () => {
      const run = await preview('-f', file('cycle.yaml', `${DEVICE}\n---\na: &x [1, *x]\n`), '--now', NOW);
      expectRefused(run, '(document 2): an alias (*name) refers to a node that contains it');
    });

    it('should still read a few aliases and merge keys, as people share labels', async () => {
      const path = file(
        'shared.yaml',
        [
          'apiVersion: v1',
          'kind: List',
          'items:',
          '- apiVersion: teamsdevices.io/v1alpha1',
          '  kind: TeamsDevice',
          '  metadata: {name: p1, namespace: lab, labels: &labels {site: berlin}}',
          '  spec: &spec {type: Phone, manufacturer: Yealink, model: MP56}',
          '- apiVersion: teamsdevices.io/v1alpha1',
          '  kind: TeamsDevice',
          '  metadata: {name: p2, namespace: lab, labels: *labels}',
          '  spec: {<<: *spec, model: MP58}',
        ].join('\n'),
      );
      const run = await preview('-f', path, '--now', NOW);
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.contain('2 devices');
      const [, second] = (await loadInput([path])).objects.map(
        (o) => o.value as { metadata: object; spec: object },
      );
      expect(second?.metadata).to.deep.equal({ name: 'p2', namespace: 'lab', labels: { site: 'berlin' } });
      expect(second?.spec).to.deep.equal({ type: 'Phone', manufacturer: 'Yealink', model: 'MP58' });
    });
  });

  describe('size', () => {
    it('should read 150,000 objects in one file (a RangeError before)', async function () {
      this.timeout(60_000);
      const documents = Array.from(
        { length: 150_000 },
        (_, i) => `{apiVersion: v1, kind: ConfigMap, metadata: {name: c${i}}}`,
      );
      const path = file('many.yaml', `${DEVICE}\n---\n${documents.join('\n---\n')}\n`);
      const run = await preview('-f', path, '--now', NOW);
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.contain('Read, not planned with: ConfigMap 150000');
    });

    it('should refuse 1,000,000 documents before parsing them, naming the file and --max-objects', async () => {
      const path = file('million.yaml', '---\n{kind: x}\n'.repeat(1_000_000));
      const run = await preview('-f', path, '--now', NOW);
      expectRefused(run, `${path}: the input holds more than 250,000 objects`, '--max-objects');
    });

    it('should refuse a List of 300,000 items, and take a higher --max-objects', async function () {
      this.timeout(30_000);
      const path = file('list.yaml', `apiVersion: v1\nkind: List\nitems:\n${'- {}\n'.repeat(300_000)}`);
      expectRefused(await preview('-f', path, '--now', NOW), `${path}: the input holds more than 250,000`);
      const raised = await preview('-f', path, '--now', NOW, '--max-objects', '300000');
      expectRefused(raised, `${path} (document 1, item 1000): not a Kubernetes object`);
      expect(raised.stderr).to.contain('… and 299000 more problems');
    });

    it('should refuse a file over --max-input-bytes, naming it, and count all inputs together', async () => {
      const small = file('small.yaml', DEVICE);
      const run = await preview('-f', small, '--now', NOW, '--max-input-bytes', '100');
      expectRefused(
        run,
        `${small}: larger than the input limit of 100 bytes; raise the limit with --max-input-bytes`,
      );
      const two = await preview('-f', FLEET, '-f', small, '--now', NOW, '--max-input-bytes', '5500');
      expectRefused(two, `${small}: the input passes its limit of 5500 bytes here (5430 bytes read before)`);
    });

    it('should cut stdin off at --max-input-bytes and exit 2 naming <stdin>', () => {
      const run = previewProcess(['-f', '-', '--max-input-bytes', '1Ki'], `# ${'x'.repeat(4096)}\n`);
      expectRefused(run, '<stdin>: larger than the input limit of 1 KiB');
    });

    it('should exit 2 on a --max-input-bytes or --max-objects that is not a number above 0', async () => {
      for (const flags of [
        ['--max-input-bytes', '1GB'],
        ['--max-objects', '0'],
      ]) {
        const run = await preview('-f', FLEET, ...flags);
        expectRefused(run, `${flags[0]}: "${flags[1]}" is not`, '--help');
      }
    });
  });

  describe('FIFOs', () => {
    it('should skip a FIFO inside a folder with a warning and preview the rest', async () => {
      const folder = join(dir, 'with-fifo');
      cpSync(FLEET, folder, { recursive: true });
      execFileSync('mkfifo', [join(folder, 'pipe.yaml')]);
      const run = await preview('-f', folder, '--now', NOW, '--json');
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stderr).to.contain(
        `warning: skipped ${join(folder, 'pipe.yaml')}: a FIFO; only regular files are read from a folder`,
      );
      expect(JSON.parse(run.stdout)).to.have.length.above(0);
    });

    it('should read a FIFO named with -f as a stream, as with -f <(kubectl get …)', async () => {
      const fifo = join(dir, 'explicit.fifo');
      execFileSync('mkfifo', [fifo]);
      const [run] = await Promise.all([preview('-f', fifo, '--now', NOW), writeFile(fifo, DEVICE)]);
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.contain('1 device');
    });
  });

  describe('hostile input', () => {
    const cases: Array<[string, () => string | Buffer, string]> = [
      ['binary garbage', () => bytes(64 * 1024, 13), 'not UTF-8 text'],
      ['NUL bytes', () => `${DEVICE}\n# \u0000\u0000\n`, 'unparsable YAML: null byte is not allowed'],
      ['deep nesting', () => `a: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`, 'maxDepth (100)'],
      [
        'invalid UTF-8',
        () => Buffer.concat([Buffer.from(`${DEVICE}\n# `), Buffer.from([0xc3, 0x28])]),
        'not UTF-8',
      ],
      ['a !!js/function tag', () => `${DEVICE}\nx: !!js/function "function () {}"\n`, 'unknown scalar tag'],
      ['duplicate keys', () => `${DEVICE}\nkind: ConfigMap\n`, 'unparsable YAML: duplicated mapping key'],
      ['a 10 MB line that does not parse', () => `a: [${'x'.repeat(10 * 1024 * 1024)}\n`, 'unparsable YAML'],
      ['a 1 MB name', () => DEVICE.replace('name: p1', `name: ${'p'.repeat(1024 * 1024)}`), 'metadata.name'],
    ];
    for (const [name, content, message] of cases) {
      it(`should exit 2 on ${name} with a message and no stack trace`, async () => {
        const path = file(`${name.replace(/\W+/g, '-')}.yaml`, content());
        const run = await preview('-f', path, '--now', NOW);
        expectRefused(run, path, message);
        expect(run.stderr.length, 'stderr stays short').to.be.below(8 * 1024);
      });
    }
  });
});
