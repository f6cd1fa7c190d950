// /version, legacy and aggregated discovery, and OpenAPI v3: built by the discovery helpers from the
// served ResourceTypes, cached until the served set changes (a CRD is written or deleted).
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  AGGREGATED_DISCOVERY_CONTENT_TYPE,
  aggregatedDiscovery,
  apiGroupDocument,
  apiGroupList,
  apiResourceList,
  legacyCoreVersions,
  versionInfo,
  wantsAggregatedDiscovery,
} from '../discovery.js';
import { pathNotFound } from '../errors.js';
import { sendJson } from '../http/respond.js';
import type { Route } from '../http/route.js';
import {
  OPENAPI_V2_PROTOBUF_CONTENT_TYPE,
  openapiV2Document,
  wantsOpenapiV2Protobuf,
} from '../openapi/v2.js';
import { openapiV3Document, openapiV3Index } from '../openapi/v3.js';
import type { Registry } from '../registry.js';

export class DiscoveryHandler {
  private cache = new Map<string, string | undefined>();
  private generation = -1;

  constructor(
    private readonly registry: Registry,
    private readonly serverAddress: () => string,
  ) {}

  /** Answers a discovery route; false when the route is not one. */
  handle(route: Route, req: IncomingMessage, res: ServerResponse): boolean {
    const types = () => this.registry.types();
    const aggregated = () => wantsAggregatedDiscovery(req.headers.accept);
    switch (route.kind) {
      case 'version':
        this.send(res, 'version', () => versionInfo());
        return true;
      case 'health':
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('ok');
        return true;
      case 'api':
        if (aggregated())
          this.send(
            res,
            'agg/api',
            () => aggregatedDiscovery(types(), 'api'),
            AGGREGATED_DISCOVERY_CONTENT_TYPE,
          );
        else this.send(res, 'api', () => legacyCoreVersions(this.serverAddress()));
        return true;
      case 'apis':
        if (aggregated())
          this.send(
            res,
            'agg/apis',
            () => aggregatedDiscovery(types(), 'apis'),
            AGGREGATED_DISCOVERY_CONTENT_TYPE,
          );
        else this.send(res, 'apis', () => apiGroupList(types()));
        return true;
      case 'group':
        this.send(res, `group/${route.group}`, () => apiGroupDocument(types(), route.group));
        return true;
      case 'resourceList':
        this.send(res, `list/${route.group}/${route.version}`, () =>
          apiResourceList(types(), route.group, route.version),
        );
        return true;
      case 'openapiIndex':
        this.send(res, 'openapi', () => openapiV3Index(types()));
        return true;
      case 'openapiV2':
        this.sendOpenApiV2(req, res);
        return true;
      case 'openapiDocument':
        this.send(
          res,
          `openapi/${route.groupVersion}`,
          () => openapiV3Document(types(), route.groupVersion)?.body,
        );
        return true;
      default:
        return false;
    }
  }

  /** The minimal /openapi/v2 of openapi/v2.ts (kubectl validates a `kind: List` file against it). */
  private sendOpenApiV2(req: IncomingMessage, res: ServerResponse): void {
    const doc = openapiV2Document();
    if (wantsOpenapiV2Protobuf(req.headers.accept)) {
      res.writeHead(200, {
        'Content-Type': OPENAPI_V2_PROTOBUF_CONTENT_TYPE,
        'Content-Length': doc.protobuf.length,
      });
      res.end(doc.protobuf);
      return;
    }
    this.send(res, 'openapi/v2', () => doc.body);
  }

  private send(
    res: ServerResponse,
    key: string,
    build: () => object | undefined,
    contentType?: string,
  ): void {
    if (this.generation !== this.registry.generation) {
      this.cache.clear();
      this.generation = this.registry.generation;
    }
    let body = this.cache.get(key);
    if (!this.cache.has(key)) {
      const doc = build();
      body = doc === undefined ? undefined : JSON.stringify(doc);
      this.cache.set(key, body);
    }
    if (body === undefined) throw pathNotFound();
    sendJson(res, 200, body, contentType);
  }
}
