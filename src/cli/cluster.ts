// `teams-device-operator cluster`: the embedded Kubernetes-compatible control plane on its own, for kubectl,
// helm and the operator. Runs until SIGINT/SIGTERM, then stops cleanly (every acknowledged write is durable).
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { LocalCluster } from '@teams-device-operator/localcluster';
import pino from 'pino';

const PREFIX = 'teams-device-operator cluster';

export const HELP = `Usage: ${PREFIX} [options]

Runs an embedded Kubernetes-compatible API server (Kubernetes 1.32 API: built-in kinds and any
CustomResourceDefinition) and writes a kubeconfig for kubectl, helm and @kubernetes/client-node.

Options:
  --port N            port to listen on (default 6443; 0 picks a free one)
  --listen ADDR       address to listen on (default 127.0.0.1)
  --data-dir DIR      keep the state in DIR (write-ahead log + snapshot); default: in memory only
  --kubeconfig PATH   where to write the kubeconfig (default DIR/kubeconfig, or a temp dir)
  --token TOKEN       bearer token clients must send (default: random)
  --tls               serve HTTPS with a self-signed certificate (the kubeconfig trusts it);
                      default plain HTTP on loopback, still with the token
  --log-level LEVEL   pino level on stderr (default info)
  -h, --help          show this help`;

interface ClusterArgs {
  port: number;
  listen: string;
  dataDir?: string;
  kubeconfigPath: string;
  token?: string;
  tls: boolean;
  logLevel: string;
}

class UsageError extends Error {}

export function parseClusterArgs(argv: string[]): ClusterArgs | 'help' {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return 'help';
  const port = Number(values.port ?? '6443');
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port: not a port: ${values.port}`);
  const dataDir = values['data-dir'] ? resolve(values['data-dir']) : undefined;
  const kubeconfigPath = resolve(
    values.kubeconfig ??
      join(dataDir ?? join(tmpdir(), `teams-device-operator-${process.pid}`), 'kubeconfig'),
  );
  return Object.freeze({
    port,
    listen: values.listen ?? '127.0.0.1',
    ...(dataDir ? { dataDir } : {}),
    kubeconfigPath,
    ...(values.token ? { token: values.token } : {}),
    tls: values.tls ?? false,
    logLevel: values['log-level'] ?? 'info',
  });
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      listen: { type: 'string' },
      'data-dir': { type: 'string' },
      kubeconfig: { type: 'string' },
      token: { type: 'string' },
      tls: { type: 'boolean' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

export function usageText(url: string, kubeconfigPath: string, dataDir: string | undefined): string {
  return [
    `Kubernetes API (v1.32) listening on ${url}`,
    `State: ${dataDir ? `durable in ${dataDir}` : 'in memory (lost on exit; use --data-dir to keep it)'}`,
    `Kubeconfig written to ${kubeconfigPath}`,
    '',
    'Use it with:',
    `  export KUBECONFIG=${kubeconfigPath}`,
    '  kubectl get namespaces',
    '  kubectl apply -f crds/',
    '  helm install ...',
    '',
    'Press Ctrl-C to stop.',
    '',
  ].join('\n');
}

/**
 * The control plane is a workspace package the operator image leaves out, so it is loaded only when this
 * command runs; undefined when the package is absent.
 */
export async function loadControlPlane(): Promise<
  typeof import('@teams-device-operator/localcluster') | undefined
> {
  try {
    return await import('@teams-device-operator/localcluster');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && String(error).includes('@teams-device-operator/localcluster'))
      return undefined;
    throw error;
  }
}

export async function main(argv: string[]): Promise<number> {
  let args: ClusterArgs | 'help';
  try {
    args = parseClusterArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${PREFIX}: ${error.message}\nRun \`${PREFIX} --help\` for the options.\n`);
    return 2;
  }
  if (args === 'help') {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const controlPlane = await loadControlPlane();
  if (!controlPlane) {
    process.stderr.write(
      `${PREFIX}: the embedded control plane (@teams-device-operator/localcluster) is not installed here ` +
        '(the operator image leaves it out)\n',
    );
    return 1;
  }
  // Log lines that stderr cannot take are dropped, never retried: see log-destination.ts.
  const logger = pino({ level: args.logLevel }, controlPlane.droppingDestination(2));
  let cluster: LocalCluster;
  try {
    cluster = await controlPlane.startLocalCluster({
      port: args.port,
      listen: args.listen,
      kubeconfigPath: args.kubeconfigPath,
      tls: args.tls,
      logger,
      ...(args.dataDir ? { dataDir: args.dataDir } : {}),
      ...(args.token ? { token: args.token } : {}),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const refused = error instanceof controlPlane.DataDirInUse || error instanceof controlPlane.StorageDamage;
    if (code !== 'EADDRINUSE' && !refused) throw error;
    const why =
      code === 'EADDRINUSE'
        ? `${args.listen}:${args.port} is in use (try --port 0)`
        : (error as Error).message;
    process.stderr.write(`${PREFIX}: ${why}\n`);
    return 1;
  }
  process.stdout.write(usageText(cluster.url, args.kubeconfigPath, args.dataDir));
  return new Promise<number>((done) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      logger.info({ signal }, 'stopping');
      cluster.stop().then(
        () => done(0),
        (error: unknown) => {
          logger.error({ err: error }, 'stop failed');
          done(1);
        },
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
