// /healthz and /metrics of a proxy on one small node:http server. /healthz answers 200 "ok" when every check
// passes, else 503 with one line per failing check, so `kubectl describe pod` shows why the probe failed.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { ProxyMetrics } from './metrics.js';

export interface HealthCheck {
  name: string;
  /** undefined when healthy, else why not. */
  check(): string | undefined;
}

export class ProxyProbeServer {
  private constructor(
    private readonly server: Server,
    readonly address: AddressInfo,
  ) {}

  static async start(options: {
    host: string;
    port: number;
    checks: readonly HealthCheck[];
    metrics: ProxyMetrics;
    logger: Logger;
  }): Promise<ProxyProbeServer> {
    const server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://probe').pathname;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      } else if (path === '/metrics') {
        options.metrics.text().then(
          (body) => res.writeHead(200, { 'content-type': options.metrics.contentType }).end(body),
          (err: unknown) => {
            options.logger.error({ err }, 'metrics failed');
            res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error\n');
          },
        );
      } else if (path === '/healthz') {
        const failed = options.checks
          .map((c) => ({ name: c.name, problem: c.check() }))
          .filter((c) => c.problem !== undefined);
        const body = failed.length
          ? `${failed.map((f) => `[-]${f.name} failed: ${f.problem}`).join('\n')}\nhealthz check failed\n`
          : 'ok\n';
        res.writeHead(failed.length ? 503 : 200, { 'content-type': 'text/plain; charset=utf-8' }).end(body);
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      }
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return new ProxyProbeServer(server, server.address() as AddressInfo);
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }
}
