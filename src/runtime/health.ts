// /healthz, /readyz and /metrics on one small node:http server (the manager runs one per distinct port).
// A probe answers 200 "ok" when all its checks pass, else 503 listing the failures; `?verbose` lists every
// check as kube-apiserver does ("[+]informers ok", "[-]leader failed: ...").
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { OperatorMetrics } from './metrics.js';

export interface Check {
  name: string;
  /** undefined when healthy, else why not. */
  check(): string | undefined;
}

export interface ProbeServerOptions {
  port: number;
  /** '' or absent: every interface (kubelet probes the pod IP, so a pod passes 0.0.0.0). */
  host?: string;
  healthz?: readonly Check[];
  readyz?: readonly Check[];
  metrics?: OperatorMetrics;
  logger?: Logger;
}

export class ProbeServer {
  private constructor(
    private readonly server: Server,
    readonly port: number,
    /** The interface it listens on, as the OS reports it ("127.0.0.1", "::"). */
    readonly host: string,
  ) {}

  static async start(options: ProbeServerOptions): Promise<ProbeServer> {
    const server = createServer((req, res) => {
      handle(options, req, res).catch((err: unknown) => {
        options.logger?.error({ err, path: req.url }, 'probe request failed');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('internal error\n');
      });
    });
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host || undefined, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    return new ProbeServer(server, address.port, address.address);
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }
}

async function handle(options: ProbeServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://probe');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
    return;
  }
  if (url.pathname === '/metrics' && options.metrics) {
    const body = await options.metrics.text();
    res.writeHead(200, { 'content-type': options.metrics.contentType }).end(body);
    return;
  }
  const checks =
    url.pathname === '/healthz' || url.pathname === '/livez'
      ? options.healthz
      : url.pathname === '/readyz'
        ? options.readyz
        : undefined;
  if (!checks) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    return;
  }
  const results = checks.map((c) => ({ name: c.name, problem: c.check() }));
  const failed = results.filter((r) => r.problem !== undefined);
  const verbose = url.searchParams.has('verbose') || failed.length > 0;
  const lines = verbose
    ? results.map((r) => (r.problem === undefined ? `[+]${r.name} ok` : `[-]${r.name} failed: ${r.problem}`))
    : [];
  const status = failed.length === 0 ? 'ok' : `${url.pathname.slice(1)} check failed`;
  res
    .writeHead(failed.length === 0 ? 200 : 503, { 'content-type': 'text/plain; charset=utf-8' })
    .end(`${[...lines, status].join('\n')}\n`);
}
