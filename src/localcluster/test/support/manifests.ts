// Small manifests the acceptance tests feed to kubectl on stdin, one of each kind of the teamsdevices.io API.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

export const GROUP = 'teamsdevices.io';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;

export const KINDS = [
  'TeamsDevice',
  'FirmwareRelease',
  'UpdatePlan',
  'UpdatePolicy',
  'DeviceProxyPool',
] as const;

/** The objects in the YAML files of a folder (what `kubectl apply -f <dir>/` sends). */
export function objectsIn(dir: string): { kind: string; name: string; namespace?: string }[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8')))
    .map((doc) => doc.toJS() as { kind?: string; metadata?: { name?: string; namespace?: string } } | null)
    .filter((o) => o?.kind !== undefined)
    .map((o) => ({
      kind: o?.kind ?? '',
      name: o?.metadata?.name ?? '',
      ...(o?.metadata?.namespace ? { namespace: o.metadata.namespace } : {}),
    }));
}

/** The additionalPrinterColumns of the first version of a CRD file. */
export function printerColumns(crdFile: string): { name: string; priority?: number }[] {
  const crd = parse(readFileSync(crdFile, 'utf8')) as {
    spec: { versions: { additionalPrinterColumns?: { name: string; priority?: number }[] }[] };
  };
  return crd.spec.versions[0]?.additionalPrinterColumns ?? [];
}

export interface SchemaNode {
  description?: string;
  enum?: string[];
  properties?: Record<string, SchemaNode>;
  'x-kubernetes-validations'?: { rule: string; message: string; fieldPath?: string }[];
}

/** The openAPIV3Schema node of a CRD file's first version at a path of property names. */
export function schemaAt(crdFile: string, path: string[]): SchemaNode {
  const crd = parse(readFileSync(crdFile, 'utf8')) as {
    spec: { versions: { schema: { openAPIV3Schema: SchemaNode } }[] };
  };
  let node = crd.spec.versions[0]?.schema.openAPIV3Schema;
  for (const name of path) node = node?.properties?.[name];
  if (!node) throw new Error(`${crdFile} has no schema at ${path.join('.')}`);
  return node;
}

export interface DeviceOptions {
  name: string;
  namespace: string;
  type?: string;
  model?: string;
  license?: string;
  phase?: string;
  labels?: Record<string, string>;
  finalizers?: string[];
}

export function teamsDevice(options: DeviceOptions): Record<string, unknown> {
  return {
    apiVersion: API_VERSION,
    kind: 'TeamsDevice',
    metadata: {
      name: options.name,
      namespace: options.namespace,
      ...(options.labels ? { labels: options.labels } : {}),
      ...(options.finalizers ? { finalizers: options.finalizers } : {}),
    },
    spec: {
      type: options.type ?? 'Phone',
      manufacturer: 'Yealink',
      model: options.model ?? 'MP56',
      ...(options.license ? { license: options.license } : {}),
      ...(options.phase ? { firmwareAutoUpdate: { phase: options.phase } } : {}),
      timeZone: 'Europe/Berlin',
    },
  };
}

/** One object of each of the five kinds, as a multi-document list for `kubectl apply -f -`. */
export function exampleObjects(namespace: string): Record<string, unknown>[] {
  return [
    teamsDevice({ name: 'lobby-phone', namespace, type: 'Phone', model: 'MP56', phase: 'Test' }),
    teamsDevice({ name: 'board-room', namespace, type: 'TeamsRoomsAndroid', model: 'A40', license: 'Pro' }),
    {
      apiVersion: API_VERSION,
      kind: 'FirmwareRelease',
      metadata: { name: 'yealink-mp56-124-15-0-20' },
      spec: {
        component: 'Firmware',
        version: '124.15.0.20',
        releaseDate: '2025-03-01T00:00:00Z',
        verification: 'Verified',
        appliesTo: { manufacturer: 'Yealink', models: ['MP56'] },
        artifact: {
          url: 'https://firmware.example.com/yealink/mp56-124.15.0.20.rom',
          sha256: 'a'.repeat(64),
          sizeBytes: 73400320,
        },
      },
    },
    {
      apiVersion: API_VERSION,
      kind: 'UpdatePlan',
      metadata: { name: 'lobby-now', namespace },
      spec: { devices: { names: ['lobby-phone'] }, updates: [{ component: 'Firmware' }] },
    },
    {
      apiVersion: API_VERSION,
      kind: 'UpdatePolicy',
      metadata: { name: 'default', namespace },
      spec: { phaseDelayDays: { test: 0, general: 30, final: 90 } },
    },
    {
      apiVersion: API_VERSION,
      kind: 'DeviceProxyPool',
      metadata: { name: 'default', namespace },
      spec: { replicas: 1, driver: 'simulator' },
    },
  ];
}

/** Objects as a multi-document YAML stream (JSON documents are YAML) for `kubectl apply -f -`. */
export function asYamlStream(items: Record<string, unknown>[]): string {
  return items.map((item) => `---\n${JSON.stringify(item)}\n`).join('');
}
