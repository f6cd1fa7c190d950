// The HTTP front: bearer-token authentication, routing, and turning any error into a `Status` answer.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { asApiError, pathNotFound, unauthorized } from '../errors.js';
import type { ServerContext } from '../handlers/context.js';
import type { DiscoveryHandler } from '../handlers/discovery.js';
import { handleResource } from '../handlers/resource.js';
import { sendError } from './respond.js';
import { parseRoute } from './route.js';

/** Paths kube-apiserver serves to anyone (system:public-info-viewer). */
const PUBLIC = new Set(['version', 'health']);

export function requestHandler(
  ctx: ServerContext,
  discovery: DiscoveryHandler,
  token: string,
): (req: IncomingMessage, res: ServerResponse) => void {
  const bearer = Buffer.from(`Bearer ${token}`);
  const secret = Buffer.from(token);
  const same = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);
  // `Bearer <token>`, or `Basic` with the token as password: what client-go makes of the credentials in
  // the server URL of a plain-HTTP kubeconfig (see kubeconfig.ts).
  const authorized = (header: string | undefined): boolean => {
    if (header === undefined) return false;
    if (header.startsWith('Basic ')) {
      const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
      return same(Buffer.from(decoded.slice(decoded.indexOf(':') + 1)), secret);
    }
    return same(Buffer.from(header), bearer);
  };

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
      if (!PUBLIC.has(route.kind) && !authorized(req.headers.authorization)) throw unauthorized();
      if (discovery.handle(route, req, res)) return done();
      if (route.kind !== 'resource') throw pathNotFound();
      handleResource(ctx, req, res, route, query).then(
        () => done(),
        (error: unknown) => done(error),
      );
    } catch (error) {
      done(error);
    }
  };
}
