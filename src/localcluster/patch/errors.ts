// The one error type of the patch, apply and protobuf functions. The HTTP layer turns it into a
// metav1.Status: `code` is the HTTP status, `reason` the StatusReason (BadRequest, Conflict, ...).
export class PatchError extends Error {
  constructor(
    message: string,
    public readonly code: 400 | 409 | 415 | 422,
    public readonly reason: string,
  ) {
    super(message);
    this.name = 'PatchError';
  }
}

export function badRequest(message: string): PatchError {
  return new PatchError(message, 400, 'BadRequest');
}

export function invalid(message: string): PatchError {
  return new PatchError(message, 422, 'Invalid');
}

export function unsupportedMediaType(message: string): PatchError {
  return new PatchError(message, 415, 'UnsupportedMediaType');
}
