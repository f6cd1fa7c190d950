// The users of the embedded broker and the check of a password. Both sides are hashed before
// timingSafeEqual, so the comparison takes the same time whatever the password's length or how much of it
// is right, and an unknown user costs as much as a known one (the time does not tell which users exist).

import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (secret: string | Uint8Array): Buffer => createHash('sha256').update(secret).digest();

/** A fixed digest an unknown user's password is compared with. */
const NOBODY = digest('\u0000no such user\u0000');

export class Credentials {
  private readonly digests = new Map<string, Buffer>();

  /** `users`: user name → password. Throws on an empty user name or password. */
  constructor(users: ReadonlyMap<string, string> | Readonly<Record<string, string>>) {
    const entries = users instanceof Map ? [...users] : Object.entries(users);
    for (const [user, password] of entries) {
      if (typeof user !== 'string' || user === '') throw new Error('broker users: a user name is empty');
      if (typeof password !== 'string' || password === '') {
        throw new Error(`broker users: the password of ${JSON.stringify(user)} is empty`);
      }
      this.digests.set(user, digest(password));
    }
    if (this.digests.size === 0)
      throw new Error('broker users: none given (leave them out for no authentication)');
  }

  /** Whether `password` is the password of `user`; false for a missing user name or password. */
  verify(user: string | undefined, password: Uint8Array | string | undefined): boolean {
    const expected = (user !== undefined && this.digests.get(user)) || NOBODY;
    const ok = timingSafeEqual(expected, digest(password ?? ''));
    return ok && expected !== NOBODY && password !== undefined;
  }
}
