// The kubeconfig clients use: one cluster, one bearer-token user, one context (namespace `default`).
//
// Plain HTTP (the default) needs two things that real clusters never do:
// - `insecure-skip-tls-verify: true`, without which @kubernetes/client-node 1.x refuses an http:// server;
// - the token also as the password of the server URL (`http://teams-device-operator:<token>@127.0.0.1:port`):
//   client-go (kubectl, helm) reads a kubeconfig user only for https servers, so over plain HTTP it sends
//   no bearer token; Go's HTTP client turns URL credentials into `Authorization: Basic`, which the server
//   accepts when the password is the token. client-node sends the bearer token (it wins over the URL).
// With TLS the self-signed CA is embedded instead, and the URL carries no credentials.
import { stringify } from 'yaml';

export const CONTEXT = 'teams-device-operator';

export interface KubeconfigInput {
  server: string;
  token: string;
  /** PEM of the CA to trust, for https servers. */
  caPem?: string;
}

export function renderKubeconfig(input: KubeconfigInput): string {
  const cluster: Record<string, unknown> = { server: input.server };
  if (input.caPem) {
    cluster['certificate-authority-data'] = Buffer.from(input.caPem, 'utf8').toString('base64');
  } else {
    const url = new URL(input.server);
    cluster.server = `${url.protocol}//${CONTEXT}:${encodeURIComponent(input.token)}@${url.host}`;
    cluster['insecure-skip-tls-verify'] = true;
  }
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: CONTEXT, cluster }],
    users: [{ name: CONTEXT, user: { token: input.token } }],
    contexts: [{ name: CONTEXT, context: { cluster: CONTEXT, user: CONTEXT, namespace: 'default' } }],
    'current-context': CONTEXT,
    preferences: {},
  });
}

/** host:port clients dial: a wildcard listen address is reached on loopback. */
export function clientHost(listen: string): string {
  if (listen === '0.0.0.0' || listen === '') return '127.0.0.1';
  if (listen === '::') return '[::1]';
  return listen.includes(':') ? `[${listen}]` : listen;
}
