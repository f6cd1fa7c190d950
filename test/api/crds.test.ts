import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'chai';
import { allCrds, crdFileName, renderCrd } from '../../src/api/v1alpha1/render.js';

describe('CRDs in crds/', () => {
  it('should be exactly what the TypeScript schemas generate (run `npm run gen:crds` after a schema change)', () => {
    const generated = allCrds();
    expect(
      readdirSync('crds')
        .filter((f) => f.endsWith('.yaml'))
        .sort(),
    ).to.deep.equal(generated.map(crdFileName).sort());
    for (const crd of generated) {
      expect(readFileSync(`crds/${crdFileName(crd)}`, 'utf8'), crdFileName(crd)).to.equal(renderCrd(crd));
    }
  });

  it('should put the five kinds in the teams category with their short names', () => {
    const names = allCrds().map((crd) => [crd.spec.names.kind, crd.spec.names.shortNames[0], crd.spec.scope]);
    expect(names).to.deep.equal([
      ['TeamsDevice', 'tdev', 'Namespaced'],
      ['FirmwareRelease', 'fwr', 'Cluster'],
      ['UpdatePlan', 'uplan', 'Namespaced'],
      ['UpdatePolicy', 'upol', 'Namespaced'],
      ['DeviceProxyPool', 'tpool', 'Namespaced'],
    ]);
    for (const crd of allCrds()) expect(crd.spec.names.categories).to.include('teams');
  });

  it('should describe and type every field of spec and status, so `kubectl explain` teaches the API', () => {
    const problems: string[] = [];
    const walk = (node: Record<string, unknown>, path: string, needsDescription: boolean) => {
      if (typeof node.type !== 'string') problems.push(`${path}: no type`);
      if (needsDescription && typeof node.description !== 'string') problems.push(`${path}: no description`);
      for (const [name, child] of Object.entries(
        (node.properties ?? {}) as Record<string, Record<string, unknown>>,
      )) {
        walk(child, `${path}.${name}`, true);
      }
      if (node.items) walk(node.items as Record<string, unknown>, `${path}[]`, false);
      if (typeof node.additionalProperties === 'object') {
        walk(node.additionalProperties as Record<string, unknown>, `${path}{}`, false);
      }
    };
    for (const crd of allCrds()) {
      const root = crd.spec.versions[0]!.schema.openAPIV3Schema as {
        properties: { spec: Record<string, unknown>; status: Record<string, unknown> };
      };
      walk(root.properties.spec, `${crd.spec.names.kind}.spec`, true);
      walk(root.properties.status, `${crd.spec.names.kind}.status`, true);
    }
    expect(problems).to.deep.equal([]);
  });
});
