// A thin JSON client over @kubernetes/client-node: the kubeconfig's authentication and TLS, client-node's
// Watch, requests sent through NodeHttpLibrary (http-library.ts), and plain JSON objects in and out. Objects
// stay as the server sent them (string timestamps, unknown fields kept), the same whether they come from a
// list, a watch or a write, unlike the typed APIs, which turn timestamps of built-in kinds into Date objects.
// A 401 makes the client read its credentials again (`reload`: the kubeconfig file, the service-account
// token file), as client-go does, and retry once with them when they changed: an API server restarted with
// a new token, or a rotated token, is not 401 forever. Whether the server answers is kept in `reachability`.
import { HttpMethod, type KubeConfig, RequestContext, Watch } from '@kubernetes/client-node';
import { ApiError, type ApiStatus, statusCodeOf } from './errors.js';
import { NodeHttpLibrary } from './http-library.js';
import type { KubeList, KubeObject } from './object.js';
import { Reachability } from './reachability.js';
import { redactError } from './redact.js';

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
  /** The configuration read again from where it came from; called on a 401 (default: never re-read). */
  reload?: () => KubeConfig;
}

const FIELD_MANAGED: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH']);

export class KubeClient {
  readonly kubeConfig: KubeConfig;
  readonly userAgent: string;
  readonly fieldManager: string;
  /** Whether the API server answers (see reachability.ts). */
  readonly reachability = new Reachability();
  private readonly http = new NodeHttpLibrary();
  private readonly reload: (() => KubeConfig) | undefined;

  constructor(kubeConfig: KubeConfig, options: KubeClientOptions = {}) {
    this.kubeConfig = kubeConfig;
    this.userAgent = options.userAgent ?? DEFAULT_CLIENT_NAME;
    this.fieldManager = options.fieldManager ?? DEFAULT_CLIENT_NAME;
    this.reload = options.reload;
  }

  /**
   * Reads the credentials again and takes them in place (so watches opened later use them too). True when
   * they changed; false when they are the same or cannot be read (the 401 stands).
   */
  refreshCredentials(): boolean {
    if (!this.reload) return false;
    let fresh: KubeConfig;
    try {
      fresh = this.reload();
    } catch {
      return false;
    }
    const same =
      JSON.stringify([fresh.users, fresh.clusters, fresh.currentContext]) ===
      JSON.stringify([this.kubeConfig.users, this.kubeConfig.clusters, this.kubeConfig.currentContext]);
    if (same) return false;
    this.kubeConfig.loadFromOptions({
      clusters: fresh.clusters,
      users: fresh.users,
      contexts: fresh.contexts,
      currentContext: fresh.currentContext,
    });
    return true;
  }

  /** The API server URL of the current context. */
  get server(): string {
    const cluster = this.kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error('the kubeconfig has no current cluster');
    return cluster.server.replace(/\/+$/, '');
  }

  /** One API call; resolves to the parsed JSON body, rejects with ApiError for a non-2xx answer. */
  async request<T>(method: keyof typeof HttpMethod, path: string, options: RequestOptions = {}): Promise<T> {
    try {
      const result = await this.requestOnce<T>(method, path, options);
      this.reachability.answered();
      return result;
    } catch (err) {
      if (statusCodeOf(err) === 401 && this.refreshCredentials()) {
        try {
          const result = await this.requestOnce<T>(method, path, options);
          this.reachability.answered();
          return result;
        } catch (retried) {
          this.reached(retried);
          throw redactError(retried);
        }
      }
      this.reached(err);
      throw redactError(err);
    }
  }

  /** Records what a failed request says about the server: an ApiError other than 401 is an answer. */
  private reached(err: unknown): void {
    if (err instanceof ApiError && err.statusCode !== 401) this.reachability.answered();
    else this.reachability.failed(err);
  }

  private async requestOnce<T>(
    method: keyof typeof HttpMethod,
    path: string,
    options: RequestOptions,
  ): Promise<T> {
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
    let answered = false;
    return new Watch(this.kubeConfig)
      .watch(
        path,
        query,
        (type: string, object: KubeObject & Record<string, unknown>) => {
          if (!answered) {
            answered = true;
            this.reachability.answered();
          }
          onEvent(type as WatchEventType, object);
        },
        (err: unknown) => {
          if (err) {
            redactError(err);
            // The watch's next attempt goes out with the credentials as they are now.
            if (statusCodeOf(err) === 401) this.refreshCredentials();
            this.reached(err);
          }
          onDone(err);
        },
      )
      .catch((err: unknown) => {
        this.reached(err);
        throw redactError(err);
      });
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
