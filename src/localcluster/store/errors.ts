// How the store fails: damage found on disk stops the start with the file and the byte offset, and a write
// the disk refused is a 500 Status, as kube-apiserver answers when etcd cannot store a write.
import { ApiError } from '../errors.js';

/** Bytes in the data directory that are neither valid records nor a torn last write: the start stops. */
export class StorageDamage extends Error {
  constructor(
    readonly file: string,
    readonly offset: number | undefined,
    why: string,
  ) {
    super(
      `${file} is damaged${offset === undefined ? '' : ` at byte ${offset}`}: ${why}; refusing to start so that nothing after it is lost ` +
        '(nothing was changed on disk: restore the file from a backup, or move the data directory aside)',
    );
    this.name = 'StorageDamage';
  }
}

export function errorText(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e?.code ? `${e.code}: ${e.message}` : String((error as Error)?.message ?? error);
}

/** The Status a client gets for a write that did not reach the disk (nothing of it was kept). */
export function writeFailed(error: unknown): ApiError {
  return new ApiError(
    500,
    'InternalError',
    `Internal error occurred: storage: the write-ahead log could not be written (${errorText(error)}); ` +
      'the write was not stored',
    { causes: [{ reason: 'StorageError', message: errorText(error) }] },
  );
}
