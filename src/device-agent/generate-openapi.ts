// Writes docs/device-agent.openapi.yaml from the contract's schemas (`npx tsx src/device-agent/generate-openapi.ts`);
// test/device-agent/contract.test.ts fails when the file is stale.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { OPENAPI_FILE, renderOpenApi } from './openapi.js';

const file = process.argv[2] ?? OPENAPI_FILE;
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, renderOpenApi());
