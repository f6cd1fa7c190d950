// What a DeviceProxyPool runs: a Deployment of device proxies and a ConfigMap listing the pool's devices,
// both controlled by the pool (ownerReferences), so deleting the pool deletes them (the garbage collector).
import { createHash } from 'node:crypto';
import { type DeviceProxyPool, POOL_LABEL, SIMULATOR_HASH_ANNOTATION } from '../../api/v1alpha1/index.js';
import type { PoolDevice } from '../../core/pool/decide.js';
import { ownerReference } from '../../k8s/owner.js';
import type { ResourceRef } from '../../k8s/resource.js';
import type { PlainObject } from '../types.js';

export const DEPLOYMENTS: ResourceRef = {
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  plural: 'deployments',
  namespaced: true,
};

export const CONFIG_MAPS: ResourceRef = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  namespaced: true,
};

export const LABELS = {
  name: 'app.kubernetes.io/name',
  component: 'app.kubernetes.io/component',
  managedBy: 'app.kubernetes.io/managed-by',
  pool: POOL_LABEL,
} as const;

export const APP_NAME = 'teams-device-operator';
export const PROXY_COMPONENT = 'device-proxy';

/**
 * Selects every object the pool controller writes: the operator's Deployment and ConfigMap informers may
 * use it so that they cache only these, not every Deployment and ConfigMap of the cluster.
 */
export const PROXY_LABEL_SELECTOR = `${LABELS.name}=${APP_NAME},${LABELS.component}=${PROXY_COMPONENT}`;

/** Where the proxy container finds devices.json and simulator.json. */
export const POOL_CONFIG_DIR = '/etc/teams-device-operator/pool';
export const DEVICES_FILE = 'devices.json';
/**
 * Where the proxy keeps what must survive its own restart (finished command ids, simulated versions): an
 * emptyDir, which outlives the container, so a crashed proxy comes back knowing what it finished.
 */
export const PROXY_STATE_DIR = '/var/lib/teams-device-operator/proxy';
export const SIMULATOR_FILE = 'simulator.json';

/** Where the proxy serves /healthz and /metrics: every interface of the pod, so the kubelet can probe it. */
export const PROXY_HTTP_PORT = 8081;

export const deploymentName = (pool: string) => `tdo-proxy-${pool}`;
export const configMapName = (pool: string) => `tdo-proxy-${pool}-devices`;

/** The pool an object of ours belongs to, by name (for objects whose controller reference is gone). */
export function poolOfObjectName(kind: 'Deployment' | 'ConfigMap', name: string): string | undefined {
  const match = kind === 'Deployment' ? /^tdo-proxy-(.+)$/.exec(name) : /^tdo-proxy-(.+)-devices$/.exec(name);
  return match?.[1];
}

function selectorLabels(pool: DeviceProxyPool): Record<string, string> {
  return { [LABELS.name]: APP_NAME, [LABELS.component]: PROXY_COMPONENT, [LABELS.pool]: pool.metadata.name };
}

function labels(pool: DeviceProxyPool): Record<string, string> {
  return { ...selectorLabels(pool), [LABELS.managedBy]: APP_NAME };
}

function metadata(pool: DeviceProxyPool, name: string) {
  return {
    name,
    namespace: pool.metadata.namespace ?? 'default',
    labels: labels(pool),
    ownerReferences: [ownerReference(pool, { controller: true, blockOwnerDeletion: true })],
  };
}

function pretty(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** The ConfigMap the proxies read: devices.json (the pool's devices) and simulator.json (spec.simulator). */
export function desiredConfigMap(pool: DeviceProxyPool, devices: readonly PoolDevice[]): PlainObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: metadata(pool, configMapName(pool.metadata.name)),
    data: {
      [DEVICES_FILE]: pretty(devices),
      [SIMULATOR_FILE]: pretty(pool.spec.simulator),
    },
  };
}

/**
 * The proxy's command line: `proxy --pool --namespace --mqtt-url --driver --config-dir --state-dir --listen`, and the http driver's
 * template.
 */
export function proxyArgs(pool: DeviceProxyPool): string[] {
  const args = [
    'proxy',
    '--pool',
    pool.metadata.name,
    '--namespace',
    pool.metadata.namespace ?? 'default',
    '--mqtt-url',
    pool.spec.mqtt.url,
    '--driver',
    pool.spec.driver,
    // Explicit, though they are the defaults: a kubelet that cannot mount (local pods) rewrites them.
    '--config-dir',
    POOL_CONFIG_DIR,
    '--state-dir',
    PROXY_STATE_DIR,
    // The proxy binds 127.0.0.1 by default; in a pod the kubelet's probes come from outside it.
    '--listen',
    `0.0.0.0:${PROXY_HTTP_PORT}`,
  ];
  const template = pool.spec.http?.endpointTemplate;
  if (pool.spec.driver === 'http' && template) args.push('--http-endpoint-template', template);
  return args;
}

/**
 * The Deployment of proxies: `proxy --pool <name> --namespace <ns> --mqtt-url <url>`, broker credentials from
 * the Secret spec.mqtt.credentialsSecret (keys username and password) as TDO_MQTT_USERNAME and
 * TDO_MQTT_PASSWORD, the ConfigMap mounted at POOL_CONFIG_DIR. The pod template carries a hash of
 * simulator.json, so changing spec.simulator rolls the proxies; devices.json is not hashed, since the fleet
 * changes often and proxies re-read it.
 */
export function desiredDeployment(pool: DeviceProxyPool, image: string): PlainObject {
  const name = pool.metadata.name;
  const secret = pool.spec.mqtt.credentialsSecret;
  const simulatorHash = createHash('sha256').update(pretty(pool.spec.simulator)).digest('hex').slice(0, 16);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(pool, deploymentName(name)),
    spec: {
      replicas: pool.spec.replicas,
      selector: { matchLabels: selectorLabels(pool) },
      template: {
        metadata: {
          labels: labels(pool),
          annotations: { [SIMULATOR_HASH_ANNOTATION]: simulatorHash },
        },
        spec: {
          containers: [
            {
              name: 'proxy',
              image: pool.spec.image || image,
              args: proxyArgs(pool),
              ports: [{ name: 'http', containerPort: PROXY_HTTP_PORT, protocol: 'TCP' }],
              // A proxy that stops answering /healthz gets no new traffic, then is restarted.
              readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10 },
              livenessProbe: {
                httpGet: { path: '/healthz', port: 'http' },
                periodSeconds: 20,
                failureThreshold: 3,
              },
              env: [
                // The proxy names itself by its pod (its presence topic): the downward API tells it.
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                { name: 'TDO_MQTT_USERNAME', valueFrom: { secretKeyRef: { name: secret, key: 'username' } } },
                { name: 'TDO_MQTT_PASSWORD', valueFrom: { secretKeyRef: { name: secret, key: 'password' } } },
              ],
              volumeMounts: [
                { name: 'pool', mountPath: POOL_CONFIG_DIR, readOnly: true },
                { name: 'state', mountPath: PROXY_STATE_DIR },
              ],
            },
          ],
          volumes: [
            { name: 'pool', configMap: { name: configMapName(name) } },
            { name: 'state', emptyDir: {} },
          ],
        },
      },
    },
  };
}
