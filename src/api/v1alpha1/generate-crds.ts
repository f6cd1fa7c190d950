// Writes crds/<plural>.teamsdevices.io.yaml from the TypeScript schemas (the one source of truth).
// `npm run gen:crds` after changing a schema; test/api/crds.test.ts fails when crds/ is stale.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allCrds, crdFileName, renderCrd } from './render.js';

const dir = process.argv[2] ?? 'crds';
for (const crd of allCrds()) {
  writeFileSync(join(dir, crdFileName(crd)), renderCrd(crd));
}
