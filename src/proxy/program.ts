// Wires one proxy from its parsed config: clock, ledger, artifact store, driver, MQTT connection, the pool
// files' watcher and the probe server. `teams-device-operator proxy` (src/cli/proxy.ts) runs it until a signal.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { AcceleratedClock, type Clock, RealClock } from '../runtime/clock.js';
import type { MqttTlsOptions } from '../transport/mqtt/options.js';
import { ArtifactStore } from './artifacts.js';
import { type ProxyConfig, redactedUrl } from './config.js';
import { PoolConfigWatcher } from './config-watch.js';
import { ProxyConnection, proxyClientId } from './connection.js';
import { loadDriver } from './drivers/index.js';
import { Ledger } from './ledger.js';
import { ProxyMetrics } from './metrics.js';
import { parseSimulatorFile } from './pool-files.js';
import { ProxyProbeServer } from './probe-server.js';
import { DeviceProxy } from './proxy.js';

export interface RunningProxy {
  proxy: DeviceProxy;
  probe: ProxyProbeServer;
  stop(): Promise<void>;
}

/** The proxy's clock: real time, or the simulated one of --clock-start / --clock-speed. */
export function proxyClock(config: Pick<ProxyConfig, 'clockStart' | 'clockSpeed'>, base: Clock): Clock {
  if (config.clockStart === undefined && config.clockSpeed === 1) return base;
  const start = config.clockStart === undefined ? base.now() : new Date(config.clockStart);
  return new AcceleratedClock({ start, speed: config.clockSpeed, base });
}

async function tlsOptions(config: ProxyConfig): Promise<MqttTlsOptions | undefined> {
  const read = (path: string | undefined) => (path === undefined ? undefined : readFile(path));
  if (!config.mqttCaFile && !config.mqttCertFile) return undefined;
  return {
    ca: await read(config.mqttCaFile),
    cert: await read(config.mqttCertFile),
    key: await read(config.mqttKeyFile),
  };
}

export async function startProxy(config: Readonly<ProxyConfig>, logger: Logger): Promise<RunningProxy> {
  const realClock = new RealClock();
  const clock = proxyClock(config, realClock);
  const name = { namespace: config.namespace, pool: config.pool, pod: config.pod };
  const metrics = new ProxyMetrics({ defaultMetrics: true });
  const ledger = await Ledger.open({ dir: config.stateDir, logger, clock: realClock });
  const artifacts = await ArtifactStore.open({
    dir: join(config.stateDir, 'artifacts'),
    logger,
    onFetch: (result) => metrics.artifactFetches.inc({ result }),
    onFailure: (reason) => metrics.artifactFailed(reason),
  });
  const tls = await tlsOptions(config);
  const httpToken =
    config.httpTokenFile === undefined ? undefined : (await readFile(config.httpTokenFile, 'utf8')).trim();
  const makeDriver = await loadDriver(config.driver);
  const clientId = proxyClientId(config.namespace, config.pool, config.pod);
  logger.info(
    {
      clientId,
      mqttUrl: redactedUrl(config.mqttUrl),
      driver: config.driver,
      configDir: config.configDir,
      stateDir: config.stateDir,
      finishedCommands: ledger.finishedCount,
      ...(clock instanceof AcceleratedClock ? { now: clock.now().toISOString(), speed: clock.speed } : {}),
    },
    'proxy starting',
  );
  let watcher: PoolConfigWatcher | undefined;
  const proxy = new DeviceProxy({
    name,
    clock,
    realClock,
    logger,
    metrics,
    ledger,
    artifacts,
    driver: (listener) =>
      makeDriver({
        clock,
        logger,
        listener,
        simulator: watcher?.config?.simulator ?? parseSimulatorFile('{}'),
        httpEndpointTemplate: config.httpEndpointTemplate,
        httpToken,
      }),
    connection: (handlers) =>
      new ProxyConnection({
        url: config.mqttUrl,
        clientId,
        username: config.mqttUsername,
        password: config.mqttPassword,
        tls,
        keepaliveSeconds: config.mqttKeepaliveSeconds,
        clock: realClock,
        logger,
        ...handlers,
      }),
  });
  watcher = new PoolConfigWatcher({
    dir: config.configDir,
    clock: realClock,
    logger,
    onChange: (poolConfig) => proxy.setConfig(poolConfig),
    onRejected: () => metrics.configErrors.inc(),
  });
  await watcher.start();
  const poolFiles = watcher;
  const probe = await ProxyProbeServer.start({
    host: config.listenHost,
    port: config.listenPort,
    metrics,
    logger,
    checks: [
      { name: 'mqtt', check: () => (proxy.connected ? undefined : 'not connected to the MQTT broker') },
      {
        name: 'pool-files',
        // A bad file after a good one is logged and counted, and the last good one serves: restarting the
        // pod would not fix the file, so only a proxy that never read its files is unhealthy.
        check: () => (poolFiles.config ? undefined : poolFiles.problem()),
      },
    ],
  });
  logger.info({ host: probe.address.address, port: probe.address.port }, 'probe server listening');
  proxy.start();

  let stopped: Promise<void> | undefined;
  return {
    proxy,
    probe,
    stop() {
      stopped ??= (async () => {
        poolFiles.stop();
        await proxy.stop();
        await probe.close();
        logger.info('proxy stopped');
      })();
      return stopped;
    },
  };
}
