// Authorization as kube-apiserver's privileged-group authorizer decides it, and nothing else: a subject in
// `system:masters` may do anything, any other subject nothing. The server has no credential but its token
// (identity.ts), and it stores RBAC objects without enforcing them, so no other subject can act on it.
import { ADMIN_USER, SYSTEM_MASTERS } from './identity.js';

export interface Subject {
  username: string;
  groups: readonly string[];
}

export interface Decision {
  allowed: boolean;
  reason: string;
}

/** authorization.k8s.io/v1 SubjectRulesReviewStatus. */
export interface Rules {
  resourceRules: Array<{ verbs: string[]; apiGroups: string[]; resources: string[] }>;
  nonResourceRules: Array<{ verbs: string[]; nonResourceURLs: string[] }>;
  incomplete: boolean;
}

const ALLOWED_REASON = `group "${SYSTEM_MASTERS}" may do anything on the embedded control plane`;
const NOT_ALLOWED_REASON =
  `the embedded control plane allows only group "${SYSTEM_MASTERS}" (its one credential, user ` +
  `"${ADMIN_USER.username}"); it stores RBAC objects without enforcing them`;

function privileged(subject: Subject): boolean {
  return subject.groups.includes(SYSTEM_MASTERS);
}

/** The decision on any request (resource or non-resource) of the subject. */
export function authorize(subject: Subject): Decision {
  return privileged(subject)
    ? { allowed: true, reason: ALLOWED_REASON }
    : { allowed: false, reason: NOT_ALLOWED_REASON };
}

/** What the subject may do in any namespace: everything, as kube-apiserver's AlwaysAllow lists it, or nothing. */
export function rulesFor(subject: Subject): Rules {
  if (!privileged(subject)) return { resourceRules: [], nonResourceRules: [], incomplete: false };
  return {
    resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
    nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
    incomplete: false,
  };
}
