// Raw HTTP calls to an embedded control plane, for tests that check exactly what the server answers (status
// codes, headers, Status bodies) without a client library in between.
import type { LocalCluster } from '@teams-device-operator/localcluster';

export interface Reply {
  status: number;
  headers: Headers;
  /** The parsed JSON body; the text when it is not JSON; undefined when empty. */
  // biome-ignore lint/suspicious/noExplicitAny: assertions walk the JSON freely
  body: any;
}

/**
 * One request with the cluster's bearer token and `content-type: application/json`, both overridable through
 * `headers`. A string or byte body is sent as is, anything else as JSON.
 */
export async function rawCall(
  cluster: LocalCluster,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const init: RequestInit = {
    method,
    headers: { authorization: `Bearer ${cluster.token}`, 'content-type': 'application/json', ...headers },
  };
  if (body !== undefined) {
    init.body = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
  }
  const res = await fetch(`${cluster.url}${path}`, init);
  const text = await res.text();
  let parsed: unknown = text === '' ? undefined : text;
  try {
    if (text !== '') parsed = JSON.parse(text);
  } catch {}
  return { status: res.status, headers: res.headers, body: parsed };
}
