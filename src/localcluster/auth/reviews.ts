// The review kinds of authorization.k8s.io/v1 and authentication.k8s.io/v1: created, answered, never stored
// (kube-apiserver's pkg/registry/authorization/* and pkg/registry/authentication/*). `kubectl auth can-i`
// creates SelfSubjectAccessReviews (and a SelfSubjectRulesReview for --list), `kubectl auth whoami` a
// SelfSubjectReview; SubjectAccessReview, LocalSubjectAccessReview and TokenReview serve webhooks and proxies.
import { type ApiError, badRequest, type StatusCause } from '../errors.js';
import type { JsonObject } from '../resource-type.js';
import { isObject } from '../util/json.js';
import { rfc3339 } from '../util/time.js';
import { authorize, type Decision, rulesFor, type Subject } from './authorizer.js';
import type { GoStruct } from './go-json.js';
import type { UserInfo } from './identity.js';

export interface ReviewContext {
  /** The user who sent the review. */
  user: UserInfo;
  /** The namespace of the URL (LocalSubjectAccessReview only). */
  namespace: string | undefined;
  now: Date;
  authenticateToken(token: string): UserInfo | undefined;
  /** The 422 Invalid of this kind for the causes. */
  invalid(causes: StatusCause[]): ApiError;
}

export interface ReviewKind {
  /** How the body decodes (go-json.ts). */
  struct: GoStruct;
  /** The answer to a decoded review; throws an ApiError for a malformed one. */
  answer(review: JsonObject, context: ReviewContext): JsonObject;
}

/**
 * The audience the token is good for when a TokenReview names none: kube-apiserver's default
 * (`--api-audiences`, from the service account issuer of kubeadm clusters).
 */
export const API_AUDIENCE = 'https://kubernetes.default.svc.cluster.local';

// ---- Go structs --------------------------------------------------------------------------------------------

const selectorAttributes = (name: 'Field' | 'Label'): GoStruct => ({
  type: `v1.${name}SelectorAttributes`,
  fields: {
    rawSelector: 'string',
    requirements: {
      list: {
        type: `v1.${name}SelectorRequirement`,
        fields: { key: 'string', operator: 'string', values: '[]string' },
      },
    },
  },
});

const RESOURCE_ATTRIBUTES: GoStruct = {
  type: 'v1.ResourceAttributes',
  fields: {
    namespace: 'string',
    verb: 'string',
    group: 'string',
    version: 'string',
    resource: 'string',
    subresource: 'string',
    name: 'string',
    fieldSelector: selectorAttributes('Field'),
    labelSelector: selectorAttributes('Label'),
  },
};

const NON_RESOURCE_ATTRIBUTES: GoStruct = {
  type: 'v1.NonResourceAttributes',
  fields: { path: 'string', verb: 'string' },
};

const topLevel = (kind: string, spec?: GoStruct): GoStruct => ({
  type: `v1.${kind}`,
  fields: {
    apiVersion: 'string',
    kind: 'string',
    metadata: 'v1.ObjectMeta',
    ...(spec ? { spec } : {}),
    status: 'any',
  },
});

const SUBJECT_ACCESS_REVIEW_SPEC: GoStruct = {
  type: 'v1.SubjectAccessReviewSpec',
  fields: {
    resourceAttributes: RESOURCE_ATTRIBUTES,
    nonResourceAttributes: NON_RESOURCE_ATTRIBUTES,
    user: 'string',
    groups: '[]string',
    extra: 'map[string][]string',
    uid: 'string',
  },
};

// ---- validation (pkg/apis/authorization/validation) ---------------------------------------------------------

function specOf(review: JsonObject): JsonObject {
  return isObject(review.spec) ? review.spec : {};
}

function invalidValue(field: string, value: unknown, detail: string): StatusCause {
  const shown = value === undefined ? '"null"' : JSON.stringify(value);
  return { reason: 'FieldValueInvalid', message: `Invalid value: ${shown}: ${detail}`, field };
}

function selectorCauses(selector: unknown, field: string): StatusCause[] {
  if (!isObject(selector)) return [];
  const raw = typeof selector.rawSelector === 'string' ? selector.rawSelector : '';
  const requirements = Array.isArray(selector.requirements) ? selector.requirements : [];
  if (raw !== '' && requirements.length > 0) {
    return [invalidValue(`${field}.rawSelector`, raw, 'may not specified at the same time as requirements')];
  }
  if (raw === '' && requirements.length === 0) {
    return [
      {
        reason: 'FieldValueRequired',
        message: `Required value: when ${field} is specified, requirements or rawSelector is required`,
        field: `${field}.requirements`,
      },
    ];
  }
  return [];
}

/** Exactly one of resourceAttributes and nonResourceAttributes, and well-formed selectors. */
function attributeCauses(spec: JsonObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const { resourceAttributes: resource, nonResourceAttributes: nonResource } = spec;
  if (resource !== undefined && nonResource !== undefined) {
    causes.push(
      invalidValue(
        'spec.nonResourceAttributes',
        nonResource,
        'cannot be specified in combination with resourceAttributes',
      ),
    );
  }
  if (resource === undefined && nonResource === undefined) {
    causes.push(
      invalidValue(
        'spec.resourceAttributes',
        undefined,
        'exactly one of nonResourceAttributes or resourceAttributes must be specified',
      ),
    );
  }
  if (isObject(resource)) {
    causes.push(...selectorCauses(resource.fieldSelector, 'spec.resourceAttributes.fieldSelector'));
    causes.push(...selectorCauses(resource.labelSelector, 'spec.resourceAttributes.labelSelector'));
  }
  return causes;
}

function subjectCauses(spec: JsonObject): StatusCause[] {
  const user = typeof spec.user === 'string' ? spec.user : '';
  const groups = Array.isArray(spec.groups) ? spec.groups : [];
  if (user !== '' || groups.length > 0) return [];
  return [invalidValue('spec.user', '', 'at least one of user or group must be specified')];
}

function isZero(value: unknown): boolean {
  if (value === null || value === undefined || value === '' || value === 0 || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  return isObject(value) && Object.keys(value).length === 0;
}

/** Reviews carry no object metadata (managedFields aside, and the namespace of a local review). */
function metadataCauses(review: JsonObject, allowed: readonly string[], detail: string): StatusCause[] {
  const meta = isObject(review.metadata) ? review.metadata : {};
  const set = Object.entries(meta).filter(
    ([key, value]) => key !== 'managedFields' && !allowed.includes(key) && !isZero(value),
  );
  return set.length === 0 ? [] : [invalidValue('metadata', meta, detail)];
}

// ---- answers ----------------------------------------------------------------------------------------------

function accessStatus(decision: Decision): JsonObject {
  return { allowed: decision.allowed, reason: decision.reason };
}

function accessReview(review: JsonObject, metadata: JsonObject, decision: Decision): JsonObject {
  const { kind, apiVersion } = review;
  return { kind, apiVersion, metadata, spec: specOf(review), status: accessStatus(decision) };
}

function subjectOf(spec: JsonObject): Subject {
  return {
    username: typeof spec.user === 'string' ? spec.user : '',
    groups: Array.isArray(spec.groups) ? (spec.groups as string[]) : [],
  };
}

const selfSubjectAccessReview: ReviewKind = {
  struct: topLevel('SelfSubjectAccessReview', {
    type: 'v1.SelfSubjectAccessReviewSpec',
    fields: { resourceAttributes: RESOURCE_ATTRIBUTES, nonResourceAttributes: NON_RESOURCE_ATTRIBUTES },
  }),
  answer(review, context) {
    const causes = [...attributeCauses(specOf(review)), ...metadataCauses(review, [], 'must be empty')];
    if (causes.length > 0) throw context.invalid(causes);
    return accessReview(review, {}, authorize(context.user));
  },
};

const subjectAccessReview: ReviewKind = {
  struct: topLevel('SubjectAccessReview', SUBJECT_ACCESS_REVIEW_SPEC),
  answer(review, context) {
    const spec = specOf(review);
    const causes = [
      ...attributeCauses(spec),
      ...subjectCauses(spec),
      ...metadataCauses(review, [], 'must be empty'),
    ];
    if (causes.length > 0) throw context.invalid(causes);
    return accessReview(review, {}, authorize(subjectOf(spec)));
  },
};

const localSubjectAccessReview: ReviewKind = {
  struct: topLevel('LocalSubjectAccessReview', SUBJECT_ACCESS_REVIEW_SPEC),
  answer(review, context) {
    const namespace = context.namespace ?? '';
    const meta = isObject(review.metadata) ? review.metadata : {};
    if (typeof meta.namespace === 'string' && meta.namespace !== '' && meta.namespace !== namespace) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    const spec = specOf(review);
    const causes = [
      ...attributeCauses(spec),
      ...subjectCauses(spec),
      ...metadataCauses(review, ['namespace'], 'must be empty except for namespace'),
    ];
    const resource = spec.resourceAttributes;
    const resourceNamespace = isObject(resource) ? (resource.namespace ?? '') : '';
    if (isObject(resource) && resourceNamespace !== namespace) {
      causes.push(
        invalidValue('spec.resourceAttributes.namespace', resourceNamespace, 'must match metadata.namespace'),
      );
    }
    if (spec.nonResourceAttributes !== undefined) {
      causes.push(
        invalidValue(
          'spec.nonResourceAttributes',
          spec.nonResourceAttributes,
          'disallowed on this kind of request',
        ),
      );
    }
    if (causes.length > 0) throw context.invalid(causes);
    return accessReview(review, { namespace }, authorize(subjectOf(spec)));
  },
};

const selfSubjectRulesReview: ReviewKind = {
  struct: topLevel('SelfSubjectRulesReview', {
    type: 'v1.SelfSubjectRulesReviewSpec',
    fields: { namespace: 'string' },
  }),
  answer(review, context) {
    const namespace = specOf(review).namespace;
    if (typeof namespace !== 'string' || namespace === '') throw badRequest('no namespace on request');
    // kube-apiserver answers with a new object: the spec is not echoed.
    const { kind, apiVersion } = review;
    return { kind, apiVersion, metadata: {}, spec: {}, status: { ...rulesFor(context.user) } };
  },
};

const selfSubjectReview: ReviewKind = {
  struct: topLevel('SelfSubjectReview'),
  answer(review, context) {
    const { kind, apiVersion } = review;
    return {
      kind,
      apiVersion,
      metadata: { creationTimestamp: rfc3339(context.now) },
      status: { userInfo: { username: context.user.username, groups: [...context.user.groups] } },
    };
  },
};

const tokenReview: ReviewKind = {
  struct: topLevel('TokenReview', {
    type: 'v1.TokenReviewSpec',
    fields: { token: 'string', audiences: '[]string' },
  }),
  answer(review, context) {
    const spec = specOf(review);
    const token = typeof spec.token === 'string' ? spec.token : '';
    if (token === '') throw badRequest('token is required for TokenReview in authentication');
    // Like kube-apiserver's static tokens, this one is good for the API server's own audience: a review that
    // names only other audiences does not authenticate it.
    const wanted =
      Array.isArray(spec.audiences) && spec.audiences.length > 0 ? spec.audiences : [API_AUDIENCE];
    const user = wanted.includes(API_AUDIENCE) ? context.authenticateToken(token) : undefined;
    const status: JsonObject = user
      ? {
          authenticated: true,
          user: { username: user.username, groups: [...user.groups] },
          audiences: [API_AUDIENCE],
        }
      : { user: {}, error: 'invalid bearer token' };
    const { kind, apiVersion } = review;
    const metadata = isObject(review.metadata) ? review.metadata : {};
    return { kind, apiVersion, metadata, spec, status };
  },
};

/** The review kinds, by storage key. */
export const REVIEWS: Readonly<Record<string, ReviewKind>> = {
  'selfsubjectaccessreviews.authorization.k8s.io': selfSubjectAccessReview,
  'selfsubjectrulesreviews.authorization.k8s.io': selfSubjectRulesReview,
  'subjectaccessreviews.authorization.k8s.io': subjectAccessReview,
  'localsubjectaccessreviews.authorization.k8s.io': localSubjectAccessReview,
  'selfsubjectreviews.authentication.k8s.io': selfSubjectReview,
  'tokenreviews.authentication.k8s.io': tokenReview,
};
