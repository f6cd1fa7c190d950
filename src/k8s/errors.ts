// Errors of Kubernetes API calls: the HTTP status and the Status object the server sent.

/** metav1.Status, as the API server sends it with an error. */
export interface ApiStatus {
  kind?: 'Status';
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: Record<string, unknown>;
}

export class ApiError extends Error {
  readonly statusCode: number;
  /** Status.reason: NotFound, AlreadyExists, Conflict, Expired, Invalid... */
  readonly reason: string | undefined;
  readonly status: ApiStatus | undefined;

  constructor(statusCode: number, message: string, status?: ApiStatus) {
    super(message);
    this.name = 'ApiError';
    this.statusCode = statusCode;
    this.status = status;
    this.reason = status?.reason;
  }
}

/** The HTTP status of an error from this module or from client-node (ApiException.code, watch statusCode). */
export function statusCodeOf(err: unknown): number | undefined {
  if (err === null || typeof err !== 'object') return undefined;
  const e = err as { statusCode?: unknown; code?: unknown };
  if (typeof e.statusCode === 'number') return e.statusCode;
  if (typeof e.code === 'number') return e.code;
  return undefined;
}

export const isNotFound = (err: unknown): boolean => statusCodeOf(err) === 404;
/** 409: a write lost an optimistic-concurrency race (Conflict) or a create found the name taken. */
export const isConflict = (err: unknown): boolean => statusCodeOf(err) === 409;
export const isAlreadyExists = (err: unknown): boolean =>
  statusCodeOf(err) === 409 && (err as ApiError).reason === 'AlreadyExists';
/** 410: the resourceVersion a list or watch asked for is older than the server's history. */
export const isGone = (err: unknown): boolean => statusCodeOf(err) === 410;

/**
 * 504 "Too large resource version": a list or watch from a resourceVersion the server has not reached (it
 * lost its data, or is a new server on the old address). Like client-go's IsTooLargeResourceVersion: the
 * ResourceVersionTooLarge cause, or the message of servers that send no causes.
 */
export function isResourceVersionTooLarge(err: unknown): boolean {
  if (statusCodeOf(err) !== 504) return false;
  const status = (err as { status?: ApiStatus }).status;
  const causes = status?.details?.causes;
  if (
    Array.isArray(causes) &&
    causes.some((c) => (c as { reason?: unknown })?.reason === 'ResourceVersionTooLarge')
  ) {
    return true;
  }
  const message = status?.message ?? (err as { message?: unknown }).message;
  return typeof message === 'string' && /too large resource version/i.test(message);
}
