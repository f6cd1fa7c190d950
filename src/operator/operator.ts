// startOperator: the whole operator in one process. Builds the Manager (probe and metrics servers, the seven
// informers, leader election), the EventRecorder, the device transport and the five controllers, then starts
// it. The transport comes from createTransport with whatever runs beside it (transport memory: the simulated
// devices), which it starts first. It runs on the leader only, before the controllers, and stops after them,
// so no command is sent on a stopped transport.
import pino, { type Logger } from 'pino';
import { type Config, redactConfig } from '../config/config.js';
import type { MqttSecrets } from '../config/mqtt-files.js';
import type { ControllerFactory, OperatorContext, OperatorInformers } from '../controllers/types.js';
import type { KubeClient } from '../k8s/client.js';
import { EventRecorder } from '../k8s/events.js';
import type { KubeObject } from '../k8s/object.js';
import { type Clock, RealClock } from '../runtime/clock.js';
import type { Controller } from '../runtime/controller.js';
import type { Informer } from '../runtime/informer.js';
import { Manager, type ManagerOptions, type StopReason } from '../runtime/manager.js';
import { OperatorMetrics } from '../runtime/metrics.js';
import { safeLogger } from '../runtime/safe-logger.js';
import { createTransport } from '../transport/factory.js';
import type { MemoryTransport } from '../transport/memory.js';
import { registerTransportMetrics } from '../transport/metrics.js';
import type { DeviceTransport } from '../transport/types.js';
import { CONTROLLERS, registerControllers } from './controllers.js';
import { createInformers } from './informers.js';
import { invalidObjectReporter } from './invalid-objects.js';
import { clientFromConfig } from './kube.js';

/** The name the operator reports in Events and logs. */
export const COMPONENT = 'teams-device-operator';

/** The proxy image when none is configured: the operator's own image (the chart sets it). */
export const DEFAULT_IMAGE = 'teams-device-operator:latest';

export interface OperatorOptions {
  config: Readonly<Config>;
  /** Default: a client from config.kubeconfig. */
  client?: KubeClient;
  /** The operator's clock: every decision, timer and simulated device. Default RealClock. */
  clock?: Clock;
  /** Real time: retry backoff, informer restarts, leader election. Default RealClock. */
  wallClock?: Clock;
  /**
   * This MemoryTransport, with the cluster's devices simulated in it, rather than the one config.transport
   * names (tests and the bench share one between operators). Default: createTransport(config).
   */
  transport?: MemoryTransport;
  logger?: Logger;
  /** The MQTT password and TLS material, already read; default: read from the files config.mqtt names. */
  mqttSecrets?: MqttSecrets;
  /** The operator's own image, the default of proxy pods. */
  image?: string;
  metrics?: OperatorMetrics;
  /** Leader-election identity; default <instanceName or hostname>_<random>. */
  identity?: string;
  /** Interface of the probe and metrics servers, over config.healthHost/metricsHost (default loopback). */
  host?: string;
  /** Leader election timings (tests). */
  leaderElection?: ManagerOptions['leaderElection'];
  /** Default: all five (tests may run fewer). */
  controllers?: readonly ControllerFactory[];
  /** Stop on SIGTERM/SIGINT of this process (registered before the caches sync, removed once stopped). */
  signals?: Pick<NodeJS.Process, 'once' | 'off'>;
}

export interface Operator {
  manager: Manager;
  transport: DeviceTransport;
  context: OperatorContext;
  informers: OperatorInformers;
  /** By controller name. */
  controllers: ReadonlyMap<string, Controller>;
  /** Stops everything (idempotent); `done` then resolves with 'stopped'. */
  stop(): Promise<void>;
  /** Resolves with why the operator stopped: stopped, signal, leadership-lost or failed. */
  done: Promise<StopReason>;
}

/**
 * Builds and starts the operator. Resolves once the caches have synced and leadership is settled (this
 * replica leads and its controllers are starting, or it stands by). Throws ConfigError when a file the
 * transport needs (MQTT password, TLS) cannot be read, before anything is started.
 */
export async function startOperator(options: OperatorOptions): Promise<Operator> {
  const { config } = options;
  // Whatever logger it is given, nothing it logs shows a credential (a token inside a URL, a header).
  const logger = safeLogger(options.logger ?? pino({ level: config.logLevel }));
  const clock = options.clock ?? new RealClock();
  const wallClock = options.wallClock ?? new RealClock();
  const client = options.client ?? clientFromConfig(config);
  const metrics = options.metrics ?? new OperatorMetrics();

  const manager = new Manager({
    config,
    client,
    clock,
    wallClock,
    logger,
    metrics,
    ...(options.identity === undefined ? {} : { identity: options.identity }),
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.leaderElection === undefined ? {} : { leaderElection: options.leaderElection }),
  });
  const informers = createInformers(manager);
  const runtime = createTransport(config, {
    clock,
    wallClock,
    logger,
    informers,
    ...(options.mqttSecrets === undefined ? {} : { mqttSecrets: options.mqttSecrets }),
    ...(options.transport === undefined ? {} : { memory: options.transport }),
  });
  const { transport } = runtime;
  const recorder = new EventRecorder({
    client,
    component: COMPONENT,
    ...(config.instanceName === undefined ? {} : { instance: config.instanceName }),
    // Event times are read by kubectl against real time: on an accelerated clock the simulated instants
    // would all show as "<invalid>" ages. The simulated instant of each decision is in status and messages.
    clock: wallClock,
    logger,
  });
  const context: OperatorContext = {
    client,
    clock,
    log: logger,
    recorder,
    metrics,
    informers,
    transport,
    image: options.image || DEFAULT_IMAGE,
    progressIntervalMs: config.progressIntervalMs,
  };

  registerTransportMetrics(metrics.registry, transport);
  // Added first, so it starts before the controllers; its stop waits for theirs (see the top of this file).
  let controllers = new Map<string, Controller>();
  let transportStarted = false;
  manager.add({
    name: 'transport',
    start: async () => {
      try {
        await runtime.start();
      } catch (err) {
        // Without a transport nothing can be sent: stop (and exit non-zero under `run`) rather than limp on.
        logger.error({ err }, 'device transport failed to start');
        void manager.stop('failed');
        return;
      }
      transportStarted = true;
      logger.info({ transport: runtime.kind }, 'device transport started');
    },
    stop: async () => {
      if (!transportStarted) return;
      await Promise.all([...controllers.values()].map((c) => c.stop()));
      transportStarted = false;
      await runtime.stop();
      logger.info('device transport stopped');
    },
  });
  controllers = registerControllers(manager, context, options.controllers ?? CONTROLLERS);
  manager.add(
    invalidObjectReporter({
      client,
      recorder,
      clock,
      logger,
      informers: [
        informers.devices,
        informers.releases,
        informers.plans,
        informers.policies,
        informers.pools,
      ] as unknown as Informer<KubeObject>[],
    }),
  );

  if (options.signals) {
    const removeSignalHandlers = manager.handleSignals(options.signals);
    void manager.done.then(removeSignalHandlers);
  }
  logger.info({ config: redactConfig(config), identity: manager.identity }, 'starting operator');
  await manager.start();
  return {
    manager,
    transport,
    context,
    informers,
    controllers,
    stop: () => manager.stop(),
    done: manager.done,
  };
}
