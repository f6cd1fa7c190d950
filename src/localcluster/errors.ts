// API errors as kube-apiserver words them (k8s.io/apimachinery/pkg/api/errors): one class, thrown by any layer
// and turned into a `Status` body by the HTTP layer.
import type { JsonObject } from './resource-type.js';
import { SelectorError } from './selectors.js';

export interface StatusCause {
  reason?: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** The identity errors name: the plural resource and its group (`teamsdevices`, `teamsdevices.io`). */
export interface GroupResource {
  group: string;
  resource: string;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  toStatus(): JsonObject {
    const status: JsonObject = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
    };
    if (this.details) status.details = this.details;
    status.code = this.code;
    return status;
  }
}

export function qualified(gr: GroupResource): string {
  return gr.group === '' ? gr.resource : `${gr.resource}.${gr.group}`;
}

function details(gr: GroupResource, name: string): StatusDetails {
  return gr.group === '' ? { name, kind: gr.resource } : { name, group: gr.group, kind: gr.resource };
}

export function notFound(gr: GroupResource, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualified(gr)} "${name}" not found`, details(gr, name));
}

export function pathNotFound(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function alreadyExists(gr: GroupResource, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualified(gr)} "${name}" already exists`, details(gr, name));
}

export const MODIFIED_MESSAGE =
  'the object has been modified; please apply your changes to the latest version and try again';

export function conflict(gr: GroupResource, name: string, why: string = MODIFIED_MESSAGE): ApiError {
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${why}`,
    details(gr, name),
  );
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}

export function forbidden(gr: GroupResource, name: string, why: string): ApiError {
  const subject = name === '' ? qualified(gr) : `${qualified(gr)} "${name}"`;
  return new ApiError(403, 'Forbidden', `${subject} is forbidden: ${why}`, details(gr, name));
}

/** A method the route has no handler for at all (go-restful's answer, before any resource logic). */
export function methodNotAllowed(): ApiError {
  return new ApiError(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
  );
}

export function methodNotSupported(gr: GroupResource, action: string): ApiError {
  return new ApiError(
    405,
    'MethodNotAllowed',
    `${action} is not supported on resources of kind "${qualified(gr)}"`,
    {
      group: gr.group,
      kind: gr.resource,
    },
  );
}

export function expired(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}

/**
 * 504 for a list or watch from a resourceVersion the server has not reached (storage's
 * NewTooLargeResourceVersionError): client-go and client-node relist on it rather than wait.
 */
export function tooLargeResourceVersion(requested: string, current: number): ApiError {
  return new ApiError(
    504,
    'Timeout',
    `Timeout: Too large resource version: ${requested}, current: ${current}`,
    {
      causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
      retryAfterSeconds: 1,
    },
  );
}

export function tooLarge(): ApiError {
  return new ApiError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
}

export function unsupportedMediaType(accepted: readonly string[]): ApiError {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );
}

/** 415 for a body in an accepted media type whose content cannot be decoded (a protobuf kind not modelled). */
export function cannotDecode(message: string): ApiError {
  return new ApiError(415, 'UnsupportedMediaType', message);
}

/** 422 Invalid without causes: a patch that cannot be applied to the object it targets. */
export function invalidPatch(message: string): ApiError {
  return new ApiError(422, 'Invalid', message);
}

/** 422 Invalid; the message is built by the validation helper so both read the same. */
export function invalid(
  kind: string,
  group: string,
  name: string,
  message: string,
  causes: StatusCause[],
): ApiError {
  const d: StatusDetails = group === '' ? { name, kind, causes } : { name, group, kind, causes };
  return new ApiError(422, 'Invalid', message, d);
}

export function internalError(error: unknown): ApiError {
  const text = error instanceof Error ? error.message : String(error);
  return new ApiError(500, 'InternalError', `Internal error occurred: ${text}`, {
    causes: [{ message: text }],
  });
}

/** Any error as the Status it answers with: the helpers' typed errors keep their code and reason. */
export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof SelectorError) return badRequest(error.message);
  return internalError(error);
}
