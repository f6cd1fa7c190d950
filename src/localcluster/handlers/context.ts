// What every request handler reaches: the object API, the database, the served resources, the logger.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { TokenAuthenticator, UserInfo } from '../auth/identity.js';
import type { ResourceRoute } from '../http/route.js';
import type { PodLogSource } from '../pods/runner.js';
import type { Registry, Served } from '../registry.js';
import type { ObjectApi } from '../rest/objects.js';
import type { Database } from '../store/database.js';
import type { Presentation } from './present.js';

export interface ServerContext {
  api: ObjectApi;
  db: Database;
  registry: Registry;
  logger: Logger;
  authenticator: TokenAuthenticator;
  /** The containers' logs of local pods (pods/log); absent when no pod runs here. */
  podLogs?: PodLogSource;
}

export interface ResourceRequest {
  ctx: ServerContext;
  req: IncomingMessage;
  res: ServerResponse;
  route: ResourceRoute;
  query: URLSearchParams;
  served: Served;
  /** The namespace of the URL; undefined for cluster-scoped kinds and for lists across namespaces. */
  namespace: string | undefined;
  presentation: Presentation;
  /** The authenticated user. */
  user: UserInfo;
}
