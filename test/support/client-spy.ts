// The one spy of the tests' and the benchmark's API traffic: a KubeClient that records each request it sends
// (with its body), knows what is in flight, lets a test act just before a request goes out (a fault, a
// competing write) and hears each answer. Everything goes through KubeClient.request, so get, list, create,
// update, mergePatch and delete are all seen.
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeClient, type RequestOptions } from '../../src/k8s/client.js';

export type Method = Parameters<KubeClient['request']>[0];
export const WRITE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface RequestRecord {
  method: string;
  path: string;
  /** True for a 2xx answer. */
  ok: boolean;
  /** The HTTP status of a failed request, when it had one. */
  status?: number;
  /** The body sent, when there was one. */
  body?: unknown;
}

/**
 * Runs before a request is sent: throws to fail it (e.g. an ApiError 409), or returns (a promise, to do
 * something first, such as a competing write) to let it through.
 */
export type FaultInjector = (method: string, path: string, options: RequestOptions) => void | Promise<void>;

/** The answer to one request: the object the server sent, or the error the client threw. */
export type Answer = { record: RequestRecord; options: RequestOptions } & (
  | { result: unknown; error?: undefined }
  | { result?: undefined; error: unknown }
);

export class ClientSpy extends KubeClient {
  readonly requests: RequestRecord[] = [];
  private pendingCount = 0;
  private faults: FaultInjector[] = [];
  private listeners: ((answer: Answer) => void)[] = [];

  constructor(kubeConfig: KubeConfig) {
    super(kubeConfig);
  }

  override async request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
    this.pendingCount++;
    const sent = options.body === undefined ? {} : { body: options.body };
    try {
      for (const fault of this.faults) {
        const waiting = fault(method, path, options);
        // Only a hook that has something to wait for costs a turn: the others keep the request's timing.
        if (waiting) await waiting;
      }
      const result = await super.request<T>(method, path, options);
      const record: RequestRecord = { method, path, ok: true, ...sent };
      this.requests.push(record);
      for (const listener of this.listeners) listener({ record, options, result });
      return result;
    } catch (err) {
      const status = (err as { statusCode?: unknown }).statusCode;
      const record: RequestRecord = {
        method,
        path,
        ok: false,
        ...(typeof status === 'number' ? { status } : {}),
        ...sent,
      };
      this.requests.push(record);
      for (const listener of this.listeners) listener({ record, options, error: err });
      throw err;
    } finally {
      this.pendingCount--;
    }
  }

  /** Requests sent and not answered yet. */
  get pending(): number {
    return this.pendingCount;
  }

  injectFault(fault: FaultInjector): () => void {
    this.faults.push(fault);
    return () => {
      this.faults = this.faults.filter((f) => f !== fault);
    };
  }

  /** Calls `listener` with each answer from now on; returns a function that stops it. */
  onAnswer(listener: (answer: Answer) => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** Writes (POST, PUT, PATCH, DELETE) recorded, optionally only those whose path matches. */
  writes(match?: RegExp): RequestRecord[] {
    return this.requests.filter((r) => WRITE_METHODS.has(r.method) && (!match || match.test(r.path)));
  }

  /** Forgets what was recorded (the counts of a measurement window start here). */
  reset(): void {
    this.requests.length = 0;
  }
}
