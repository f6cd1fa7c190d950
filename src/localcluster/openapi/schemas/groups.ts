// OpenAPI v3 schemas of the built-in kinds outside the core group: apps/v1 Deployment and ReplicaSet,
// events.k8s.io/v1 Event, coordination.k8s.io/v1 Lease, RBAC, and apiextensions.k8s.io/v1 CustomResourceDefinition.
import {
  APIEXTENSIONS,
  APPS,
  bool,
  COORDINATION,
  CORE,
  described,
  EVENTS,
  int,
  int64,
  intOrString,
  kindSchema,
  list,
  META,
  microTime,
  obj,
  preserve,
  RBAC,
  ref,
  type Schema,
  str,
  strList,
  time,
} from '../schema-kit.js';
import { conditionFields } from './meta.js';

const replicaCondition = (description: string, withUpdate: boolean): Schema =>
  obj(
    withUpdate
      ? { ...conditionFields, lastUpdateTime: time('The last time this condition was updated.') }
      : conditionFields,
    description,
    { required: ['type', 'status'] },
  );

export const APPS_SCHEMAS: Record<string, Schema> = {
  [`${APPS}.Deployment`]: kindSchema(
    'apps',
    'v1',
    'Deployment',
    'Deployment enables declarative updates for Pods and ReplicaSets.',
    {
      spec: ref(`${APPS}.DeploymentSpec`, 'Specification of the desired behavior of the Deployment.'),
      status: ref(`${APPS}.DeploymentStatus`, 'Most recently observed status of the Deployment.'),
    },
  ),
  [`${APPS}.DeploymentSpec`]: obj(
    {
      minReadySeconds: int(
        'Minimum number of seconds for which a newly created pod should be ready without any of its container crashing.',
      ),
      paused: bool('Indicates that the deployment is paused.'),
      progressDeadlineSeconds: int(
        'The maximum time in seconds for a deployment to make progress before it is considered to be failed.',
      ),
      replicas: int('Number of desired pods. Defaults to 1.'),
      revisionHistoryLimit: int('The number of old ReplicaSets to retain to allow rollback.'),
      selector: ref(`${META}.LabelSelector`, 'Label selector for pods.'),
      strategy: described(
        {
          type: 'object',
          properties: {
            rollingUpdate: obj(
              {
                maxSurge: intOrString(
                  'The maximum number of pods that can be scheduled above the desired number of pods.',
                ),
                maxUnavailable: intOrString(
                  'The maximum number of pods that can be unavailable during the update.',
                ),
              },
              'Rolling update config params. Present only if type = RollingUpdate.',
            ),
            type: str('Type of deployment: Recreate or RollingUpdate. Default is RollingUpdate.'),
          },
          'x-kubernetes-patch-strategy': 'retainKeys',
        },
        'The deployment strategy to use to replace existing pods with new ones.',
      ),
      template: ref(`${CORE}.PodTemplateSpec`, 'Template describes the pods that will be created.'),
    },
    'DeploymentSpec is the specification of the desired behavior of the Deployment.',
    { required: ['selector', 'template'] },
  ),
  [`${APPS}.DeploymentStatus`]: obj(
    {
      availableReplicas: int('Total number of available pods (ready for at least minReadySeconds).'),
      collisionCount: int('Count of hash collisions for the Deployment.'),
      conditions: list(
        replicaCondition('DeploymentCondition describes the state of a deployment at a certain point.', true),
        "Represents the latest available observations of a deployment's current state.",
        { key: 'type' },
      ),
      observedGeneration: int64('The generation observed by the deployment controller.'),
      readyReplicas: int('Number of pods targeted by this Deployment with a Ready Condition.'),
      replicas: int(
        'Total number of non-terminated pods targeted by this deployment (their labels match the selector).',
      ),
      unavailableReplicas: int('Total number of unavailable pods targeted by this deployment.'),
      updatedReplicas: int(
        'Total number of non-terminated pods targeted by this deployment that have the desired template spec.',
      ),
    },
    'DeploymentStatus is the most recently observed status of the Deployment.',
  ),
  [`${APPS}.ReplicaSet`]: kindSchema(
    'apps',
    'v1',
    'ReplicaSet',
    'ReplicaSet ensures that a specified number of pod replicas are running at any given time.',
    {
      spec: obj(
        {
          minReadySeconds: int(
            'Minimum number of seconds for which a newly created pod should be ready without any of its container crashing.',
          ),
          replicas: int('The number of desired pods. Defaults to 1.'),
          selector: ref(
            `${META}.LabelSelector`,
            'A label query over pods that should match the replica count.',
          ),
          template: ref(
            `${CORE}.PodTemplateSpec`,
            'The object that describes the pod that will be created if insufficient replicas are detected.',
          ),
        },
        'Spec defines the specification of the desired behavior of the ReplicaSet.',
        { required: ['selector'] },
      ),
      status: obj(
        {
          availableReplicas: int(
            'The number of available non-terminating pods (ready for at least minReadySeconds) for this replica set.',
          ),
          conditions: list(
            replicaCondition(
              'ReplicaSetCondition describes the state of a replica set at a certain point.',
              false,
            ),
            "Represents the latest available observations of a replica set's current state.",
            { key: 'type' },
          ),
          fullyLabeledReplicas: int(
            'The number of non-terminating pods that have labels matching the labels of the pod template of the replicaset.',
          ),
          observedGeneration: int64('Reflects the generation of the most recently observed ReplicaSet.'),
          readyReplicas: int(
            'The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition.',
          ),
          replicas: int('The most recently observed number of non-terminating pods.'),
        },
        'Status is the most recently observed status of the ReplicaSet.',
        { required: ['replicas'] },
      ),
    },
  ),
};

const policyRule = obj(
  {
    apiGroups: strList('The name of the APIGroup that contains the resources.'),
    nonResourceURLs: strList('A set of partial urls that a user should have access to.'),
    resourceNames: strList('An optional white list of names that the rule applies to.'),
    resources: strList('A list of resources this rule applies to.'),
    verbs: strList('A list of Verbs that apply to ALL the ResourceKinds contained in this rule.'),
  },
  'PolicyRule holds information that describes a policy rule.',
  { required: ['verbs'] },
);

const bindingFields = {
  roleRef: ref(
    `${RBAC}.RoleRef`,
    'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace.',
  ),
  subjects: list(`${RBAC}.Subject`, 'Subjects holds references to the objects the role applies to.'),
};

const crdNames = obj(
  {
    categories: strList('Grouped resources this custom resource belongs to (e.g. all).'),
    kind: str('The serialized kind of the resource.'),
    listKind: str('The serialized kind of the list for this resource.'),
    plural: str('The plural name of the resource to serve.'),
    shortNames: strList('Short names for the resource, exposed in API discovery documents.'),
    singular: str('The singular name of the resource.'),
  },
  'CustomResourceDefinitionNames indicates the names to serve this CustomResourceDefinition.',
  { required: ['plural', 'kind'] },
);

export const GROUP_SCHEMAS: Record<string, Schema> = {
  [`${EVENTS}.Event`]: kindSchema(
    'events.k8s.io',
    'v1',
    'Event',
    'Event is a report of an event somewhere in the cluster.',
    {
      action: str('What action was taken/failed regarding the regarding object.'),
      deprecatedCount: int('The deprecated field assuring backward compatibility with core.v1 Event type.'),
      deprecatedFirstTimestamp: time(
        'The deprecated field assuring backward compatibility with core.v1 Event type.',
      ),
      deprecatedLastTimestamp: time(
        'The deprecated field assuring backward compatibility with core.v1 Event type.',
      ),
      deprecatedSource: ref(
        `${CORE}.EventSource`,
        'The deprecated field assuring backward compatibility with core.v1 Event type.',
      ),
      eventTime: microTime('The time when this Event was first observed.'),
      note: str('A human-readable description of the status of this operation.'),
      reason: str('Why the action was taken.'),
      regarding: ref(`${CORE}.ObjectReference`, 'The object this Event is about.'),
      related: ref(`${CORE}.ObjectReference`, 'Optional secondary object for more complex actions.'),
      reportingController: str(
        'The name of the controller that emitted this Event, e.g. kubernetes.io/kubelet.',
      ),
      reportingInstance: str('The ID of the controller instance, e.g. kubelet-xyzf.'),
      series: obj(
        {
          count: int('The number of occurrences in this series up to the last heartbeat time.'),
          lastObservedTime: microTime('The time when last Event from the series was seen.'),
        },
        'Data about the Event series this event represents.',
        { required: ['count', 'lastObservedTime'] },
      ),
      type: str('The type of this event (Normal, Warning).'),
    },
    { required: ['eventTime'] },
  ),
  [`${COORDINATION}.Lease`]: kindSchema(
    'coordination.k8s.io',
    'v1',
    'Lease',
    'Lease defines a lease concept.',
    {
      spec: obj(
        {
          acquireTime: microTime('The time when the current lease was acquired.'),
          holderIdentity: str('The identity of the holder of a current lease.'),
          leaseDurationSeconds: int('Duration that candidates for a lease need to wait to force acquire it.'),
          leaseTransitions: int('The number of transitions of a lease between holders.'),
          preferredHolder: str(
            'Signals to a lease holder that the lease has a more optimal holder and should be given up.',
          ),
          renewTime: microTime('The time when the current holder of a lease has last updated the lease.'),
          strategy: str('The strategy for picking the leader for coordinated leader election.'),
        },
        'Specification of the Lease.',
      ),
    },
  ),
  [`${RBAC}.PolicyRule`]: policyRule,
  [`${RBAC}.RoleRef`]: obj(
    {
      apiGroup: str('The group for the resource being referenced.'),
      kind: str('The type of resource being referenced.'),
      name: str('The name of resource being referenced.'),
    },
    'RoleRef contains information that points to the role being used.',
    { required: ['apiGroup', 'kind', 'name'], 'x-kubernetes-map-type': 'atomic' },
  ),
  [`${RBAC}.Subject`]: obj(
    {
      apiGroup: str('The API group of the referenced subject.'),
      kind: str('Kind of object being referenced: User, Group or ServiceAccount.'),
      name: str('Name of the object being referenced.'),
      namespace: str('Namespace of the referenced object.'),
    },
    'Subject contains a reference to the object or user identities a role binding applies to.',
    { required: ['kind', 'name'], 'x-kubernetes-map-type': 'atomic' },
  ),
  [`${RBAC}.Role`]: kindSchema(
    'rbac.authorization.k8s.io',
    'v1',
    'Role',
    'Role is a namespaced, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding.',
    {
      rules: list(`${RBAC}.PolicyRule`, 'Rules holds all the PolicyRules for this Role.'),
    },
  ),
  [`${RBAC}.ClusterRole`]: kindSchema(
    'rbac.authorization.k8s.io',
    'v1',
    'ClusterRole',
    'ClusterRole is a cluster level, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding or ClusterRoleBinding.',
    {
      aggregationRule: obj(
        {
          clusterRoleSelectors: list(
            `${META}.LabelSelector`,
            'Selectors of ClusterRoles whose rules are aggregated.',
          ),
        },
        'An optional field that describes how to build the Rules for this ClusterRole.',
      ),
      rules: list(`${RBAC}.PolicyRule`, 'Rules holds all the PolicyRules for this ClusterRole.'),
    },
  ),
  [`${RBAC}.RoleBinding`]: kindSchema(
    'rbac.authorization.k8s.io',
    'v1',
    'RoleBinding',
    'RoleBinding references a role, but does not contain it.',
    bindingFields,
    { required: ['roleRef'] },
  ),
  [`${RBAC}.ClusterRoleBinding`]: kindSchema(
    'rbac.authorization.k8s.io',
    'v1',
    'ClusterRoleBinding',
    'ClusterRoleBinding references a ClusterRole, but does not contain it.',
    bindingFields,
    { required: ['roleRef'] },
  ),
  [`${APIEXTENSIONS}.CustomResourceDefinition`]: kindSchema(
    'apiextensions.k8s.io',
    'v1',
    'CustomResourceDefinition',
    'CustomResourceDefinition represents a resource that should be exposed on the API server.',
    {
      spec: obj(
        {
          conversion: obj(
            { strategy: str('None or Webhook.'), webhook: preserve('How to call the conversion webhook.') },
            'Conversion settings for the CRD.',
          ),
          group: str('The API group of the defined custom resource.'),
          names: crdNames,
          preserveUnknownFields: bool('Deprecated: use x-kubernetes-preserve-unknown-fields in the schema.'),
          scope: str(
            'Whether the defined custom resource is cluster- or namespace-scoped: Cluster or Namespaced.',
          ),
          versions: list(
            obj(
              {
                additionalPrinterColumns: list(preserve(), 'Additional columns returned in Table output.'),
                deprecated: bool('Whether this version of the custom resource API is deprecated.'),
                deprecationWarning: str('Overrides the default warning returned to API clients.'),
                name: str('The version name, e.g. v1, v2beta1.'),
                schema: obj(
                  { openAPIV3Schema: preserve('The OpenAPI v3 schema to use for validation and pruning.') },
                  'The schema used for validation, pruning, and defaulting of this version.',
                ),
                selectableFields: list(preserve(), 'Paths to fields that may be used as field selectors.'),
                served: bool('Whether this version is served via REST APIs.'),
                storage: bool(
                  'Whether this version should be used when persisting custom resources to storage.',
                ),
                subresources: obj(
                  { scale: preserve('The scale subresource.'), status: preserve('The status subresource.') },
                  'The subresources this version of the custom resource has.',
                ),
              },
              undefined,
              { required: ['name', 'served', 'storage'] },
            ),
            'The list of all API versions of the defined custom resource.',
          ),
        },
        'The specification for the CRD.',
        { required: ['group', 'names', 'scope', 'versions'] },
      ),
      status: obj(
        {
          acceptedNames: crdNames,
          conditions: list(
            obj(conditionFields, undefined, { required: ['type', 'status'] }),
            'Conditions indicate state for particular aspects of a CustomResourceDefinition.',
            { key: 'type' },
          ),
          storedVersions: strList('Versions of CustomResources that were ever persisted.'),
        },
        'The status of the CRD.',
      ),
    },
    { required: ['spec'] },
  ),
};
