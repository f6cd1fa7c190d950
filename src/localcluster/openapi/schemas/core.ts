// OpenAPI v3 schemas of the other core/v1 kinds served: Namespace, ConfigMap, Secret, ServiceAccount, Service,
// Pod, Event.
import {
  bool,
  CORE,
  described,
  int,
  intOrString,
  kindSchema,
  list,
  META,
  microTime,
  obj,
  preserve,
  ref,
  type Schema,
  str,
  strList,
  strMap,
  time,
} from '../schema-kit.js';
import { conditionFields } from './meta.js';

export const CORE_SCHEMAS: Record<string, Schema> = {
  [`${CORE}.Namespace`]: kindSchema('', 'v1', 'Namespace', 'Namespace provides a scope for Names.', {
    spec: obj(
      {
        finalizers: strList(
          'An opaque list of values that must be empty to permanently remove the namespace.',
        ),
      },
      'Spec defines the behavior of the Namespace.',
    ),
    status: obj(
      {
        conditions: list(
          obj(conditionFields, 'NamespaceCondition contains details about state of namespace.', {
            required: ['type', 'status'],
          }),
          "Represents the latest available observations of a namespace's current state.",
          { key: 'type' },
        ),
        phase: str('The current lifecycle phase of the namespace: Active or Terminating.'),
      },
      'Status describes the current status of a Namespace.',
    ),
  }),
  [`${CORE}.ConfigMap`]: kindSchema(
    '',
    'v1',
    'ConfigMap',
    'ConfigMap holds configuration data for pods to consume.',
    {
      binaryData: described(
        { type: 'object', additionalProperties: { type: 'string', format: 'byte' } },
        'Binary data, base64 encoded.',
      ),
      data: strMap('Data contains the configuration data.'),
      immutable: bool('If set to true, ensures that data stored in the ConfigMap cannot be updated.'),
    },
  ),
  [`${CORE}.Secret`]: kindSchema('', 'v1', 'Secret', 'Secret holds secret data of a certain type.', {
    data: described(
      { type: 'object', additionalProperties: { type: 'string', format: 'byte' } },
      'Secret data, base64 encoded.',
    ),
    immutable: bool('If set to true, ensures that data stored in the Secret cannot be updated.'),
    stringData: strMap('Write-only non-binary secret data in string form, merged into data on write.'),
    type: str('Used to facilitate programmatic handling of secret data, e.g. Opaque.'),
  }),
  [`${CORE}.ServiceAccount`]: kindSchema(
    '',
    'v1',
    'ServiceAccount',
    'ServiceAccount binds together a name, a principal and a set of secrets.',
    {
      automountServiceAccountToken: bool(
        'Whether pods running as this service account should have an API token automatically mounted.',
      ),
      imagePullSecrets: list(
        `${CORE}.LocalObjectReference`,
        'References to secrets for pulling container images.',
      ),
      secrets: list(
        `${CORE}.ObjectReference`,
        'Secrets allowed to be used by pods running using this ServiceAccount.',
        { key: 'name' },
      ),
    },
  ),
  [`${CORE}.LocalObjectReference`]: obj(
    { name: str('Name of the referent.') },
    'A reference to an object in the same namespace.',
    { 'x-kubernetes-map-type': 'atomic' },
  ),
  [`${CORE}.ObjectReference`]: obj(
    {
      apiVersion: str('API version of the referent.'),
      fieldPath: str(
        'If referring to a piece of an object instead of an entire object, the path to it, e.g. spec.containers{name}.',
      ),
      kind: str('Kind of the referent.'),
      name: str('Name of the referent.'),
      namespace: str('Namespace of the referent.'),
      resourceVersion: str('Specific resourceVersion to which this reference is made, if any.'),
      uid: str('UID of the referent.'),
    },
    'ObjectReference contains enough information to let you inspect or modify the referred object.',
    { 'x-kubernetes-map-type': 'atomic' },
  ),
  [`${CORE}.Service`]: kindSchema(
    '',
    'v1',
    'Service',
    'Service is a named abstraction of software service (for example, mysql) consisting of local port that the proxy listens on, and the selector that determines which pods will answer requests sent through the proxy.',
    {
      spec: ref(`${CORE}.ServiceSpec`, 'Spec defines the behavior of a service.'),
      status: obj(
        {
          conditions: list(`${META}.Condition`, 'Current service state.', { key: 'type' }),
          loadBalancer: preserve(
            'LoadBalancer contains the current status of the load-balancer, if one is present.',
          ),
        },
        'Most recently observed status of the service.',
      ),
    },
  ),
  [`${CORE}.ServiceSpec`]: obj(
    {
      allocateLoadBalancerNodePorts: bool(
        'Whether NodePorts will be allocated for services with type LoadBalancer.',
      ),
      clusterIP: str('The IP address of the service, usually assigned randomly.'),
      clusterIPs: strList('IP addresses assigned to this service.'),
      externalIPs: strList(
        'IP addresses for which nodes in the cluster will also accept traffic for this service.',
      ),
      externalName: str(
        'The external reference that discovery mechanisms will return as an alias (type ExternalName).',
      ),
      externalTrafficPolicy: str(
        'How nodes distribute service traffic they receive on externally-facing addresses.',
      ),
      healthCheckNodePort: int('The healthcheck nodePort for the service.'),
      internalTrafficPolicy: str('How nodes distribute service traffic they receive on the ClusterIP.'),
      ipFamilies: strList('IP families (IPv4, IPv6) assigned to this service.'),
      ipFamilyPolicy: str('The dual-stackness requested or required by this Service.'),
      loadBalancerClass: str('The class of the load balancer implementation this Service belongs to.'),
      loadBalancerIP: str('Deprecated: only applies to type LoadBalancer.'),
      loadBalancerSourceRanges: strList('Client IPs allowed through a cloud-provider load-balancer.'),
      ports: list(`${CORE}.ServicePort`, 'The list of ports that are exposed by this service.', {
        key: 'port',
        mapKeys: ['port', 'protocol'],
      }),
      publishNotReadyAddresses: bool('Whether addresses of not-ready endpoints are published.'),
      selector: strMap('Route service traffic to pods with label keys and values matching this selector.', {
        'x-kubernetes-map-type': 'atomic',
      }),
      sessionAffinity: str('ClientIP or None.'),
      sessionAffinityConfig: preserve('The configurations of session affinity.'),
      trafficDistribution: str('How to distribute traffic to service endpoints.'),
      type: str('How the Service is exposed: ClusterIP, NodePort, LoadBalancer or ExternalName.'),
    },
    'ServiceSpec describes the attributes that a user creates on a service.',
  ),
  [`${CORE}.ServicePort`]: obj(
    {
      appProtocol: str('The application protocol for this port.'),
      name: str('The name of this port within the service.'),
      nodePort: int(
        'The port on each node on which this service is exposed when type is NodePort or LoadBalancer.',
      ),
      port: int('The port that will be exposed by this service.'),
      protocol: str('The IP protocol for this port: TCP, UDP or SCTP. Default is TCP.', { default: 'TCP' }),
      targetPort: intOrString('Number or name of the port to access on the pods targeted by the service.'),
    },
    "ServicePort contains information on service's port.",
    { required: ['port'] },
  ),
  [`${CORE}.Pod`]: kindSchema('', 'v1', 'Pod', 'Pod is a collection of containers that can run on a host.', {
    spec: ref(`${CORE}.PodSpec`, 'Specification of the desired behavior of the pod.'),
    status: ref(`${CORE}.PodStatus`, 'Most recently observed status of the pod.'),
  }),
  [`${CORE}.Event`]: kindSchema(
    '',
    'v1',
    'Event',
    'Event is a report of an event somewhere in the cluster.',
    {
      action: str('What action was taken/failed regarding the Regarding object.'),
      count: int('The number of times this event has occurred.'),
      eventTime: microTime('Time when this Event was first observed.'),
      firstTimestamp: time('The time at which the event was first recorded.'),
      involvedObject: ref(`${CORE}.ObjectReference`, 'The object that this event is about.'),
      lastTimestamp: time('The time at which the most recent occurrence of this event was recorded.'),
      message: str('A human-readable description of the status of this operation.'),
      reason: str(
        "A short, machine understandable string that gives the reason for the transition into the object's current status.",
      ),
      related: ref(`${CORE}.ObjectReference`, 'Optional secondary object for more complex actions.'),
      reportingComponent: str('Name of the controller that emitted this Event, e.g. kubernetes.io/kubelet.'),
      reportingInstance: str('ID of the controller instance, e.g. kubelet-xyzf.'),
      series: obj(
        {
          count: int('Number of occurrences in this series up to the last heartbeat time.'),
          lastObservedTime: microTime('Time of the last occurrence observed.'),
        },
        'Data about the Event series this event represents.',
      ),
      source: ref(`${CORE}.EventSource`, 'The component reporting this event.'),
      type: str('Type of this event (Normal, Warning).'),
    },
    { required: ['metadata', 'involvedObject'] },
  ),
  [`${CORE}.EventSource`]: obj(
    {
      component: str('Component from which the event is generated.'),
      host: str('Node name on which the event is generated.'),
    },
    'EventSource contains information for an event.',
  ),
};
