// The end-to-end setup of the MQTT path: the embedded control plane with the CRDs, one real broker, an
// artifact server, the operator (transport mqtt, real time), and the proxies of one DeviceProxyPool run as
// processes by ProxyPods. Every part is real; only the kubelet is played (ProxyPods).

import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import type { DeviceProxyPoolSpec } from '../../../src/api/v1alpha1/deviceproxypool.js';
import type { TeamsDevice } from '../../../src/api/v1alpha1/teamsdevice.js';
import { parseConfig } from '../../../src/config/config.js';
import type { KubeClient } from '../../../src/k8s/client.js';
import type { KubeObject } from '../../../src/k8s/object.js';
import { resourcePath, TEAMS_RESOURCES } from '../../../src/k8s/resource.js';
import { type Operator, startOperator } from '../../../src/operator/index.js';
import { eventually } from '../../support/async.js';
import type { TestBroker } from '../../support/brokers.js';
import { device, plan, policy, pool, release } from '../../support/builders/index.js';
import type { ClusterFixture } from '../../support/cluster.js';
import { ProxyPods } from './proxy-pods.js';

export const FROM = '122.15.0.36';
export const TO = '122.15.0.40';

/** The bytes of firmware TO, served by the artifact server. */
export const ARTIFACT = Buffer.alloc(64 * 1024, 7);
export const ARTIFACT_SHA = createHash('sha256').update(ARTIFACT).digest('hex');

// Empty counts as unset: pino refuses an empty level.
const logLevel = () => process.env.TDO_TEST_LOG_LEVEL || 'silent';

/** Serves ARTIFACT at /firmware/<anything>; counts requests. */
export async function startArtifactServer(): Promise<{
  url: string;
  requests: () => number;
  stop(): Promise<void>;
}> {
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests++;
    if (!req.url?.startsWith('/firmware/')) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': ARTIFACT.length });
    res.end(ARTIFACT);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An operator of the test: transport mqtt on `broker`, ephemeral ports, real time. */
export interface OperatorStartOptions {
  clientId?: string;
  flags?: string[];
  identity?: string;
  leaderElection?: Parameters<typeof startOperator>[0]['leaderElection'];
}

export async function startMqttOperator(
  client: KubeClient,
  broker: TestBroker,
  options: OperatorStartOptions & { clientId: string },
): Promise<Operator> {
  const config = parseConfig(
    [
      '--transport',
      'mqtt',
      '--mqtt-url',
      broker.url,
      '--mqtt-client-id',
      options.clientId,
      '--metrics-port',
      '0',
      '--health-port',
      '0',
      '--log-level',
      logLevel(),
      ...(options.flags ?? []),
    ],
    {},
  );
  return startOperator({
    config,
    client,
    host: '127.0.0.1',
    logger: pino({ level: logLevel() }),
    ...(options.identity ? { identity: options.identity } : {}),
    ...(options.leaderElection ? { leaderElection: options.leaderElection } : {}),
  });
}

export interface FleetOptions {
  namespace: string;
  devices: number;
  simulator?: Partial<DeviceProxyPoolSpec['simulator']>;
  /** The sha256 the release claims; default the artifact's. */
  sha256?: string;
  /** The namespace's UpdatePolicy retry.maxAttempts; default the schema's. */
  maxAttempts?: number;
  /** The pool's driver; default simulator. */
  driver?: 'simulator' | 'http';
  /** The pool's spec.http.endpointTemplate (driver http). */
  endpointTemplate?: string;
}

/** The objects of a fleet: a release of TO (yesterday: no automatic update is due), a pool, devices on FROM. */
export function fleetObjects(artifactUrl: string, o: FleetOptions) {
  const yesterday = new Date(Date.now() - 24 * 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
  return {
    release: release({
      name: `mp56-${o.namespace}`,
      version: TO,
      releaseDate: yesterday,
      artifact: {
        url: `${artifactUrl}/firmware/${TO}.rom`,
        sha256: o.sha256 ?? ARTIFACT_SHA,
        sizeBytes: ARTIFACT.length,
      },
    }),
    pool: pool(
      {
        replicas: 1,
        driver: o.driver ?? 'simulator',
        http: { endpointTemplate: o.endpointTemplate ?? '' },
        simulator: {
          downloadSeconds: 0,
          installSeconds: 0,
          failurePercent: 0,
          offlinePercent: 0,
          fetchArtifacts: true,
          ...o.simulator,
        },
      },
      { name: 'default', namespace: o.namespace },
    ),
    policy: policy(o.maxAttempts ? { retry: { maxAttempts: o.maxAttempts, backoffMinutes: 0 } } : {}, {
      namespace: o.namespace,
    }),
    devices: Array.from({ length: o.devices }, (_, i) =>
      device({
        name: `phone-${String(i + 1).padStart(3, '0')}`,
        namespace: o.namespace,
        firmware: FROM,
        viaAnnotations: true,
        withStatus: false,
        phase: 'Final',
      }),
    ),
  };
}

/** Creates objects through the API (the device controller writes status). */
export async function createObjects(client: KubeClient, objects: object[]): Promise<void> {
  for (const object of objects) {
    const { status: _status, ...body } = object as KubeObject & { status?: unknown };
    const ref = TEAMS_RESOURCES[body.kind ?? ''];
    if (!ref) throw new Error(`no resource for kind ${body.kind}`);
    await client.create(resourcePath(ref, { namespace: body.metadata?.namespace }), body);
  }
}

export const devicePath = (namespace: string, name: string) =>
  `/apis/teamsdevices.io/v1alpha1/namespaces/${namespace}/teamsdevices/${name}`;

export async function getDevice(client: KubeClient, namespace: string, name: string): Promise<TeamsDevice> {
  return client.get<TeamsDevice & { metadata: { name: string } }>(devicePath(namespace, name));
}

export const condition = (d: TeamsDevice, type: string) => d.status?.conditions?.find((c) => c.type === type);

/** An immediate plan updating the firmware of `names`. */
export function immediatePlan(namespace: string, name: string, names: string[]) {
  return plan(name, { devices: { names } }, namespace);
}

/** Waits until every named device reports TO and its history ends with Succeeded. */
export async function untilUpdated(
  client: KubeClient,
  namespace: string,
  names: string[],
  limitMs = 60_000,
): Promise<void> {
  await eventually(
    async () => {
      for (const name of names) {
        const d = await getDevice(client, namespace, name);
        if (d.status?.reported?.firmwareVersion !== TO) return false;
        if (d.status?.history?.at(-1)?.result !== 'Succeeded') return false;
      }
      return true;
    },
    `${names.join(', ')} report ${TO}`,
    limitMs,
  );
}

/** The fixture of one describe: broker, artifacts, operator and the pool's proxies, started in `before`. */
export interface MqttFleet {
  broker: TestBroker;
  operator: Operator;
  pods: ProxyPods;
  client: KubeClient;
  artifacts: Awaited<ReturnType<typeof startArtifactServer>>;
}

export function useMqttFleet(
  cluster: ClusterFixture,
  startBroker: () => Promise<TestBroker>,
  fleet: Omit<FleetOptions, 'endpointTemplate'> & {
    proxyArgs?: string[];
    /** How the operator is started (a second one of the same installation uses the same options). */
    operator?: OperatorStartOptions;
    /** Computed in `before` (it may need a port), replacing endpointTemplate. */
    endpointTemplate?: string | (() => Promise<string>);
    /** Runs once the pool's ConfigMap exists, before the proxies start. */
    beforeProxies?: (client: KubeClient) => Promise<void>;
  },
): MqttFleet {
  const ctx = {} as MqttFleet;
  before(async function () {
    this.timeout(120_000);
    ctx.client = cluster.client();
    ctx.broker = await startBroker();
    ctx.artifacts = await startArtifactServer();
    await cluster.createNamespace(fleet.namespace);
    const { endpointTemplate, ...options } = fleet;
    const template = typeof endpointTemplate === 'function' ? await endpointTemplate() : endpointTemplate;
    const objects = fleetObjects(ctx.artifacts.url, {
      ...options,
      ...(template === undefined ? {} : { endpointTemplate: template }),
    });
    await createObjects(ctx.client, [objects.release, objects.policy, objects.pool, ...objects.devices]);
    ctx.operator = await startMqttOperator(ctx.client, ctx.broker, {
      clientId: `tdo-e2e-${fleet.namespace}`,
      ...fleet.operator,
    });
    ctx.pods = new ProxyPods({
      client: ctx.client,
      namespace: fleet.namespace,
      pool: 'default',
      brokerUrl: ctx.broker.url,
      extraArgs: fleet.proxyArgs ?? [],
      verbose: logLevel() !== 'silent',
    });
    await ctx.pods.open();
    await fleet.beforeProxies?.(ctx.client);
    await ctx.pods.start();
  });
  after(async function () {
    this.timeout(60_000);
    await ctx.pods?.close();
    await ctx.operator?.stop();
    await ctx.artifacts?.stop();
    await ctx.broker?.stop();
  });
  return ctx;
}
