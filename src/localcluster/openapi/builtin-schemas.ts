// The built-in kinds the embedded control plane serves, and their OpenAPI v3 schemas as kube-apiserver
// names them (io.k8s.api.core.v1.Pod, ...). The schemas (schemas/*.ts) model the fields clients read and
// patch, with the strategic-merge-patch metadata kubectl uses to compute patches from OpenAPI v3
// (`x-kubernetes-patch-merge-key`, `x-kubernetes-patch-strategy`), and `x-kubernetes-preserve-unknown-fields`
// where the details do not matter here.

import type { ResourceType } from '../resource-type.js';
import { type Schema, schemaName } from './schema-kit.js';
import { AUTH_SCHEMAS } from './schemas/auth.js';
import { CORE_SCHEMAS } from './schemas/core.js';
import { APPS_SCHEMAS, GROUP_SCHEMAS } from './schemas/groups.js';
import { META_SCHEMAS } from './schemas/meta.js';
import { POD_SCHEMAS } from './schemas/pod.js';

export {
  listSchema,
  META,
  OBJECT_META_DESCRIPTION,
  referencedSchemas,
  refTo,
  schemaName,
} from './schema-kit.js';

const STANDARD_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
/** The reviews of authentication.k8s.io and authorization.k8s.io are only ever created. */
const CREATE_ONLY = { verbs: ['create'] };

function builtin(
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  extra: Partial<Pick<ResourceType, 'shortNames' | 'categories' | 'subresources' | 'verbs'>> = {},
): ResourceType {
  return {
    group,
    version,
    kind,
    listKind: `${kind}List`,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    shortNames: extra.shortNames ?? [],
    categories: extra.categories ?? [],
    verbs: [...(extra.verbs ?? STANDARD_VERBS)],
    subresources: extra.subresources ?? [],
    printerColumns: [],
    builtin: true,
  };
}

/** The built-in resources, in the order kube-apiserver lists their groups. */
export const BUILTIN_TYPES: ResourceType[] = [
  builtin('', 'v1', 'Namespace', 'namespaces', false, {
    shortNames: ['ns'],
    subresources: ['status'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  }),
  builtin('', 'v1', 'ConfigMap', 'configmaps', true, { shortNames: ['cm'] }),
  builtin('', 'v1', 'Secret', 'secrets', true),
  builtin('', 'v1', 'ServiceAccount', 'serviceaccounts', true, { shortNames: ['sa'] }),
  builtin('', 'v1', 'Service', 'services', true, {
    shortNames: ['svc'],
    categories: ['all'],
    subresources: ['status'],
  }),
  builtin('', 'v1', 'Pod', 'pods', true, {
    shortNames: ['po'],
    categories: ['all'],
    subresources: ['status'],
  }),
  builtin('', 'v1', 'Event', 'events', true, { shortNames: ['ev'] }),
  builtin('apps', 'v1', 'Deployment', 'deployments', true, {
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: ['status'],
  }),
  builtin('apps', 'v1', 'ReplicaSet', 'replicasets', true, {
    shortNames: ['rs'],
    categories: ['all'],
    subresources: ['status'],
  }),
  builtin('events.k8s.io', 'v1', 'Event', 'events', true, { shortNames: ['ev'] }),
  builtin('authentication.k8s.io', 'v1', 'SelfSubjectReview', 'selfsubjectreviews', false, CREATE_ONLY),
  builtin('authentication.k8s.io', 'v1', 'TokenReview', 'tokenreviews', false, CREATE_ONLY),
  builtin(
    'authorization.k8s.io',
    'v1',
    'LocalSubjectAccessReview',
    'localsubjectaccessreviews',
    true,
    CREATE_ONLY,
  ),
  builtin(
    'authorization.k8s.io',
    'v1',
    'SelfSubjectAccessReview',
    'selfsubjectaccessreviews',
    false,
    CREATE_ONLY,
  ),
  builtin(
    'authorization.k8s.io',
    'v1',
    'SelfSubjectRulesReview',
    'selfsubjectrulesreviews',
    false,
    CREATE_ONLY,
  ),
  builtin('authorization.k8s.io', 'v1', 'SubjectAccessReview', 'subjectaccessreviews', false, CREATE_ONLY),
  builtin('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', false),
  builtin('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false),
  builtin('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings', true),
  builtin('rbac.authorization.k8s.io', 'v1', 'Role', 'roles', true),
  builtin('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', false, {
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
    subresources: ['status'],
  }),
  builtin('coordination.k8s.io', 'v1', 'Lease', 'leases', true),
];

/** Every built-in component schema, keyed by its OpenAPI name. */
export const BUILTIN_COMPONENTS: Readonly<Record<string, Schema>> = {
  ...META_SCHEMAS,
  ...CORE_SCHEMAS,
  ...POD_SCHEMAS,
  ...APPS_SCHEMAS,
  ...GROUP_SCHEMAS,
  ...AUTH_SCHEMAS,
};

/** The component schema of a built-in kind, if modelled. */
export function builtinKindSchema(group: string, version: string, kind: string): Schema | undefined {
  return BUILTIN_COMPONENTS[schemaName(group, version, kind)];
}
