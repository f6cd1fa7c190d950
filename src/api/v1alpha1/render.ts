import { stringify } from 'yaml';
import { allCrds, type CustomResourceDefinition } from './crds.js';

export { allCrds };

export const GENERATED_HEADER = '# Generated from src/api/v1alpha1 by `npm run gen:crds`. Do not edit.\n';

export function crdFileName(crd: CustomResourceDefinition): string {
  return `${crd.metadata.name}.yaml`;
}

export function renderCrd(crd: CustomResourceDefinition): string {
  return GENERATED_HEADER + stringify(crd, { lineWidth: 0 });
}
