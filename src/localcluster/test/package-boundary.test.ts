// The workspace packages stand alone: the operator image leaves the control plane out, and the control plane
// must not drag the product in. Reads the import specifiers of the sources (not the tests).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { expect } from 'chai';

const SPECIFIER = /^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/gm;

function sources(dir: string, skip: string[] = []): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !skip.some((s) => f === s || f.startsWith(`${s}/`)))
    .map((f) => join(dir, f));
}

function imports(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(SPECIFIER)].map((m) => (m[1] ?? m[2])!);
}

/** Specifiers in the package's sources that leave the package and are neither node: nor a declared dependency. */
function foreignImports(pkg: string): string[] {
  const dir = resolve('src', pkg);
  const { dependencies = {} } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  const foreign: string[] = [];
  for (const file of sources(dir, ['test'])) {
    for (const spec of imports(file)) {
      const ok = spec.startsWith('.')
        ? !relative(dir, resolve(file, '..', spec)).startsWith('..')
        : spec.startsWith('node:') || Object.hasOwn(dependencies, spec);
      if (!ok) foreign.push(`${relative(dir, file)}: ${spec}`);
    }
  }
  return foreign;
}

describe('workspace package boundaries', () => {
  for (const pkg of ['apimachinery', 'localcluster']) {
    it(`should import from src/${pkg} only itself, node: modules and its declared dependencies`, () => {
      expect(foreignImports(pkg)).to.deep.equal([]);
    });
  }

  it('should leave the control plane to the cluster command among the product sources', () => {
    const importers = sources(resolve('src'), ['localcluster', 'apimachinery'])
      .filter((file) => imports(file).some((spec) => spec.includes('localcluster')))
      .map((file) => relative('src', file));
    expect(importers).to.deep.equal(['cli/cluster.ts']);
  });
});
