// The device agent's HTTP server (node:http): each device of the agent at /devices/{deviceId}, the contract
// of docs/device-agent.openapi.yaml below it. Errors are problem details; the bearer token, when there is
// one, is compared in constant time and never logged.

import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { DeviceAgent } from './agent.js';
import {
  MAX_BODY_BYTES,
  PROBLEM_MEDIA_TYPE,
  PROBLEM_TYPE_BASE,
  PROBLEMS,
  type Problem,
  type ProblemKind,
} from './contract.js';
import { parseUpdateRequest } from './contract-validate.js';

export interface AgentServerOptions {
  agent: DeviceAgent;
  logger: Logger;
  /** Required of every request as `Authorization: Bearer <token>`; none: no authentication. */
  token?: string;
}

class HttpProblem extends Error {
  constructor(
    readonly kind: ProblemKind,
    readonly detail: string,
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

const ROUTE = /^\/devices\/([^/]+)\/v1\/(status|updates)(?:\/([^/]+))?$/;

export class AgentServer {
  private readonly server: Server;
  private readonly agent: DeviceAgent;
  private readonly log: Logger;
  private readonly token: Buffer | undefined;

  constructor(options: AgentServerOptions) {
    this.agent = options.agent;
    this.log = options.logger;
    this.token = options.token === undefined ? undefined : Buffer.from(options.token);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.log.error({ err }, 'request failed');
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
  }

  /** Listens on host:port (port 0: a free one); resolves with the address it got. */
  listen(host: string, port: number): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      this.authenticate(req);
      const path = new URL(req.url ?? '/', 'http://agent').pathname;
      const match = ROUTE.exec(path);
      const deviceId = match ? decode(match[1] ?? '') : undefined;
      if (!match || deviceId === undefined) throw new HttpProblem('notFound', `no resource at ${path}`);
      if (!this.agent.has(deviceId)) throw new HttpProblem('notFound', `no device ${deviceId} on this agent`);
      const [, , resource, commandPart] = match;
      if (resource === 'status' && commandPart === undefined) {
        allow(req, 'GET');
        return send(res, 200, this.agent.status(deviceId));
      }
      if (resource === 'updates' && commandPart === undefined) {
        allow(req, 'POST');
        return await this.startUpdate(req, res, deviceId);
      }
      if (resource === 'updates' && commandPart !== undefined) {
        allow(req, 'GET');
        const commandId = decode(commandPart);
        const status = commandId === undefined ? undefined : this.agent.update(deviceId, commandId);
        if (!status)
          throw new HttpProblem('notFound', `no update ${commandId ?? commandPart} on device ${deviceId}`);
        return send(res, 200, status);
      }
      throw new HttpProblem('notFound', `no resource at ${path}`);
    } catch (err) {
      if (!(err instanceof HttpProblem)) throw err;
      // Drain what the client still sends, so it reads the answer instead of a reset connection.
      req.resume();
      sendProblem(res, err);
    }
  }

  private async startUpdate(req: IncomingMessage, res: ServerResponse, deviceId: string): Promise<void> {
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') {
      throw new HttpProblem(
        'unsupportedMediaType',
        `Content-Type must be application/json, got ${type || 'none'}`,
      );
    }
    const text = await readBody(req);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (err) {
      throw new HttpProblem('invalid', `body: not JSON (${(err as Error).message})`, 'body');
    }
    const parsed = parseUpdateRequest(body);
    if (!parsed.ok) throw new HttpProblem('invalid', parsed.detail, parsed.field);
    const result = this.agent.start(deviceId, parsed.value);
    if (result.outcome === 'busy') throw new HttpProblem('busy', result.detail);
    send(res, result.outcome === 'accepted' ? 202 : 200, result.status);
  }

  private authenticate(req: IncomingMessage): void {
    if (!this.token) return;
    const header = req.headers.authorization ?? '';
    const presented = Buffer.from(/^Bearer (.+)$/i.exec(header)?.[1]?.trim() ?? '');
    const ok = presented.length === this.token.length && timingSafeEqual(presented, this.token);
    if (!ok) {
      throw new HttpProblem(
        'unauthorized',
        header
          ? 'the bearer token is not the one this agent accepts'
          : 'an Authorization: Bearer header is required',
        undefined,
        { 'WWW-Authenticate': 'Bearer' },
      );
    }
  }
}

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function allow(req: IncomingMessage, method: string): void {
  if (req.method !== method) {
    throw new HttpProblem('methodNotAllowed', `${req.method} is not allowed here; use ${method}`, undefined, {
      Allow: method,
    });
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        reject(new HttpProblem('tooLarge', `body: larger than ${MAX_BODY_BYTES} bytes`, 'body'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendProblem(res: ServerResponse, problem: HttpProblem): void {
  const { status, title } = PROBLEMS[problem.kind];
  const body: Problem = {
    type: `${PROBLEM_TYPE_BASE}${problem.kind}`,
    title,
    status,
    detail: problem.detail,
  };
  if (problem.field !== undefined) body.field = problem.field;
  for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
  send(res, status, body, PROBLEM_MEDIA_TYPE);
}
