// Readiness and liveness probes as the kubelet runs them: httpGet (2xx/3xx succeeds) or tcpSocket to
// 127.0.0.1 and the pod's local port, every periodSeconds after initialDelaySeconds, the result flipping
// after successThreshold successes or failureThreshold failures in a row. exec probes are not run here:
// they count as succeeding.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { JsonObject } from '../resource-type.js';
import { isObject } from '../util/json.js';
import { POD_IP } from './env.js';

function seconds(spec: JsonObject, key: string, fallback: number): number {
  const value = spec[key];
  return typeof value === 'number' && value >= 0 ? value : fallback;
}

async function httpOk(url: string, timeoutMs: number, https: boolean): Promise<boolean> {
  return new Promise((resolve) => {
    const req = (https ? httpsRequest : httpRequest)(
      url,
      { timeout: timeoutMs, rejectUnauthorized: false },
      (res) => {
        res.resume();
        resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 400);
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

async function tcpOk(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: POD_IP, port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

export class Prober {
  private timer: NodeJS.Timeout | undefined;
  private successes = 0;
  private failures = 0;
  private stopped = false;
  private result: boolean;

  constructor(
    private readonly spec: JsonObject,
    private readonly port: (port: unknown) => number | undefined,
    private readonly periodMaxMs: number,
    initial: boolean,
    private readonly onResult: (ok: boolean) => void,
  ) {
    this.result = initial;
  }

  start(): void {
    this.schedule(seconds(this.spec, 'initialDelaySeconds', 0) * 1000);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.run(), Math.min(ms, this.periodMaxMs));
    this.timer.unref();
  }

  private async once(): Promise<boolean> {
    const timeoutMs = seconds(this.spec, 'timeoutSeconds', 1) * 1000;
    if (isObject(this.spec.httpGet)) {
      const get = this.spec.httpGet;
      const port = this.port(get.port);
      if (port === undefined) return false;
      const https = get.scheme === 'HTTPS';
      const path = typeof get.path === 'string' ? get.path : '/';
      return httpOk(`${https ? 'https' : 'http'}://${POD_IP}:${port}${path}`, timeoutMs, https);
    }
    if (isObject(this.spec.tcpSocket)) {
      const port = this.port(this.spec.tcpSocket.port);
      return port === undefined ? false : tcpOk(port, timeoutMs);
    }
    return true;
  }

  private async run(): Promise<void> {
    const ok = await this.once();
    if (this.stopped) return;
    if (ok) {
      this.successes++;
      this.failures = 0;
      if (!this.result && this.successes >= seconds(this.spec, 'successThreshold', 1)) this.flip(true);
    } else {
      this.failures++;
      this.successes = 0;
      if (this.result && this.failures >= seconds(this.spec, 'failureThreshold', 3)) this.flip(false);
    }
    this.schedule(seconds(this.spec, 'periodSeconds', 10) * 1000);
  }

  private flip(ok: boolean): void {
    this.result = ok;
    this.onResult(ok);
  }
}
