// Who a request is. The embedded control plane has one credential, its bearer token, and whoever holds it
// is the user `tdo-admin` in `system:masters` (the group kube-apiserver always allows everything): what
// `kubectl auth whoami` prints and what the access reviews of reviews.ts decide with.
import { timingSafeEqual } from 'node:crypto';

/** authentication.k8s.io/v1 UserInfo, as JSON carries it (uid and extra are left out when empty). */
export interface UserInfo {
  readonly username: string;
  readonly groups: readonly string[];
}

/** The group kube-apiserver's privileged-group authorizer allows every request of. */
export const SYSTEM_MASTERS = 'system:masters';

/** The user of the token. Impersonation headers (`kubectl --as`) are not honoured: every request is this user. */
export const ADMIN_USER: UserInfo = Object.freeze({
  username: 'tdo-admin',
  groups: Object.freeze([SYSTEM_MASTERS, 'system:authenticated']),
});

export class TokenAuthenticator {
  private readonly secret: Buffer;

  constructor(token: string) {
    this.secret = Buffer.from(token);
  }

  /**
   * The user of an Authorization header: `Bearer <token>`, or `Basic` with the token as password (what
   * client-go makes of the credentials in the server URL of a plain-HTTP kubeconfig, see kubeconfig.ts; the
   * Basic user name is not checked). Undefined when the header carries no valid credential.
   */
  authenticateHeader(header: string | undefined): UserInfo | undefined {
    if (header === undefined) return undefined;
    if (header.startsWith('Basic ')) {
      const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
      return this.authenticateToken(decoded.slice(decoded.indexOf(':') + 1));
    }
    if (header.startsWith('Bearer ')) return this.authenticateToken(header.slice(7));
    return undefined;
  }

  /** The user of a bearer token (a TokenReview asks this too). */
  authenticateToken(token: string): UserInfo | undefined {
    const candidate = Buffer.from(token);
    const same = candidate.length === this.secret.length && timingSafeEqual(candidate, this.secret);
    return same ? ADMIN_USER : undefined;
  }
}
