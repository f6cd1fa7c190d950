// A KubeClient that counts what it sends, knows what is in flight, and can inject failures: the tests' and
// the benchmark's window on the operator's API traffic.
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeClient, type RequestOptions } from '../../src/k8s/client.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export const WRITE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface RequestRecord {
  method: string;
  path: string;
  /** True for a 2xx answer. */
  ok: boolean;
  /** The HTTP status of a failed request, when it had one. */
  status?: number;
}

/** Throws to fail a request before it is sent (e.g. an ApiError 409), or returns to let it through. */
export type FaultInjector = (method: string, path: string, options: RequestOptions) => void;

export class TrackingClient extends KubeClient {
  readonly requests: RequestRecord[] = [];
  private pendingCount = 0;
  private faults: FaultInjector[] = [];

  constructor(kubeConfig: KubeConfig) {
    super(kubeConfig);
  }

  override async request<T>(
    method: Parameters<KubeClient['request']>[0],
    path: string,
    options: RequestOptions = {},
  ): Promise<T> {
    this.pendingCount++;
    try {
      for (const fault of this.faults) fault(method, path, options);
      const result = await super.request<T>(method, path, options);
      this.requests.push({ method, path, ok: true });
      return result;
    } catch (err) {
      const status = (err as { statusCode?: unknown }).statusCode;
      this.requests.push({ method, path, ok: false, ...(typeof status === 'number' ? { status } : {}) });
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

  /** Writes (POST, PUT, PATCH, DELETE) recorded, optionally only those whose path matches. */
  writes(match?: RegExp): RequestRecord[] {
    return this.requests.filter((r) => WRITE_METHODS.has(r.method) && (!match || match.test(r.path)));
  }

  /** Forgets what was recorded (the counts of a measurement window start here). */
  reset(): void {
    this.requests.length = 0;
  }
}
