// Writes src/transport/schemas/<payload>.schema.json from the TypeBox schemas (the one source of truth).
// `npm run gen:schemas` after changing a payload (it also lays the files out as Biome does);
// test/transport/protocol-schemas.test.ts fails when they are stale.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderPayloadSchemas } from './json-schemas.js';

export const SCHEMA_DIR = 'src/transport/schemas';

const dir = process.argv[2] ?? SCHEMA_DIR;
for (const { file, text } of renderPayloadSchemas()) writeFileSync(join(dir, file), text);
