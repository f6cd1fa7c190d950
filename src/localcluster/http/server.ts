// The HTTP front: authentication (auth/identity.ts), routing, and turning any error into a `Status` answer.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { asApiError, pathNotFound, unauthorized } from '../errors.js';
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
