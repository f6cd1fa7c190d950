// client-node's HTTP library, replaced by one on node:http/https.
//
// Why: client-node 1.x sends every request of its generated APIs through node-fetch 2 (IsomorphicFetchHttpLibrary),
// which costs about 500 µs of CPU per request on a 2-core machine; the same request through node:http with
// the same keep-alive agent costs about 300 µs. That CPU is the operator's status writes and the embedded
// control plane's benchmark writer. client-node lets a configuration bring its own library (the `httpApi`
// of createConfiguration), so everything else stays client-node's: the generated API classes, their
// serializer, and the kubeconfig's authentication and TLS, applied to each request as its agent and headers.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import {
  type Configuration,
  createConfiguration,
  type KubeConfig,
  type PromiseHttpLibrary,
  type RequestContext,
  ResponseContext,
  ServerConfiguration,
  wrapHttpLibrary,
} from '@kubernetes/client-node';

export class NodeHttpLibrary implements PromiseHttpLibrary {
  send(ctx: RequestContext): Promise<ResponseContext> {
    const url = new URL(ctx.getUrl());
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const body = ctx.getBody();
    const signal = ctx.getSignal();
    const agent = ctx.getAgent();
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method: ctx.getHttpMethod(),
          headers: ctx.getHeaders(),
          ...(agent ? { agent } : {}),
          ...(signal ? { signal } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const data = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
            const headers: Record<string, string> = {};
            for (const [name, value] of Object.entries(res.headers)) {
              if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
            }
            resolve(
              new ResponseContext(res.statusCode ?? 0, headers, {
                text: async () => data.toString('utf8'),
                binary: async () => data,
              }),
            );
          });
        },
      );
      req.on('error', reject);
      if (body === undefined) req.end();
      else if (typeof body === 'string') req.end(body);
      else if (body instanceof URLSearchParams) req.end(body.toString());
      else req.destroy(new Error('multipart form bodies are not sent to the Kubernetes API'));
    });
  }
}

/** The configuration KubeConfig.makeApiClient builds, with NodeHttpLibrary as its HTTP library. */
export function apiConfiguration(kc: KubeConfig): Configuration {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  return createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: { default: kc },
    httpApi: wrapHttpLibrary(new NodeHttpLibrary()),
  });
}

/** Like KubeConfig.makeApiClient, on NodeHttpLibrary. */
export function makeApiClient<T>(kc: KubeConfig, apiClientType: new (config: Configuration) => T): T {
  return new apiClientType(apiConfiguration(kc));
}
