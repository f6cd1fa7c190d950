// The input of `npm run bench:preview`: the example catalog (releases, policies, plans, namespaces) of
// deploy/examples and one file of N TeamsDevices, made by cycling through the example devices under new names.
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';

const EXAMPLES = 'deploy/examples';
const CATALOG = ['00-namespaces.yaml', 'releases.yaml', 'policies.yaml', 'plans.yaml'];

/** One line per top-level field, its value in flow style, as people write compact manifests. */
function toLines(object: Record<string, unknown>): string {
  return Object.entries(object)
    .map(
      ([key, value]) => `${key}: ${stringify(value, { collectionStyle: 'flow', lineWidth: 0 }).trimEnd()}\n`,
    )
    .join('');
}

/** The example devices, each as YAML text with its name replaced by `__NAME__`. */
function deviceTemplates(): string[] {
  const files = readdirSync(EXAMPLES).filter((name) => name.startsWith('devices-'));
  return files.flatMap((name) =>
    parseAllDocuments(readFileSync(join(EXAMPLES, name), 'utf8'))
      .map((doc) => doc.toJS() as { kind?: string; metadata: { name: string } } | null)
      .filter((object) => object?.kind === 'TeamsDevice')
      .map((object) => toLines({ ...object, metadata: { ...object?.metadata, name: '__NAME__' } })),
  );
}

/** Writes the catalog and `devices.yaml` (N devices) into `dir`; returns the size of devices.yaml in bytes. */
export function writeInput(dir: string, devices: number): number {
  for (const name of CATALOG) copyFileSync(join(EXAMPLES, name), join(dir, name));
  const templates = deviceTemplates();
  const parts: string[] = [];
  for (let i = 0; i < devices; i++) {
    const template = templates[i % templates.length] ?? '';
    parts.push('---\n', template.replace('__NAME__', `device-${i}`));
  }
  const text = parts.join('');
  writeFileSync(join(dir, 'devices.yaml'), text);
  return Buffer.byteLength(text);
}
