// The embedded Kubernetes-compatible control plane: `startLocalCluster()` serves the Kubernetes API for the
// built-in kinds the operator and Helm use and for any CustomResourceDefinition, on 127.0.0.1 by default,
// in memory or durably in a data directory. README.md in this folder maps the folders.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import pino from 'pino';
import { TokenAuthenticator } from './auth/identity.js';
import { REVIEWS } from './auth/reviews.js';
import { BUILTIN_BEHAVIORS } from './builtin/behaviors.js';
import { EVENTS_V1_CONVERSION } from './builtin/events.js';
import { BUILTIN_TYPES } from './builtin/types.js';
import type { Controller, ControllerContext } from './controllers/controller.js';
import { CrdController } from './controllers/crd.js';
import { DeploymentController } from './controllers/deployment.js';
import { EventReaper } from './controllers/events.js';
import { GarbageCollector } from './controllers/gc.js';
import { NamespaceController } from './controllers/namespace.js';
import { PodController, podHost } from './controllers/pods.js';
import { ReplicaSetController } from './controllers/replicaset.js';
import { CRD_BEHAVIOR } from './crd/behavior.js';
import type { ServerContext } from './handlers/context.js';
import { DiscoveryHandler } from './handlers/discovery.js';
import { answerClientError, requestHandler } from './http/server.js';
import { clientHost, renderKubeconfig } from './kubeconfig.js';
import type { LocalPodsOptions } from './pods/options.js';
import { LocalPodRunner } from './pods/runner.js';
import { Registry, storageKey } from './registry.js';
import { ObjectApi } from './rest/objects.js';
import { Database } from './store/database.js';
import type { OpenLogFile } from './store/wal.js';
import { selfSignedCertificate } from './tls.js';

export { type DroppingDestination, droppingDestination } from './log-destination.js';
export type { LocalCommand, LocalContainer, LocalPodsOptions } from './pods/options.js';
export { StorageDamage } from './store/errors.js';
export { DataDirInUse } from './store/lock.js';
export type { LogFile, OpenLogFile } from './store/wal.js';

export interface LocalClusterOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Address to listen on; default 127.0.0.1. */
  listen?: string;
  /** Directory holding the write-ahead log and snapshot; absent keeps everything in memory. */
  dataDir?: string;
  /** Where to write the kubeconfig (mode 0600); absent writes none (see `kubeconfig()`). */
  kubeconfigPath?: string;
  /** Bearer token clients must send; default random. */
  token?: string;
  /**
   * Serve HTTPS with a self-signed certificate generated at start, trusted by the kubeconfig (default false:
   * plain HTTP, see kubeconfig.ts for how each client then authenticates). TLS costs a full handshake per
   * request to client-node, which opens a new connection for every request.
   */
  tls?: boolean;
  /** Watch events kept to resume watches from a resourceVersion; default 20000. */
  watchHistory?: number;
  logger?: pino.Logger;
  /** Interval of BOOKMARK events to watches that allow them; default 5000 ms. */
  bookmarkIntervalMs?: number;
  /** Log bytes after which the state is compacted into a snapshot; default 64 MiB. */
  compactBytes?: number;
  /** Opens the write-ahead log's files: for tests that make the disk fail (full, short writes). */
  openLogFile?: OpenLogFile;
  /** The clock of server-set times (creationTimestamp, deletionTimestamp, conditions, Event expiry). */
  now?: () => Date;
  /** Run the Pods whose containers all use a local image as processes here (pods/options.ts); default off. */
  localPods?: LocalPodsOptions;
}

export interface LocalCluster {
  /** http(s)://host:port */
  url: string;
  token: string;
  kubeconfigPath?: string;
  /** A kubeconfig (YAML) for kubectl, helm and @kubernetes/client-node. */
  kubeconfig(): string;
  stop(): Promise<void>;
  /** The pids of the local pods' processes (empty without localPods). */
  podPids(): number[];
  /** Forgets the watch history: a watch from an older resourceVersion then gets 410 Expired (tests). */
  compactHistory(): void;
}

function builtinRegistry(): Registry {
  const registry = new Registry();
  for (const type of BUILTIN_TYPES) {
    const key = storageKey(type.group, type.plural);
    if (type.group === 'events.k8s.io') {
      registry.register(type, {
        key: 'events',
        storageApiVersion: 'v1',
        conversion: EVENTS_V1_CONVERSION,
        behavior: BUILTIN_BEHAVIORS.events,
      });
    } else if (key === 'customresourcedefinitions.apiextensions.k8s.io') {
      registry.register(type, { behavior: CRD_BEHAVIOR });
    } else if (REVIEWS[key]) {
      registry.register(type, { review: REVIEWS[key] });
    } else {
      registry.register(type, { behavior: BUILTIN_BEHAVIORS[key] });
    }
  }
  return registry;
}

export async function startLocalCluster(options: LocalClusterOptions = {}): Promise<LocalCluster> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const listen = options.listen ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('base64url');
  const now = options.now ?? (() => new Date());
  const db = await Database.open({
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
    watchHistory: options.watchHistory ?? 20_000,
    logger,
    ...(options.compactBytes !== undefined ? { compactBytes: options.compactBytes } : {}),
    ...(options.openLogFile ? { openLogFile: options.openLogFile } : {}),
  });
  const registry = builtinRegistry();
  const api = new ObjectApi(db, registry, now);
  const controllerContext: ControllerContext = { api, logger: logger.child({ component: 'controllers' }) };
  const pods =
    options.localPods &&
    new LocalPodRunner(
      { logger: logger.child({ component: 'pods' }), ...options.localPods },
      podHost(controllerContext),
    );
  if (pods) controllerContext.localPods = pods;
  const controllers: Controller[] = [
    ...(pods ? [new PodController(controllerContext, pods)] : []),
    new CrdController(controllerContext),
    new NamespaceController(controllerContext),
    new GarbageCollector(controllerContext),
    new DeploymentController(controllerContext),
    new ReplicaSetController(controllerContext),
    new EventReaper(controllerContext),
  ];
  db.hub.listen((change) => {
    for (const controller of controllers) controller.observe?.(change);
  });
  for (const controller of controllers) controller.start?.();

  const ctx: ServerContext = { api, db, registry, logger, authenticator: new TokenAuthenticator(token) };
  if (pods) ctx.podLogs = pods;
  let address = '';
  const discovery = new DiscoveryHandler(registry, () => address);
  const handler = requestHandler(ctx, discovery);
  const cert = options.tls ? selfSignedCertificate(new Date()) : undefined;
  const server: Server = cert
    ? createHttpsServer({ cert: cert.certPem, key: cert.keyPem }, handler)
    : createHttpServer(handler);
  server.on('clientError', answerClientError);
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;
  server.requestTimeout = 0;
  const responses = new Set<ServerResponse>();
  server.on('request', (_req, res: ServerResponse) => {
    responses.add(res);
    res.on('close', () => responses.delete(res));
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, listen, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    for (const controller of controllers) controller.stop?.();
    await pods?.stop();
    await db.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  address = `${clientHost(listen)}:${port}`;
  const url = `${cert ? 'https' : 'http'}://${address}`;
  const kubeconfig = renderKubeconfig({ server: url, token, ...(cert ? { caPem: cert.certPem } : {}) });
  if (options.kubeconfigPath) {
    await mkdir(dirname(options.kubeconfigPath), { recursive: true });
    await writeFile(options.kubeconfigPath, kubeconfig, { mode: 0o600 });
    await chmod(options.kubeconfigPath, 0o600);
  }
  const bookmarks = setInterval(() => db.hub.bookmarkAll(), options.bookmarkIntervalMs ?? 5000);
  bookmarks.unref();
  logger.info(
    { url, dataDir: options.dataDir, kubeconfig: options.kubeconfigPath },
    'control plane listening',
  );

  let stopping: Promise<void> | undefined;
  return {
    url,
    token,
    ...(options.kubeconfigPath ? { kubeconfigPath: options.kubeconfigPath } : {}),
    kubeconfig: () => kubeconfig,
    compactHistory: () => db.hub.compact(),
    podPids: () => pods?.pids() ?? [],
    stop() {
      stopping ??= (async () => {
        clearInterval(bookmarks);
        for (const controller of controllers) controller.stop?.();
        await pods?.stop();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const res of responses) if (!res.writableEnded) res.end();
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 1000).unref();
        await closed;
        await db.close();
      })();
      return stopping;
    },
  };
}
