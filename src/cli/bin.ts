#!/usr/bin/env node
import { run } from './main.js';

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`teams-device-operator: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
