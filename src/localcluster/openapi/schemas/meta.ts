// OpenAPI v3 schemas of meta/v1 (ObjectMeta, ListMeta, Status, DeleteOptions, ...) and the shared scalar types.
import {
  bool,
  INT_OR_STRING,
  int,
  int64,
  list,
  META,
  obj,
  QUANTITY,
  ref,
  type Schema,
  str,
  strList,
  strMap,
  TYPE_META,
  time,
} from '../schema-kit.js';

export const conditionFields = {
  lastTransitionTime: time('Last time the condition transitioned from one status to another.'),
  message: str('A human readable message indicating details about the transition.'),
  reason: str("The reason for the condition's last transition."),
  status: str('Status of the condition, one of True, False, Unknown.'),
  type: str('Type of condition.'),
};

export const META_SCHEMAS: Record<string, Schema> = {
  [`${META}.Time`]: {
    description: 'Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON.',
    type: 'string',
    format: 'date-time',
  },
  [`${META}.MicroTime`]: {
    description: 'MicroTime is version of Time with microsecond level precision.',
    type: 'string',
    format: 'date-time',
  },
  [`${META}.FieldsV1`]: {
    description: 'FieldsV1 stores a set of fields in a data structure like a Trie, in JSON format.',
    type: 'object',
  },
  [INT_OR_STRING]: {
    description: 'IntOrString is a type that can hold an int32 or a string.',
    format: 'int-or-string',
    oneOf: [{ type: 'integer' }, { type: 'string' }],
  },
  [QUANTITY]: {
    description: 'Quantity is a fixed-point representation of a number, e.g. 100m, 1Gi, 2.',
    oneOf: [{ type: 'string' }, { type: 'number' }],
  },
  [`${META}.ObjectMeta`]: obj(
    {
      annotations: strMap('Annotations is an unstructured key value map stored with a resource.'),
      creationTimestamp: time(
        'CreationTimestamp is a timestamp representing the server time when this object was created.',
      ),
      deletionGracePeriodSeconds: int64('Number of seconds allowed for this object to gracefully terminate.'),
      deletionTimestamp: time('DeletionTimestamp is the time after which this resource will be deleted.'),
      finalizers: strList('Must be empty before the object is deleted from the registry.', {
        'x-kubernetes-list-type': 'set',
        'x-kubernetes-patch-strategy': 'merge',
      }),
      generateName: str('An optional prefix, used by the server, to generate a unique name.'),
      generation: int64('A sequence number representing a specific generation of the desired state.'),
      labels: strMap('Map of string keys and values that can be used to organize and categorize objects.'),
      managedFields: list(`${META}.ManagedFieldsEntry`, 'Which workflow and version manage which fields.'),
      name: str('Name must be unique within a namespace.'),
      namespace: str('Namespace defines the space within which each name must be unique.'),
      ownerReferences: list(`${META}.OwnerReference`, 'List of objects depended by this object.', {
        key: 'uid',
      }),
      resourceVersion: str('An opaque value that represents the internal version of this object.'),
      selfLink: str(
        'Deprecated: selfLink is a legacy read-only field that is no longer populated by the system.',
      ),
      uid: str('UID is the unique in time and space value for this object.'),
    },
    'ObjectMeta is metadata that all persisted resources must have.',
  ),
  [`${META}.OwnerReference`]: obj(
    {
      apiVersion: str('API version of the referent.'),
      blockOwnerDeletion: bool(
        'If true, the owner cannot be deleted from storage until this reference is removed.',
      ),
      controller: bool('If true, this reference points to the managing controller.'),
      kind: str('Kind of the referent.'),
      name: str('Name of the referent.'),
      uid: str('UID of the referent.'),
    },
    'OwnerReference contains enough information to let you identify an owning object.',
    { required: ['apiVersion', 'kind', 'name', 'uid'], 'x-kubernetes-map-type': 'atomic' },
  ),
  [`${META}.ManagedFieldsEntry`]: obj(
    {
      apiVersion: str('The version of this resource that this field set applies to.'),
      fieldsType: str('The discriminator for the fields format; the only value is FieldsV1.'),
      fieldsV1: ref(`${META}.FieldsV1`, 'The first JSON version format.'),
      manager: str('An identifier of the workflow managing these fields.'),
      operation: str('The type of operation which lead to this entry: Apply or Update.'),
      subresource: str('The name of the subresource used to update that object, or empty.'),
      time: time('The timestamp of when the ManagedFields entry was added.'),
    },
    'ManagedFieldsEntry is a workflow-id, a FieldSet and the group version of the resource that the fieldset applies to.',
  ),
  [`${META}.ListMeta`]: obj(
    {
      continue: str('Set if the user should use this value to retrieve more results from the server.'),
      remainingItemCount: int64(
        'The number of subsequent items in the list which are not included in this list.',
      ),
      resourceVersion: str("Identifies the server's internal version of this object."),
      selfLink: str('Deprecated.'),
    },
    'ListMeta describes metadata that synthetic resources must have.',
  ),
  [`${META}.LabelSelector`]: obj(
    {
      matchExpressions: list(
        `${META}.LabelSelectorRequirement`,
        'A list of label selector requirements (ANDed).',
      ),
      matchLabels: strMap('A map of {key,value} pairs, each equivalent to an In requirement with one value.'),
    },
    'A label selector is a label query over a set of resources.',
    { 'x-kubernetes-map-type': 'atomic' },
  ),
  [`${META}.LabelSelectorRequirement`]: obj(
    {
      key: str('The label key that the selector applies to.'),
      operator: str('In, NotIn, Exists or DoesNotExist.'),
      values: strList('An array of string values.'),
    },
    'A selector that contains values, a key, and an operator that relates the key and values.',
    { required: ['key', 'operator'] },
  ),
  [`${META}.Condition`]: obj(
    { ...conditionFields, observedGeneration: int64('The .metadata.generation the condition was set from.') },
    'Condition contains details for one aspect of the current state of this API Resource.',
    { required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'] },
  ),
  [`${META}.Status`]: obj(
    {
      ...TYPE_META,
      code: int('Suggested HTTP return code for this status, 0 if not set.'),
      details: ref(`${META}.StatusDetails`, 'Extended data associated with the reason.'),
      message: str('A human-readable description of the status of this operation.'),
      metadata: ref(`${META}.ListMeta`, 'Standard list metadata.'),
      reason: str('A machine-readable description of why this operation is in the "Failure" status.'),
      status: str('Status of the operation. One of: "Success" or "Failure".'),
    },
    'Status is a return value for calls that do not return other objects.',
    { 'x-kubernetes-group-version-kind': [{ group: '', kind: 'Status', version: 'v1' }] },
  ),
  [`${META}.StatusDetails`]: obj(
    {
      causes: list(
        `${META}.StatusCause`,
        'The Causes array includes more details associated with the failure.',
      ),
      group: str('The group attribute of the resource associated with the status.'),
      kind: str('The kind attribute of the resource associated with the status.'),
      name: str('The name attribute of the resource associated with the status.'),
      retryAfterSeconds: int('If specified, the time in seconds before the operation should be retried.'),
      uid: str('UID of the resource.'),
    },
    'StatusDetails is a set of additional properties that MAY be set by the server.',
  ),
  [`${META}.StatusCause`]: obj(
    {
      field: str('The field of the resource that has caused this error, e.g. spec.type.'),
      message: str('A human-readable description of the cause of the error.'),
      reason: str('A machine-readable description of the cause of the error.'),
    },
    'StatusCause provides more information about an api.Status failure.',
  ),
  [`${META}.DeleteOptions`]: obj(
    {
      ...TYPE_META,
      dryRun: strList('When present, indicates that modifications should not be persisted.'),
      gracePeriodSeconds: int64('The duration in seconds before the object should be deleted.'),
      orphanDependents: bool('Deprecated: use propagationPolicy.'),
      preconditions: ref(`${META}.Preconditions`, 'Must be fulfilled before a deletion is carried out.'),
      propagationPolicy: str(
        "Whether and how garbage collection will be performed: 'Orphan', 'Background' or 'Foreground'.",
      ),
    },
    'DeleteOptions may be provided when deleting an API object.',
  ),
  [`${META}.Preconditions`]: obj(
    { resourceVersion: str('Specifies the target ResourceVersion'), uid: str('Specifies the target UID.') },
    'Preconditions must be fulfilled before an operation (update, delete, etc.) is carried out.',
  ),
  [`${META}.Patch`]: {
    description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.',
    type: 'object',
  },
};
