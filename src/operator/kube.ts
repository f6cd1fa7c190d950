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
import { loadKubeConfig, reloadKubeConfig } from '../k8s/kubeconfig.js';

/** Connections kept open to the API server at most (requests beyond wait for one). */
export const MAX_SOCKETS = 32;

class KeepAliveKubeConfig extends KubeConfig {
  private agent: HttpAgent | HttpsAgent | undefined;
  /** The TLS material the shared agent was built with. */
  private agentOptions: AgentOptions | undefined;

  constructor(private readonly maxSockets: number) {
    super();
  }

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const fresh = context.getAgent();
    if (fresh?.constructor !== HttpsAgent && fresh?.constructor !== HttpAgent) return; // a proxy agent
    const options = (fresh as HttpsAgent).options ?? {};
    const https = fresh instanceof HttpsAgent;
    if (!this.agent || this.agent instanceof HttpsAgent !== https || !sameTls(this.agentOptions, options)) {
      this.agent?.destroy();
      const shared = { ...options, keepAlive: true, maxSockets: this.maxSockets };
      this.agent = https ? new HttpsAgent(shared) : new HttpAgent(shared);
      this.agentOptions = options;
    }
    context.setAgent(this.agent);
  }
}

/** The agent options that decide a connection's TLS: equal ones may share connections. */
const TLS_OPTIONS = ['ca', 'cert', 'key', 'pfx', 'rejectUnauthorized', 'servername'] as const;

/** Compared in place on every request (no serializing of certificates on the hot path). */
function sameTls(a: AgentOptions | undefined, b: AgentOptions): boolean {
  return a !== undefined && TLS_OPTIONS.every((name) => sameValue(a[name], b[name]));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
  }
  return a === b;
}

/** The same configuration, sharing one keep-alive connection pool (of `maxSockets`) across requests. */
export function withKeepAlive(source: KubeConfig, maxSockets = MAX_SOCKETS): KubeConfig {
  const kc = new KeepAliveKubeConfig(maxSockets);
  kc.loadFromOptions({
    clusters: source.clusters,
    users: source.users,
    contexts: source.contexts,
    currentContext: source.currentContext,
  });
  return kc;
}

/** The operator's client: keep-alive connections, and its credentials read again on a 401. */
export function clientFromConfig(config: Pick<Config, 'kubeconfig'>): KubeClient {
  return new KubeClient(withKeepAlive(loadKubeConfig(config.kubeconfig)), {
    reload: () => reloadKubeConfig(config.kubeconfig),
  });
}
