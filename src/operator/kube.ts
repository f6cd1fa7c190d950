// The Kubernetes client the configuration points at.
//
// client-node 1.x gives every request a new http(s).Agent, so every call opens (and TLS-handshakes) its own
// connection: at thousands of status writes that is most of the operator's CPU and the API server's. The
// operator's KubeConfig instead reuses one keep-alive agent, rebuilt only when the TLS material changes (a
// rotated client certificate). Proxy agents are left as client-node makes them. Watches are unaffected.
import { Agent as HttpAgent } from 'node:http';
import { type AgentOptions, Agent as HttpsAgent } from 'node:https';
import { KubeConfig, type RequestContext } from '@kubernetes/client-node';
import type { Config } from '../config/config.js';
import { KubeClient } from '../k8s/client.js';
import { loadKubeConfig } from '../k8s/kubeconfig.js';

/** Connections kept open to the API server at most (requests beyond wait for one). */
export const MAX_SOCKETS = 32;

class KeepAliveKubeConfig extends KubeConfig {
  private agent: HttpAgent | HttpsAgent | undefined;
  private agentKey = '';

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const fresh = context.getAgent();
    if (fresh?.constructor !== HttpsAgent && fresh?.constructor !== HttpAgent) return; // a proxy agent
    const options = (fresh as HttpsAgent).options ?? {};
    const key = agentKey(fresh instanceof HttpsAgent ? 'https' : 'http', options);
    if (!this.agent || key !== this.agentKey) {
      this.agent?.destroy();
      const shared = { ...options, keepAlive: true, maxSockets: MAX_SOCKETS };
      this.agent = fresh instanceof HttpsAgent ? new HttpsAgent(shared) : new HttpAgent(shared);
      this.agentKey = key;
    }
    context.setAgent(this.agent);
  }
}

function agentKey(protocol: string, options: AgentOptions): string {
  const text = (v: unknown) =>
    v === undefined ? null : Buffer.isBuffer(v) ? v.toString('base64') : String(v);
  return JSON.stringify([
    protocol,
    text(options.ca),
    text(options.cert),
    text(options.key),
    text(options.pfx),
    options.rejectUnauthorized ?? null,
    options.servername ?? null,
  ]);
}

/** The same configuration, sharing one keep-alive connection pool across requests. */
export function withKeepAlive(source: KubeConfig): KubeConfig {
  const kc = new KeepAliveKubeConfig();
  kc.loadFromOptions({
    clusters: source.clusters,
    users: source.users,
    contexts: source.contexts,
    currentContext: source.currentContext,
  });
  return kc;
}

export function clientFromConfig(config: Pick<Config, 'kubeconfig'>): KubeClient {
  return new KubeClient(withKeepAlive(loadKubeConfig(config.kubeconfig)));
}
