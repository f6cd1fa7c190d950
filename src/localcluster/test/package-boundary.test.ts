// The workspace packages stand alone: the operator image leaves the control plane out, and the control plane
// must not drag the product in. Reads the import specifiers of the sources, and of the tests, which may also use
// the repo's npm packages and read the committed crds/*.yaml as data (src/localcluster/test/support/crds.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
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

const PACKAGES = ['apimachinery', 'localcluster'].map((pkg) => resolve('src', pkg));
const inPackages = (path: string) => PACKAGES.some((dir) => !relative(dir, path).startsWith('..'));

/** npm packages the tests may use: the root's and the workspace packages' declared dependencies. */
function npmPackages(): Set<string> {
  const names = new Set<string>();
  for (const dir of [resolve('.'), ...PACKAGES]) {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      name: string;
      dependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
    };
    if (dir !== resolve('.')) names.add(manifest.name);
    for (const name of Object.keys({ ...manifest.dependencies, ...manifest.devDependencies }))
      names.add(name);
  }
  return names;
}

/** `adm-zip`, `@kubernetes/client-node/dist/x` -> the package name. */
const packageName = (spec: string) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');

/** Specifiers in the packages' tests that reach outside both packages, node: and npm packages. */
function foreignTestImports(): string[] {
  const allowed = npmPackages();
  const foreign: string[] = [];
  for (const dir of PACKAGES) {
    for (const file of sources(join(dir, 'test'))) {
      for (const spec of imports(file)) {
        const ok = spec.startsWith('.')
          ? inPackages(resolve(file, '..', spec))
          : spec.startsWith('node:') || allowed.has(packageName(spec));
        if (!ok) foreign.push(`${relative('src', file)}: ${spec}`);
      }
    }
  }
  return foreign;
}

// A quoted path that starts by going up a folder or more, e.g. to crds/ or to the repo root.
const RELATIVE_PATH = /(['"`])((?:\.\.\/)*\.\.(?:\/[^'"`\s]*)?)\1/g;

/** Relative path literals in the packages' tests that leave both packages for anything but crds/ or the root. */
function foreignTestPaths(): string[] {
  const crds = resolve('crds');
  const foreign: string[] = [];
  for (const dir of PACKAGES) {
    for (const file of sources(join(dir, 'test'))) {
      for (const [, , path] of readFileSync(file, 'utf8').matchAll(RELATIVE_PATH)) {
        const target = resolve(file, '..', path!);
        const ok =
          inPackages(target) ||
          target === resolve('.') ||
          target === crds ||
          (dirname(target) === crds && target.endsWith('.yaml'));
        if (!ok) foreign.push(`${relative('src', file)}: ${path}`);
      }
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

  it("should import from the packages' tests only the two packages, node: modules and the repo's npm packages", () => {
    expect(foreignTestImports()).to.deep.equal([]);
  });

  it("should let the packages' tests reach outside them by path only for the repo root and crds/*.yaml", () => {
    expect(foreignTestPaths()).to.deep.equal([]);
  });

  it('should leave the control plane to the cluster command among the product sources', () => {
    const importers = sources(resolve('src'), ['localcluster', 'apimachinery'])
      .filter((file) => imports(file).some((spec) => spec.includes('localcluster')))
      .map((file) => relative('src', file));
    expect(importers).to.deep.equal(['cli/cluster.ts']);
  });
});
