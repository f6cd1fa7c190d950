// One request of the http driver to a device agent, with a timeout on the proxy's clock and the optional
// bearer token (sent, never logged). Never throws: an answer is ok (a 2xx with a body that matches the
// contract), a problem (a 4xx: the agent refused), or unreachable (no answer, a 5xx, a body that is not what
// the contract says: worth trying again).

import type { ContractSchemaName } from '../../../device-agent/contract.js';
import { validateBody } from '../../../device-agent/contract-validate.js';
import { type Clock, setTimerIn } from '../../../runtime/clock.js';

export type AgentAnswer<T> =
  | { kind: 'ok'; status: number; body: T }
  | { kind: 'problem'; status: number; detail: string }
  | { kind: 'unreachable'; cause: string };

export interface AgentClientOptions {
  clock: Clock;
  timeoutMs: number;
  token?: string;
}

/** Statuses that say "not now" rather than "no": retried like an agent that does not answer. */
const RETRYABLE = new Set([408, 429]);

export class AgentClient {
  private readonly clock: Clock;
  private readonly timeoutMs: number;
  private readonly headers: Record<string, string>;

  constructor(options: AgentClientOptions) {
    this.clock = options.clock;
    this.timeoutMs = options.timeoutMs;
    this.headers = options.token ? { Authorization: `Bearer ${options.token}` } : {};
  }

  request<T>(
    method: 'GET' | 'POST',
    url: string,
    expect: ContractSchemaName,
    signal: AbortSignal,
    body?: unknown,
  ): Promise<AgentAnswer<T>> {
    const abort = new AbortController();
    const onAbort = () => abort.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimerIn(this.clock, this.timeoutMs, () => abort.abort(new Error('timeout')));
    return this.send<T>(method, url, expect, abort.signal, body).finally(() => {
      timer.cancel();
      signal.removeEventListener('abort', onAbort);
    });
  }

  private async send<T>(
    method: 'GET' | 'POST',
    url: string,
    expect: ContractSchemaName,
    signal: AbortSignal,
    body: unknown,
  ): Promise<AgentAnswer<T>> {
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method,
        signal,
        headers: {
          ...this.headers,
          Accept: 'application/json, application/problem+json',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      text = await response.text();
    } catch (err) {
      if (signal.aborted && signal.reason instanceof Error && signal.reason.message === 'timeout') {
        return { kind: 'unreachable', cause: `no answer within ${this.timeoutMs} ms` };
      }
      return { kind: 'unreachable', cause: causeOf(err) };
    }
    const where = `${method} ${url}`;
    if (response.status >= 500 || RETRYABLE.has(response.status)) {
      return { kind: 'unreachable', cause: `${where} answered HTTP ${response.status}${detailOf(text)}` };
    }
    if (response.status >= 400) {
      return { kind: 'problem', status: response.status, detail: `HTTP ${response.status}${detailOf(text)}` };
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return {
        kind: 'unreachable',
        cause: `${where} answered HTTP ${response.status} with a body that is not JSON`,
      };
    }
    const invalid = validateBody(expect, parsed);
    if (invalid) {
      return { kind: 'unreachable', cause: `${where} answered an invalid ${expect} (${invalid.detail})` };
    }
    return { kind: 'ok', status: response.status, body: parsed as T };
  }
}

/** `: detail` of a problem body, or nothing. */
function detailOf(text: string): string {
  try {
    const detail = (JSON.parse(text) as { detail?: unknown }).detail;
    return typeof detail === 'string' && detail ? `: ${detail.slice(0, 512)}` : '';
  } catch {
    return '';
  }
}

function causeOf(err: unknown): string {
  const e = err as { message?: string; cause?: { message?: string; code?: string } };
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
}
