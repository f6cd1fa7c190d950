// A thin JSON client over @kubernetes/client-node: the kubeconfig's authentication and TLS, client-node's
// Watch, requests sent through NodeHttpLibrary (http-library.ts), and plain JSON objects in and out. Objects
// stay as the server sent them (string timestamps, unknown fields kept), the same whether they come from a
// list, a watch or a write, unlike the typed APIs, which turn timestamps of built-in kinds into Date objects.
import { HttpMethod, type KubeConfig, RequestContext, Watch } from '@kubernetes/client-node';
import { ApiError, type ApiStatus } from './errors.js';
import { NodeHttpLibrary } from './http-library.js';
import type { KubeList, KubeObject } from './object.js';

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Default application/json when there is a body. */
  contentType?: string;
  signal?: AbortSignal;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export const MERGE_PATCH = 'application/merge-patch+json';

/** The User-Agent and fieldManager of the operator's requests (what managedFields and audit logs show). */
export const DEFAULT_CLIENT_NAME = 'teams-device-operator';

export interface KubeClientOptions {
  /** User-Agent header of every request; default DEFAULT_CLIENT_NAME. */
  userAgent?: string;
  /** fieldManager query parameter of writes (POST, PUT, PATCH) that set none; default DEFAULT_CLIENT_NAME. */
  fieldManager?: string;
}

const FIELD_MANAGED: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH']);

export class KubeClient {
  readonly kubeConfig: KubeConfig;
  readonly userAgent: string;
  readonly fieldManager: string;
  private readonly http = new NodeHttpLibrary();

  constructor(kubeConfig: KubeConfig, options: KubeClientOptions = {}) {
    this.kubeConfig = kubeConfig;
    this.userAgent = options.userAgent ?? DEFAULT_CLIENT_NAME;
    this.fieldManager = options.fieldManager ?? DEFAULT_CLIENT_NAME;
  }

  /** The API server URL of the current context. */
  get server(): string {
    const cluster = this.kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error('the kubeconfig has no current cluster');
    return cluster.server.replace(/\/+$/, '');
  }

  /** One API call; resolves to the parsed JSON body, rejects with ApiError for a non-2xx answer. */
  async request<T>(method: keyof typeof HttpMethod, path: string, options: RequestOptions = {}): Promise<T> {
    const ctx = new RequestContext(this.server + path, HttpMethod[method]);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) ctx.setQueryParam(key, String(value));
    }
    if (FIELD_MANAGED.has(method) && options.query?.fieldManager === undefined) {
      ctx.setQueryParam('fieldManager', this.fieldManager);
    }
    ctx.setHeaderParam('Accept', 'application/json');
    ctx.setHeaderParam('User-Agent', this.userAgent);
    if (options.body !== undefined) {
      ctx.setHeaderParam('Content-Type', options.contentType ?? 'application/json');
      ctx.setBody(JSON.stringify(options.body));
    }
    if (options.signal) ctx.setSignal(options.signal);
    await this.kubeConfig.applySecurityAuthentication(ctx);
    const response = await this.http.send(ctx);
    const text = await response.body.text();
    const data = parseJson(text);
    if (response.httpStatusCode >= 200 && response.httpStatusCode < 300) return data as T;
    const status = isStatus(data) ? data : undefined;
    const message =
      status?.message ?? `${method} ${path}: HTTP ${response.httpStatusCode} ${text.slice(0, 200)}`;
    throw new ApiError(response.httpStatusCode, message, status);
  }

  get<T extends KubeObject>(path: string, signal?: AbortSignal): Promise<T> {
    return this.request<T>('GET', path, signal ? { signal } : {});
  }

  list<T extends KubeObject>(path: string, query: Query = {}, signal?: AbortSignal) {
    return this.request<KubeList<T>>('GET', path, { query, ...(signal ? { signal } : {}) });
  }

  create<T extends KubeObject>(path: string, body: T, signal?: AbortSignal): Promise<T> {
    return this.request<T>('POST', path, { body, ...(signal ? { signal } : {}) });
  }

  replace<T extends KubeObject>(path: string, body: T, signal?: AbortSignal): Promise<T> {
    return this.request<T>('PUT', path, { body, ...(signal ? { signal } : {}) });
  }

  /** JSON merge patch (RFC 7386): objects merge, arrays are replaced, null deletes a field. */
  mergePatch<T extends KubeObject>(path: string, patch: unknown, signal?: AbortSignal): Promise<T> {
    return this.request<T>('PATCH', path, {
      body: patch,
      contentType: MERGE_PATCH,
      ...(signal ? { signal } : {}),
    });
  }

  delete(path: string, signal?: AbortSignal): Promise<unknown> {
    return this.request('DELETE', path, signal ? { signal } : {});
  }

  /**
   * Opens a watch (client-node's Watch). `onDone` is called once: null when the server ended the watch,
   * an error otherwise (a non-200 answer carries `statusCode`). Abort the returned controller to end it.
   */
  watch(
    path: string,
    query: Query,
    onEvent: (type: WatchEventType, object: KubeObject & Record<string, unknown>) => void,
    onDone: (err: unknown) => void,
  ): Promise<AbortController> {
    return new Watch(this.kubeConfig).watch(
      path,
      query,
      (type: string, object: KubeObject & Record<string, unknown>) => onEvent(type as WatchEventType, object),
      onDone,
    );
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function isStatus(data: unknown): data is ApiStatus {
  return data !== null && typeof data === 'object' && (data as { kind?: unknown }).kind === 'Status';
}
