// OpenAPI v3 schemas of the core/v1 pod template (PodSpec, Container, Volume, ...), with the merge keys kubectl
// uses for strategic merge patches: containers, env and volumes by name, volumeMounts by mountPath, ports by
// containerPort, conditions by type.
import {
  bool,
  CORE,
  described,
  int,
  int64,
  intOrString,
  list,
  META,
  OBJECT_META_DESCRIPTION,
  obj,
  preserve,
  QUANTITY,
  quantityMap,
  ref,
  type Schema,
  str,
  strList,
  strMap,
  time,
} from '../schema-kit.js';
import { conditionFields } from './meta.js';

const keySelector = (nameField: string, description: string): Schema =>
  obj(
    {
      key: str('The key to select.'),
      [nameField]: str('Name of the referent.'),
      optional: bool('Specify whether the referent or its key must be defined.'),
    },
    description,
    { required: ['key'], 'x-kubernetes-map-type': 'atomic' },
  );

const keyToPathList = (description: string) =>
  list(
    obj(
      {
        key: str('The key to project.'),
        mode: int('Mode bits used to set permissions on this file.'),
        path: str('The relative path of the file to map the key to.'),
      },
      undefined,
      { required: ['key', 'path'] },
    ),
    description,
  );

const handler = (description: string): Schema =>
  obj(
    {
      exec: obj(
        { command: strList('Command line to execute inside the container.') },
        'Exec specifies a command to execute.',
      ),
      httpGet: obj(
        {
          host: str('Host name to connect to.'),
          httpHeaders: list(
            obj({ name: str('The header field name.'), value: str('The header field value.') }, undefined, {
              required: ['name', 'value'],
            }),
            'Custom headers to set in the request.',
          ),
          path: str('Path to access on the HTTP server.'),
          port: intOrString('Name or number of the port to access on the container.'),
          scheme: str('Scheme to use for connecting to the host. Defaults to HTTP.'),
        },
        'HTTPGet specifies an HTTP GET request to perform.',
        { required: ['port'] },
      ),
      sleep: obj(
        { seconds: int64('Seconds is the number of seconds to sleep.') },
        'Sleep represents a duration.',
      ),
      tcpSocket: obj(
        { host: str('Host name to connect to.'), port: intOrString('Number or name of the port.') },
        'TCPSocket specifies a connection to a TCP port.',
        { required: ['port'] },
      ),
    },
    description,
  );

const probe = (description: string): Schema => {
  const h = handler(description);
  const properties = h.properties as Record<string, Schema>;
  delete properties.sleep;
  return obj(
    {
      ...properties,
      failureThreshold: int(
        'Minimum consecutive failures for the probe to be considered failed after having succeeded.',
      ),
      grpc: obj(
        { port: int('Port number of the gRPC service.'), service: str('Name of the gRPC service.') },
        'GRPC specifies a gRPC action.',
      ),
      initialDelaySeconds: int('Seconds after the container has started before probes are initiated.'),
      periodSeconds: int('How often (in seconds) to perform the probe.'),
      successThreshold: int(
        'Minimum consecutive successes for the probe to be considered successful after having failed.',
      ),
      terminationGracePeriodSeconds: int64(
        'Optional duration in seconds the pod needs to terminate gracefully upon probe failure.',
      ),
      timeoutSeconds: int('Number of seconds after which the probe times out.'),
    },
    description,
  );
};

const seccompProfile = obj(
  {
    localhostProfile: str('A profile defined in a file on the node.'),
    type: str('RuntimeDefault, Unconfined or Localhost.'),
  },
  'The seccomp options to use.',
);

/** Container and EphemeralContainer share their fields, and the Go tags on them (EphemeralContainerCommon). */
const CONTAINER_PROPERTIES: Record<string, Schema> = {
  args: strList('Arguments to the entrypoint.'),
  command: strList('Entrypoint array. Not executed within a shell.'),
  env: list(`${CORE}.EnvVar`, 'List of environment variables to set in the container.', { key: 'name' }),
  envFrom: list(
    obj({
      configMapRef: obj(
        { name: str('Name of the referent.'), optional: bool('Whether the ConfigMap must be defined.') },
        'The ConfigMap to select from.',
      ),
      prefix: str('An optional identifier to prepend to each key.'),
      secretRef: obj(
        { name: str('Name of the referent.'), optional: bool('Whether the Secret must be defined.') },
        'The Secret to select from.',
      ),
    }),
    'List of sources to populate environment variables in the container.',
  ),
  image: str('Container image name.'),
  imagePullPolicy: str('Image pull policy: Always, Never or IfNotPresent.'),
  lifecycle: obj(
    {
      postStart: handler('Called immediately after a container is created.'),
      preStop: handler('Called immediately before a container is terminated.'),
    },
    'Actions that the management system should take in response to container lifecycle events.',
  ),
  livenessProbe: probe('Periodic probe of container liveness.'),
  name: str('Name of the container specified as a DNS_LABEL.'),
  ports: list(`${CORE}.ContainerPort`, 'List of ports to expose from the container.', {
    key: 'containerPort',
    mapKeys: ['containerPort', 'protocol'],
  }),
  readinessProbe: probe('Periodic probe of container service readiness.'),
  resizePolicy: list(preserve(), 'Resources resize policy for the container.'),
  resources: ref(`${CORE}.ResourceRequirements`, 'Compute Resources required by this container.'),
  restartPolicy: str(
    'The restart behavior of individual containers in a pod (init containers only: Always).',
  ),
  securityContext: obj(
    {
      allowPrivilegeEscalation: bool('Whether a process can gain more privileges than its parent process.'),
      appArmorProfile: preserve('The AppArmor options to use by this container.'),
      capabilities: obj(
        { add: strList('Added capabilities.'), drop: strList('Removed capabilities.') },
        'The capabilities to add/drop when running containers.',
      ),
      privileged: bool('Run container in privileged mode.'),
      procMount: str('The type of proc mount to use for the containers.'),
      readOnlyRootFilesystem: bool('Whether this container has a read-only root filesystem.'),
      runAsGroup: int64('The GID to run the entrypoint of the container process.'),
      runAsNonRoot: bool('Indicates that the container must run as a non-root user.'),
      runAsUser: int64('The UID to run the entrypoint of the container process.'),
      seLinuxOptions: preserve('The SELinux context to be applied to the container.'),
      seccompProfile,
      windowsOptions: preserve('The Windows specific settings applied to the container.'),
    },
    'Security options the container should be run with.',
  ),
  startupProbe: probe('StartupProbe indicates that the Pod has successfully initialized.'),
  stdin: bool('Whether this container should allocate a buffer for stdin in the container runtime.'),
  stdinOnce: bool(
    'Whether the container runtime should close the stdin channel after it has been opened by a single attach.',
  ),
  terminationMessagePath: str(
    "Path at which the file to which the container's termination message will be written is mounted.",
  ),
  terminationMessagePolicy: str('File or FallbackToLogsOnError.'),
  tty: bool('Whether this container should allocate a TTY for itself.'),
  volumeDevices: list(
    obj({
      devicePath: str('The path inside of the container that the device will be mapped to.'),
      name: str('Must match the name of a persistentVolumeClaim in the pod.'),
    }),
    'The list of block devices to be used by the container.',
    { key: 'devicePath' },
  ),
  volumeMounts: list(`${CORE}.VolumeMount`, "Pod volumes to mount into the container's filesystem.", {
    key: 'mountPath',
  }),
  workingDir: str("Container's working directory."),
};

export const POD_SCHEMAS: Record<string, Schema> = {
  [`${CORE}.PodTemplateSpec`]: obj(
    {
      metadata: ref(`${META}.ObjectMeta`, OBJECT_META_DESCRIPTION),
      spec: ref(`${CORE}.PodSpec`, 'Specification of the desired behavior of the pod.'),
    },
    'PodTemplateSpec describes the data a pod should have when created from a template.',
  ),
  [`${CORE}.PodSpec`]: obj(
    {
      activeDeadlineSeconds: int64(
        'Duration in seconds the pod may be active on the node before the system actively tries to terminate it.',
      ),
      affinity: preserve("If specified, the pod's scheduling constraints."),
      automountServiceAccountToken: bool('Whether a service account token should be automatically mounted.'),
      containers: list(`${CORE}.Container`, 'List of containers belonging to the pod.', { key: 'name' }),
      dnsConfig: preserve('Specifies the DNS parameters of a pod.'),
      dnsPolicy: str('DNS policy for the pod: ClusterFirstWithHostNet, ClusterFirst, Default or None.'),
      enableServiceLinks: bool(
        "Whether information about services should be injected into pod's environment variables.",
      ),
      ephemeralContainers: list(
        `${CORE}.EphemeralContainer`,
        'Ephemeral containers run in this pod for user-initiated activities such as debugging.',
        { key: 'name' },
      ),
      hostAliases: list(
        obj(
          {
            hostnames: strList('Hostnames for the above IP address.'),
            ip: str('IP address of the host file entry.'),
          },
          undefined,
          { required: ['ip'] },
        ),
        "Hosts and IPs that will be injected into the pod's hosts file.",
        { key: 'ip' },
      ),
      hostIPC: bool("Use the host's ipc namespace."),
      hostNetwork: bool('Host networking requested for this pod.'),
      hostPID: bool("Use the host's pid namespace."),
      hostUsers: bool("Use the host's user namespace."),
      hostname: str('Specifies the hostname of the Pod.'),
      imagePullSecrets: list(
        `${CORE}.LocalObjectReference`,
        'References to secrets for pulling any of the images used by this PodSpec.',
        { key: 'name' },
      ),
      initContainers: list(`${CORE}.Container`, 'List of initialization containers belonging to the pod.', {
        key: 'name',
      }),
      nodeName: str('A request to schedule this pod onto a specific node.'),
      nodeSelector: strMap(
        "A selector which must match a node's labels for the pod to be scheduled on that node.",
        {
          'x-kubernetes-map-type': 'atomic',
        },
      ),
      os: obj(
        { name: str('The name of the operating system: linux or windows.') },
        'The OS of the containers in the pod.',
        { required: ['name'] },
      ),
      overhead: quantityMap('The resource overhead associated with running a pod for a given RuntimeClass.'),
      preemptionPolicy: str('Policy for preempting pods with lower priority: Never or PreemptLowerPriority.'),
      priority: int('The priority value.'),
      priorityClassName: str("If specified, indicates the pod's priority."),
      readinessGates: list(
        obj({ conditionType: str("Refers to a condition in the pod's condition list.") }, undefined, {
          required: ['conditionType'],
        }),
        'Pod readiness gates.',
      ),
      resourceClaims: list(
        preserve(),
        'ResourceClaims that must be allocated and reserved before the Pod is allowed to start.',
        {
          key: 'name',
          strategy: 'merge,retainKeys',
        },
      ),
      resources: ref(
        `${CORE}.ResourceRequirements`,
        'The total amount of CPU and memory resources required by all containers in the pod.',
      ),
      restartPolicy: str('Restart policy for all containers within the pod: Always, OnFailure or Never.'),
      runtimeClassName: str('The RuntimeClass object which should be used to run this pod.'),
      schedulerName: str('If specified, the pod will be dispatched by the specified scheduler.'),
      schedulingGates: list(
        obj({ name: str('Name of the scheduling gate.') }, undefined, { required: ['name'] }),
        'Gates that block scheduling the pod.',
        { key: 'name' },
      ),
      securityContext: obj(
        {
          appArmorProfile: preserve('The AppArmor options to use by the containers in this pod.'),
          fsGroup: int64('A special supplemental group that applies to all containers in a pod.'),
          fsGroupChangePolicy: str('OnRootMismatch or Always.'),
          runAsGroup: int64('The GID to run the entrypoint of the container process.'),
          runAsNonRoot: bool('Indicates that the container must run as a non-root user.'),
          runAsUser: int64('The UID to run the entrypoint of the container process.'),
          seLinuxChangePolicy: str(
            "How the container's SELinux label is applied to all volumes used by the Pod.",
          ),
          seLinuxOptions: preserve('The SELinux context to be applied to all containers.'),
          seccompProfile,
          supplementalGroups: described(
            { type: 'array', items: { type: 'integer', format: 'int64' } },
            'A list of groups applied to the first process run in each container.',
          ),
          supplementalGroupsPolicy: str(
            'How to calculate supplemental groups for the first container processes.',
          ),
          sysctls: list(
            obj({ name: str('Name of a property to set.'), value: str('Value of a property to set.') }),
            'Namespaced sysctls used for the pod.',
          ),
          windowsOptions: preserve('The Windows specific settings applied to all containers.'),
        },
        'Pod-level security attributes and common container settings.',
      ),
      serviceAccount: str('Deprecated: use serviceAccountName.'),
      serviceAccountName: str('The name of the ServiceAccount to use to run this pod.'),
      setHostnameAsFQDN: bool("The pod's hostname will be configured as the pod's FQDN."),
      shareProcessNamespace: bool('Share a single process namespace between all of the containers in a pod.'),
      subdomain: str(
        'If specified, the fully qualified Pod hostname will be "<hostname>.<subdomain>.<pod namespace>.svc.<cluster domain>".',
      ),
      terminationGracePeriodSeconds: int64(
        'Optional duration in seconds the pod needs to terminate gracefully.',
      ),
      tolerations: list(
        obj({
          effect: str('The taint effect to match.'),
          key: str('The taint key that the toleration applies to.'),
          operator: str('Exists or Equal.'),
          tolerationSeconds: int64('The period of time the toleration tolerates the taint.'),
          value: str('The taint value the toleration matches to.'),
        }),
        "If specified, the pod's tolerations.",
      ),
      topologySpreadConstraints: list(
        preserve(),
        'How a group of pods ought to spread across topology domains.',
        {
          key: 'topologyKey',
          mapKeys: ['topologyKey', 'whenUnsatisfiable'],
        },
      ),
      volumes: list(
        `${CORE}.Volume`,
        'List of volumes that can be mounted by containers belonging to the pod.',
        {
          key: 'name',
          strategy: 'merge,retainKeys',
        },
      ),
    },
    'PodSpec is a description of a pod.',
    { required: ['containers'] },
  ),
  [`${CORE}.Container`]: obj(
    CONTAINER_PROPERTIES,
    'A single application container that you want to run within a pod.',
    { required: ['name'] },
  ),
  [`${CORE}.EphemeralContainer`]: obj(
    {
      ...CONTAINER_PROPERTIES,
      targetContainerName: str('The name of a container in the PodSpec this ephemeral container targets.'),
    },
    'A temporary container added to an existing Pod for user-initiated activities such as debugging.',
    { required: ['name'] },
  ),
  [`${CORE}.EnvVar`]: obj(
    {
      name: str('Name of the environment variable.'),
      value: str(
        'Variable references $(VAR_NAME) are expanded using the previously defined environment variables.',
      ),
      valueFrom: obj(
        {
          configMapKeyRef: keySelector('name', 'Selects a key of a ConfigMap.'),
          fieldRef: obj(
            {
              apiVersion: str('Version of the schema the FieldPath is written in terms of.'),
              fieldPath: str('Path of the field to select.'),
            },
            'Selects a field of the pod.',
            { required: ['fieldPath'], 'x-kubernetes-map-type': 'atomic' },
          ),
          resourceFieldRef: obj(
            {
              containerName: str('Container name: required for volumes, optional for env vars.'),
              divisor: ref(QUANTITY, 'Specifies the output format of the exposed resources.'),
              resource: str('Required: resource to select.'),
            },
            'Selects a resource of the container.',
            { required: ['resource'], 'x-kubernetes-map-type': 'atomic' },
          ),
          secretKeyRef: keySelector('name', "Selects a key of a secret in the pod's namespace."),
        },
        "Source for the environment variable's value.",
      ),
    },
    'EnvVar represents an environment variable present in a Container.',
    { required: ['name'] },
  ),
  [`${CORE}.ContainerPort`]: obj(
    {
      containerPort: int("Number of port to expose on the pod's IP address."),
      hostIP: str('What host IP to bind the external port to.'),
      hostPort: int('Number of port to expose on the host.'),
      name: str('An IANA_SVC_NAME, unique within the pod.'),
      protocol: str('Protocol for port: UDP, TCP or SCTP. Defaults to TCP.', { default: 'TCP' }),
    },
    'ContainerPort represents a network port in a single container.',
    { required: ['containerPort'] },
  ),
  [`${CORE}.VolumeMount`]: obj(
    {
      mountPath: str('Path within the container at which the volume should be mounted.'),
      mountPropagation: str('How mounts are propagated from the host to container and the other way around.'),
      name: str('This must match the Name of a Volume.'),
      readOnly: bool('Mounted read-only if true, read-write otherwise.'),
      recursiveReadOnly: str('Whether read-only mounts should be handled recursively.'),
      subPath: str("Path within the volume from which the container's volume should be mounted."),
      subPathExpr: str(
        "Expanded path within the volume from which the container's volume should be mounted.",
      ),
    },
    'VolumeMount describes a mounting of a Volume within a container.',
    { required: ['name', 'mountPath'] },
  ),
  [`${CORE}.ResourceRequirements`]: obj(
    {
      claims: list(
        obj(
          { name: str('Name of a resource claim.'), request: str('Name of a request in that claim.') },
          undefined,
          { required: ['name'] },
        ),
        'Claims lists the names of resources defined in spec.resourceClaims.',
        // `+listType=map` without a patch strategy: server-side apply merges by name, a strategic patch replaces.
        { mapKeys: ['name'] },
      ),
      limits: quantityMap('The maximum amount of compute resources allowed.'),
      requests: quantityMap('The minimum amount of compute resources required.'),
    },
    'ResourceRequirements describes the compute resource requirements.',
  ),
  [`${CORE}.Volume`]: obj(
    {
      name: str('Name of the volume. Must be a DNS_LABEL and unique within the pod.'),
      configMap: obj(
        {
          defaultMode: int('Mode bits used to set permissions on created files by default.'),
          items: keyToPathList('Which keys of the ConfigMap to project, and where.'),
          name: str('Name of the referent.'),
          optional: bool('Whether the ConfigMap or its keys must be defined.'),
        },
        'A configMap that should populate this volume.',
      ),
      downwardAPI: preserve('Downward API about the pod that should populate this volume.'),
      emptyDir: obj(
        {
          medium: str('What type of storage medium should back this directory.'),
          sizeLimit: ref(QUANTITY, 'Total amount of local storage required.'),
        },
        "A temporary directory that shares a pod's lifetime.",
      ),
      ephemeral: preserve('A volume that is handled by a cluster storage driver.'),
      hostPath: obj(
        { path: str('Path of the directory on the host.'), type: str('Type for HostPath Volume.') },
        'A pre-existing file or directory on the host machine.',
        { required: ['path'] },
      ),
      image: preserve(
        'An OCI object (a container image or artifact) pulled and mounted on the host machine.',
      ),
      persistentVolumeClaim: obj(
        {
          claimName: str('The name of a PersistentVolumeClaim in the same namespace.'),
          readOnly: bool('Force the ReadOnly setting in VolumeMounts.'),
        },
        'A reference to a PersistentVolumeClaim in the same namespace.',
        { required: ['claimName'] },
      ),
      projected: obj(
        {
          defaultMode: int('Mode bits used to set permissions on created files by default.'),
          sources: list(preserve(), 'The list of volume projections.'),
        },
        'Items for all in one resources secrets, configmaps, and downward API.',
      ),
      secret: obj(
        {
          defaultMode: int('Mode bits used to set permissions on created files by default.'),
          items: keyToPathList('Which keys of the Secret to project, and where.'),
          optional: bool('Whether the Secret or its keys must be defined.'),
          secretName: str("Name of the secret in the pod's namespace to use."),
        },
        'A secret that should populate this volume.',
      ),
      ...Object.fromEntries(
        [
          'awsElasticBlockStore',
          'azureDisk',
          'azureFile',
          'cephfs',
          'cinder',
          'csi',
          'fc',
          'flexVolume',
          'flocker',
          'gcePersistentDisk',
          'gitRepo',
          'glusterfs',
          'iscsi',
          'nfs',
          'photonPersistentDisk',
          'portworxVolume',
          'quobyte',
          'rbd',
          'scaleIO',
          'storageos',
          'vsphereVolume',
        ].map((name) => [name, preserve(`A ${name} volume source.`)]),
      ),
    },
    'Volume represents a named volume in a pod that may be accessed by any container in the pod.',
    { required: ['name'] },
  ),
  [`${CORE}.PodStatus`]: obj(
    {
      conditions: list(
        obj({ ...conditionFields, lastProbeTime: time('Last time we probed the condition.') }, undefined, {
          required: ['type', 'status'],
        }),
        'Current service state of pod.',
        { key: 'type' },
      ),
      containerStatuses: list(preserve(), 'Statuses of the containers in this pod.'),
      ephemeralContainerStatuses: list(preserve(), 'Statuses of the ephemeral containers in this pod.'),
      hostIP: str('The IP address of the host to which the pod is assigned.'),
      hostIPs: list(
        obj({ ip: str('IP address assigned to the host.') }),
        'IP addresses allocated to the host.',
        // `+listType=atomic` yet `patchStrategy:"merge"`: a strategic patch merges by ip, server-side apply replaces.
        { key: 'ip', listType: 'atomic' },
      ),
      initContainerStatuses: list(preserve(), 'Statuses of the init containers in this pod.'),
      message: str('A human readable message indicating details about why the pod is in this condition.'),
      nominatedNodeName: str('Set only when this pod preempts other pods on the node.'),
      phase: str('Pending, Running, Succeeded, Failed or Unknown.'),
      podIP: str('The IP address allocated to the pod.'),
      podIPs: list(
        obj({ ip: str('IP address assigned to the pod.') }),
        'IP addresses allocated to the pod.',
        { key: 'ip' },
      ),
      qosClass: str('The Quality of Service (QOS) classification assigned to the pod.'),
      reason: str(
        'A brief CamelCase message indicating details about why the pod is in this state, e.g. Evicted.',
      ),
      resize: str("Status of desired resource resize for the pod's containers."),
      startTime: time('When the object was acknowledged by the Kubelet.'),
    },
    'PodStatus represents information about the status of a pod.',
  ),
};
