import { DeviceProxyPoolKind } from './deviceproxypool.js';
import { FirmwareReleaseKind } from './firmwarerelease.js';
import type { KindDefinition, PrinterColumn } from './kind.js';
import { GROUP, VERSION } from './schema-kit.js';
import { TeamsDeviceKind } from './teamsdevice.js';
import { UpdatePlanKind } from './updateplan.js';
import { UpdatePolicyKind } from './updatepolicy.js';

export const CATEGORY = 'teams';

export const KINDS: readonly KindDefinition[] = [
  TeamsDeviceKind,
  FirmwareReleaseKind,
  UpdatePlanKind,
  UpdatePolicyKind,
  DeviceProxyPoolKind,
];

// Kinds whose whole spec has defaults may be written without a spec.
const SPEC_OPTIONAL = new Set(['UpdatePolicy', 'DeviceProxyPool']);

export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    group: string;
    names: {
      kind: string;
      listKind: string;
      plural: string;
      singular: string;
      shortNames: string[];
      categories: string[];
    };
    scope: 'Namespaced' | 'Cluster';
    versions: Array<{
      name: string;
      served: boolean;
      storage: boolean;
      schema: { openAPIV3Schema: Record<string, unknown> };
      subresources: { status: Record<string, never> };
      additionalPrinterColumns: unknown[];
    }>;
  };
}

/** Plain JSON: TypeBox keeps its bookkeeping out of enumerable keys, so a round trip leaves only schema. */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * The TypeScript types describe objects as the API server returns them, after defaulting, so a
 * defaulted field is required there. Users may omit it, so the CRD does not list it as required.
 */
function relaxDefaulted(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(relaxDefaulted);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node))
    out[key] = key === 'default' ? value : relaxDefaulted(value);
  const props = out.properties as Record<string, { default?: unknown }> | undefined;
  if (Array.isArray(out.required) && props) {
    const required = (out.required as string[]).filter((name) => props[name]?.default === undefined);
    if (required.length > 0) out.required = required;
    else delete out.required;
  }
  return out;
}

/** Wide-only columns (priority > 0) after the rest, so `-o wide` adds them after AGE as it does for Pods. */
function widestLast(columns: readonly PrinterColumn[]): PrinterColumn[] {
  return [...columns.filter((c) => !c.priority), ...columns.filter((c) => c.priority)];
}

function schemaOf(value: unknown): Record<string, unknown> {
  return relaxDefaulted(plain(value)) as Record<string, unknown>;
}

export function crdFor(def: KindDefinition): CustomResourceDefinition {
  const spec = schemaOf(def.spec);
  if (SPEC_OPTIONAL.has(def.kind)) spec.default = {};
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${def.plural}.${GROUP}`,
      labels: {
        'app.kubernetes.io/name': 'teams-device-operator',
        'app.kubernetes.io/part-of': 'teams-device-operator',
      },
    },
    spec: {
      group: GROUP,
      names: {
        kind: def.kind,
        listKind: `${def.kind}List`,
        plural: def.plural,
        singular: def.singular,
        shortNames: def.shortNames,
        categories: [CATEGORY],
      },
      scope: def.scope,
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              description: def.description,
              properties: {
                apiVersion: {
                  type: 'string',
                  description: 'APIVersion defines the versioned schema of this representation of an object.',
                },
                kind: {
                  type: 'string',
                  description: 'Kind is a string value representing the REST resource.',
                },
                metadata: { type: 'object' },
                spec,
                status: schemaOf(def.status),
              },
              ...(SPEC_OPTIONAL.has(def.kind) ? {} : { required: ['spec'] }),
            },
          },
          subresources: { status: {} },
          additionalPrinterColumns: plain(widestLast(def.printerColumns)),
        },
      ],
    },
  };
}

export function allCrds(): CustomResourceDefinition[] {
  return KINDS.map(crdFor);
}
