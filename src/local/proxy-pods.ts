// How `local` runs the DeviceProxyPools' proxies: as the embedded control plane's local pods (the pool
// controller's Deployment, its ReplicaSet, real Pods run as child processes; pod-command.ts maps our image
// to this program). Two things of a pod's command line differ here from a cluster, on purpose:
//   - `--mqtt-url`: a pool names the broker of its cluster (spec.mqtt.url, by default the Service
//     mqtt://tdo-mqtt:1883). On this machine there is one broker, the embedded one, whose proxy user `local`
//     writes into every pool's credentials Secret (pool-secrets.ts); so every proxy connects to it, whatever
//     the URL says. The Deployment keeps the pool's URL, as `kubectl get deploy -o yaml` shows it.
//   - `--clock-start` / `--clock-speed`: the proxies' simulated devices run on the operator's simulated
//     clock, so each start of a proxy (a new pod, a restart) is told the simulated instant and speed of now.
// Containers other than `proxy` run as written. Readiness probes run at least every 2 s (a kubelet waits
// the proxy's periodSeconds, 10 s): the probe is a local HTTP GET, and `kubectl get pods` shows a new proxy
// 1/1 as soon as it listens.
import { localPodsOptions, type OwnImagePods, ownImageCommand } from './pod-command.js';

/** Flags `local` sets itself; the same flags in the pod's args are dropped (`--flag value` or `--flag=value`). */
const LOCAL_FLAGS = ['--mqtt-url', '--clock-start', '--clock-speed'];

const PROBE_PERIOD_MAX_MS = 2000;

export interface ProxyPodsOptions {
  /** Where each pod gets its folder (volumes, emptyDir state, logs). */
  dir: string;
  /** The embedded broker every proxy connects to. */
  brokerUrl: string;
  /** The simulated clock a proxy starts from. */
  clock: { now(): Date; readonly speed: number };
}

/** The args of a container of our image as it runs here. */
export function localArgs(args: readonly string[], options: ProxyPodsOptions): string[] {
  if (args[0] !== 'proxy') return [...args];
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (LOCAL_FLAGS.includes(arg)) i++;
    else if (!LOCAL_FLAGS.some((flag) => arg.startsWith(`${flag}=`))) kept.push(arg);
  }
  return [
    ...kept,
    '--mqtt-url',
    options.brokerUrl,
    '--clock-start',
    options.clock.now().toISOString(),
    '--clock-speed',
    String(options.clock.speed),
  ];
}

/** startLocalCluster's localPods for `local`. */
export function proxyPodsOptions(options: ProxyPodsOptions): OwnImagePods & { probePeriodMaxMs: number } {
  return {
    ...localPodsOptions(options.dir, { probePeriodMaxMs: PROBE_PERIOD_MAX_MS }),
    command: (container) => ownImageCommand(localArgs(container.args, options)),
  };
}
