// The messages the protobuf decoder knows, transcribed from the generated.proto files of
// k8s.io/apimachinery/pkg/apis/meta/v1, k8s.io/api/core/v1, apps/v1, authorization/v1 and authentication/v1: field number,
// JSON name and type. Each list is in the order the JSON form prints its fields.
export type FieldType =
  | 'string'
  | 'bytes'
  | 'bool'
  | 'int'
  | 'time'
  | 'fieldsV1'
  | 'intOrString'
  | 'message'
  | 'map'
  /** A field this decoder does not turn into JSON: the body is refused (415) when it is set. */
  | 'unsupported';

export interface FieldSpec {
  no: number;
  json: string;
  type: FieldType;
  repeated?: boolean;
  message?: MessageSpec;
  /**
   * Value type of a map field: map<string, string>, map<string, bytes>, map<string, Quantity> or
   * map<string, ExtraValue> (a list of strings: the `extra` of authentication and authorization).
   */
  mapValue?: 'string' | 'bytes' | 'quantity' | 'strings';
  /** A Go pointer (or a field JSON always carries): present on the wire means present, even if zero. */
  keepZero?: boolean;
}

/** The fields of a message, in the order the JSON form lists them. */
export type MessageSpec = readonly FieldSpec[];

const str = (no: number, json: string, keepZero = false): FieldSpec => ({
  no,
  json,
  type: 'string',
  keepZero,
});
const strs = (no: number, json: string): FieldSpec => ({ no, json, type: 'string', repeated: true });
const bool = (no: number, json: string, keepZero = false): FieldSpec => ({
  no,
  json,
  type: 'bool',
  keepZero,
});
const int = (no: number, json: string, keepZero = false): FieldSpec => ({ no, json, type: 'int', keepZero });
const time = (no: number, json: string): FieldSpec => ({ no, json, type: 'time' });
const map = (no: number, json: string, mapValue: FieldSpec['mapValue'] = 'string'): FieldSpec => ({
  no,
  json,
  type: 'map',
  mapValue,
});
const msg = (no: number, json: string, message: MessageSpec): FieldSpec => ({
  no,
  json,
  type: 'message',
  message,
});
const msgs = (no: number, json: string, message: MessageSpec): FieldSpec => ({
  no,
  json,
  type: 'message',
  message,
  repeated: true,
});
const unsupported = (no: number, json: string): FieldSpec => ({ no, json, type: 'unsupported' });

// k8s.io/apimachinery/pkg/apis/meta/v1

const OWNER_REFERENCE: MessageSpec = [
  str(5, 'apiVersion', true),
  str(1, 'kind', true),
  str(3, 'name', true),
  str(4, 'uid', true),
  bool(6, 'controller', true),
  bool(7, 'blockOwnerDeletion', true),
];

const MANAGED_FIELDS_ENTRY: MessageSpec = [
  str(1, 'manager'),
  str(2, 'operation'),
  str(3, 'apiVersion'),
  time(4, 'time'),
  str(6, 'fieldsType'),
  { no: 7, json: 'fieldsV1', type: 'fieldsV1' },
  str(8, 'subresource'),
];

const OBJECT_META: MessageSpec = [
  str(1, 'name'),
  str(2, 'generateName'),
  str(3, 'namespace'),
  str(4, 'selfLink'),
  str(5, 'uid'),
  str(6, 'resourceVersion'),
  int(7, 'generation'),
  time(8, 'creationTimestamp'),
  time(9, 'deletionTimestamp'),
  int(10, 'deletionGracePeriodSeconds', true),
  map(11, 'labels'),
  map(12, 'annotations'),
  msgs(13, 'ownerReferences', OWNER_REFERENCE),
  strs(14, 'finalizers'),
  msgs(17, 'managedFields', MANAGED_FIELDS_ENTRY),
];

const METADATA = msg(1, 'metadata', OBJECT_META);

const LABEL_SELECTOR: MessageSpec = [
  map(1, 'matchLabels'),
  msgs(2, 'matchExpressions', [str(1, 'key', true), str(2, 'operator', true), strs(3, 'values')]),
];

export const DELETE_OPTIONS: MessageSpec = [
  int(1, 'gracePeriodSeconds', true),
  msg(2, 'preconditions', [str(1, 'uid', true), str(2, 'resourceVersion', true)]),
  bool(3, 'orphanDependents', true),
  str(4, 'propagationPolicy', true),
  strs(5, 'dryRun'),
  bool(6, 'ignoreStoreReadErrorWithClusterBreakingPotential', true),
];

// k8s.io/api/core/v1

const CONFIG_MAP: MessageSpec = [
  METADATA,
  bool(4, 'immutable', true),
  map(2, 'data'),
  map(3, 'binaryData', 'bytes'),
];

const SECRET: MessageSpec = [
  METADATA,
  bool(5, 'immutable', true),
  map(2, 'data', 'bytes'),
  map(4, 'stringData'),
  str(3, 'type'),
];

const NAMESPACE: MessageSpec = [
  METADATA,
  msg(2, 'spec', [strs(1, 'finalizers')]),
  msg(3, 'status', [
    str(1, 'phase'),
    msgs(2, 'conditions', [
      str(1, 'type', true),
      str(2, 'status', true),
      time(4, 'lastTransitionTime'),
      str(5, 'reason'),
      str(6, 'message'),
    ]),
  ]),
];

const CONTAINER: MessageSpec = [
  str(1, 'name', true),
  str(2, 'image'),
  strs(3, 'command'),
  strs(4, 'args'),
  str(5, 'workingDir'),
  msgs(6, 'ports', [
    str(1, 'name'),
    int(2, 'hostPort'),
    int(3, 'containerPort', true),
    str(4, 'protocol'),
    str(5, 'hostIP'),
  ]),
  unsupported(19, 'envFrom'),
  msgs(7, 'env', [str(1, 'name', true), str(2, 'value'), unsupported(3, 'valueFrom')]),
  msg(8, 'resources', [
    map(1, 'limits', 'quantity'),
    map(2, 'requests', 'quantity'),
    unsupported(3, 'claims'),
  ]),
  unsupported(23, 'resizePolicy'),
  unsupported(24, 'restartPolicy'),
  unsupported(9, 'volumeMounts'),
  unsupported(21, 'volumeDevices'),
  unsupported(10, 'livenessProbe'),
  unsupported(11, 'readinessProbe'),
  unsupported(22, 'startupProbe'),
  unsupported(12, 'lifecycle'),
  str(13, 'terminationMessagePath'),
  str(20, 'terminationMessagePolicy'),
  str(14, 'imagePullPolicy'),
  unsupported(15, 'securityContext'),
  bool(16, 'stdin'),
  bool(17, 'stdinOnce'),
  bool(18, 'tty'),
];

const POD_SPEC: MessageSpec = [
  unsupported(1, 'volumes'),
  msgs(20, 'initContainers', CONTAINER),
  msgs(2, 'containers', CONTAINER),
  unsupported(34, 'ephemeralContainers'),
  str(3, 'restartPolicy'),
  int(4, 'terminationGracePeriodSeconds', true),
  int(5, 'activeDeadlineSeconds', true),
  str(6, 'dnsPolicy'),
  map(7, 'nodeSelector'),
  str(8, 'serviceAccountName'),
  str(9, 'serviceAccount'),
  bool(21, 'automountServiceAccountToken', true),
  str(10, 'nodeName'),
  bool(11, 'hostNetwork'),
  bool(12, 'hostPID'),
  bool(13, 'hostIPC'),
  bool(27, 'shareProcessNamespace', true),
  unsupported(14, 'securityContext'),
  msgs(15, 'imagePullSecrets', [str(1, 'name')]),
  str(16, 'hostname'),
  str(17, 'subdomain'),
  unsupported(18, 'affinity'),
  str(19, 'schedulerName'),
  msgs(22, 'tolerations', [
    str(1, 'key'),
    str(2, 'operator'),
    str(3, 'value'),
    str(4, 'effect'),
    int(5, 'tolerationSeconds', true),
  ]),
  unsupported(23, 'hostAliases'),
  str(24, 'priorityClassName'),
  int(25, 'priority', true),
  unsupported(26, 'dnsConfig'),
  unsupported(28, 'readinessGates'),
  str(29, 'runtimeClassName', true),
  bool(30, 'enableServiceLinks', true),
  str(31, 'preemptionPolicy', true),
  unsupported(32, 'overhead'),
  unsupported(33, 'topologySpreadConstraints'),
  bool(35, 'setHostnameAsFQDN', true),
  unsupported(36, 'os'),
  bool(37, 'hostUsers', true),
  unsupported(38, 'schedulingGates'),
  unsupported(39, 'resourceClaims'),
  unsupported(40, 'resources'),
];

const POD_TEMPLATE_SPEC: MessageSpec = [METADATA, msg(2, 'spec', POD_SPEC)];

// k8s.io/api/apps/v1

const DEPLOYMENT: MessageSpec = [
  METADATA,
  msg(2, 'spec', [
    int(1, 'replicas', true),
    msg(2, 'selector', LABEL_SELECTOR),
    msg(3, 'template', POD_TEMPLATE_SPEC),
    msg(4, 'strategy', [
      str(1, 'type'),
      msg(2, 'rollingUpdate', [
        { no: 1, json: 'maxUnavailable', type: 'intOrString' },
        { no: 2, json: 'maxSurge', type: 'intOrString' },
      ]),
    ]),
    int(5, 'minReadySeconds'),
    int(6, 'revisionHistoryLimit', true),
    bool(7, 'paused'),
    int(9, 'progressDeadlineSeconds', true),
  ]),
  msg(3, 'status', [
    int(1, 'observedGeneration'),
    int(2, 'replicas'),
    int(3, 'updatedReplicas'),
    int(7, 'readyReplicas'),
    int(4, 'availableReplicas'),
    int(5, 'unavailableReplicas'),
    msgs(6, 'conditions', [
      str(1, 'type', true),
      str(2, 'status', true),
      time(6, 'lastUpdateTime'),
      time(7, 'lastTransitionTime'),
      str(4, 'reason'),
      str(5, 'message'),
    ]),
    int(8, 'collisionCount', true),
  ]),
];

// k8s.io/api/authorization/v1 and k8s.io/api/authentication/v1: the reviews typed clients (`kubectl auth
// can-i`, `kubectl auth whoami`) send. The pointer fields (resourceAttributes, ...) are present when set.

const SELECTOR_ATTRIBUTES: MessageSpec = [
  str(1, 'rawSelector'),
  msgs(2, 'requirements', [str(1, 'key', true), str(2, 'operator', true), strs(3, 'values')]),
];

const RESOURCE_ATTRIBUTES: MessageSpec = [
  str(1, 'namespace'),
  str(2, 'verb'),
  str(3, 'group'),
  str(4, 'version'),
  str(5, 'resource'),
  str(6, 'subresource'),
  str(7, 'name'),
  msg(8, 'fieldSelector', SELECTOR_ATTRIBUTES),
  msg(9, 'labelSelector', SELECTOR_ATTRIBUTES),
];

const NON_RESOURCE_ATTRIBUTES: MessageSpec = [str(1, 'path'), str(2, 'verb')];

/** SubjectAccessReviewStatus: what a client sends is overwritten, but it decodes. */
const ACCESS_REVIEW_STATUS = msg(3, 'status', [
  bool(1, 'allowed', true),
  bool(4, 'denied'),
  str(2, 'reason'),
  str(3, 'evaluationError'),
]);

const SELF_SUBJECT_ACCESS_REVIEW: MessageSpec = [
  METADATA,
  msg(2, 'spec', [
    msg(1, 'resourceAttributes', RESOURCE_ATTRIBUTES),
    msg(2, 'nonResourceAttributes', NON_RESOURCE_ATTRIBUTES),
  ]),
  ACCESS_REVIEW_STATUS,
];

const SUBJECT_ACCESS_REVIEW: MessageSpec = [
  METADATA,
  msg(2, 'spec', [
    msg(1, 'resourceAttributes', RESOURCE_ATTRIBUTES),
    msg(2, 'nonResourceAttributes', NON_RESOURCE_ATTRIBUTES),
    str(3, 'user'),
    strs(4, 'groups'),
    map(5, 'extra', 'strings'),
    str(6, 'uid'),
  ]),
  ACCESS_REVIEW_STATUS,
];

const SELF_SUBJECT_RULES_REVIEW: MessageSpec = [
  METADATA,
  msg(2, 'spec', [str(1, 'namespace')]),
  msg(3, 'status', [
    msgs(1, 'resourceRules', [
      strs(1, 'verbs'),
      strs(2, 'apiGroups'),
      strs(3, 'resources'),
      strs(4, 'resourceNames'),
    ]),
    msgs(2, 'nonResourceRules', [strs(1, 'verbs'), strs(2, 'nonResourceURLs')]),
    bool(3, 'incomplete', true),
    str(4, 'evaluationError'),
  ]),
];

const USER_INFO: MessageSpec = [
  str(1, 'username'),
  str(2, 'uid'),
  strs(3, 'groups'),
  map(4, 'extra', 'strings'),
];

const SELF_SUBJECT_REVIEW: MessageSpec = [METADATA, msg(2, 'status', [msg(1, 'userInfo', USER_INFO)])];

const TOKEN_REVIEW: MessageSpec = [
  METADATA,
  msg(2, 'spec', [str(1, 'token'), strs(2, 'audiences')]),
  msg(3, 'status', [
    bool(1, 'authenticated'),
    msg(2, 'user', USER_INFO),
    strs(4, 'audiences'),
    str(3, 'error'),
  ]),
];

/** The kinds decoded, by apiVersion/kind; DeleteOptions comes under whatever version the client uses. */
export const KINDS: Readonly<Record<string, MessageSpec>> = {
  'v1/ConfigMap': CONFIG_MAP,
  'v1/Secret': SECRET,
  'v1/Namespace': NAMESPACE,
  'apps/v1/Deployment': DEPLOYMENT,
  'authorization.k8s.io/v1/SelfSubjectAccessReview': SELF_SUBJECT_ACCESS_REVIEW,
  'authorization.k8s.io/v1/SubjectAccessReview': SUBJECT_ACCESS_REVIEW,
  'authorization.k8s.io/v1/LocalSubjectAccessReview': SUBJECT_ACCESS_REVIEW,
  'authorization.k8s.io/v1/SelfSubjectRulesReview': SELF_SUBJECT_RULES_REVIEW,
  'authentication.k8s.io/v1/SelfSubjectReview': SELF_SUBJECT_REVIEW,
  'authentication.k8s.io/v1/TokenReview': TOKEN_REVIEW,
};
