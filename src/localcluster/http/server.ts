// The HTTP front: authentication (auth/identity.ts), routing, and turning any error into a `Status` answer.
import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  type ApiError,
  asApiError,
  badRequest,
  methodNotAllowed,
  pathNotFound,
  unauthorized,
} from '../errors.js';
import type { ServerContext } from '../handlers/context.js';
import type { DiscoveryHandler } from '../handlers/discovery.js';
import { sendReadiness } from '../handlers/ready.js';
import { handleResource } from '../handlers/resource.js';
import { sendError } from './respond.js';
import { parseRoute } from './route.js';

/** Paths kube-apiserver serves to anyone (system:public-info-viewer). */
const PUBLIC = new Set(['version', 'health', 'ready']);

export function requestHandler(
  ctx: ServerContext,
  discovery: DiscoveryHandler,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const started = performance.now();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q < 0 ? url : url.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
    const route = parseRoute(pathname);
    const done = (error?: unknown) => {
      if (error !== undefined) {
        const apiError = asApiError(error);
        if (apiError.code >= 500) ctx.logger.error({ err: error, method: req.method, url }, 'request failed');
        sendError(res, apiError);
      }
      if (ctx.logger.isLevelEnabled('debug')) {
        ctx.logger.debug(
          { method: req.method, url, code: res.statusCode, ms: Math.round(performance.now() - started) },
          'request',
        );
      }
    };
    try {
      const user = ctx.authenticator.authenticateHeader(req.headers.authorization);
      if (!PUBLIC.has(route.kind) && !user) throw unauthorized();
      if (route.kind === 'ready') return done(sendReadiness(res, ctx.db.health()));
      if (discovery.handle(route, req, res)) return done();
      if (route.kind !== 'resource' || !user) throw pathNotFound();
      handleResource(ctx, req, res, route, query, user).then(
        () => done(),
        (error: unknown) => done(error),
      );
    } catch (error) {
      done(error);
    }
  };
}

/**
 * A request Node's HTTP parser refuses before any handler sees it (a method it does not know, a malformed
 * header) still gets a Status body, as kube-apiserver's go-restful answers, and the connection closes.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const apiError: ApiError =
    error.code === 'HPE_INVALID_METHOD'
      ? methodNotAllowed()
      : badRequest(`the request could not be parsed as HTTP (${error.code ?? 'malformed'})`);
  const body = JSON.stringify(apiError.toStatus());
  socket.end(
    `HTTP/1.1 ${apiError.code} ${STATUS_CODES[apiError.code]}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
