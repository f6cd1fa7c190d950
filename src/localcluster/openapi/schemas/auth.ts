// OpenAPI v3 schemas of the review kinds (auth/reviews.ts): authentication.k8s.io/v1 SelfSubjectReview and
// TokenReview, authorization.k8s.io/v1 Self/Local/SubjectAccessReview and SelfSubjectRulesReview, with the
// fields and descriptions `kubectl explain` prints.
import {
  AUTHENTICATION,
  AUTHORIZATION,
  bool,
  kindSchema,
  list,
  META,
  obj,
  ref,
  type Schema,
  str,
  strList,
} from '../schema-kit.js';

const atomic = { 'x-kubernetes-list-type': 'atomic' };

const extra = (description: string): Schema => ({
  description,
  type: 'object',
  additionalProperties: { type: 'array', items: { type: 'string', default: '' } },
});

const USER_INFO = obj(
  {
    extra: extra('Any additional information provided by the authenticator.'),
    groups: strList('The names of groups this user is a part of.', atomic),
    uid: str('A unique value that identifies this user across time.'),
    username: str('The name that uniquely identifies this user among all active users.'),
  },
  'UserInfo holds the information about the user needed to implement the user.Info interface.',
);

const AUTHENTICATION_SCHEMAS: Record<string, Schema> = {
  [`${AUTHENTICATION}.UserInfo`]: USER_INFO,
  [`${AUTHENTICATION}.SelfSubjectReview`]: kindSchema(
    'authentication.k8s.io',
    'v1',
    'SelfSubjectReview',
    'SelfSubjectReview contains the user information that the kube-apiserver has about the user making this ' +
      'request. When using impersonation, users will receive the user info of the user being impersonated.',
    {
      status: ref(
        `${AUTHENTICATION}.SelfSubjectReviewStatus`,
        'Status is filled in by the server with the user attributes.',
      ),
    },
  ),
  [`${AUTHENTICATION}.SelfSubjectReviewStatus`]: obj(
    { userInfo: ref(`${AUTHENTICATION}.UserInfo`, 'User attributes of the user making this request.') },
    'SelfSubjectReviewStatus is filled by the kube-apiserver and sent back to a user.',
  ),
  [`${AUTHENTICATION}.TokenReview`]: kindSchema(
    'authentication.k8s.io',
    'v1',
    'TokenReview',
    'TokenReview attempts to authenticate a token to a known user.',
    {
      spec: ref(
        `${AUTHENTICATION}.TokenReviewSpec`,
        'Spec holds information about the request being evaluated',
      ),
      status: ref(
        `${AUTHENTICATION}.TokenReviewStatus`,
        'Status is filled in by the server and indicates whether the request can be authenticated.',
      ),
    },
    { required: ['spec'] },
  ),
  [`${AUTHENTICATION}.TokenReviewSpec`]: obj(
    {
      audiences: strList(
        'Audiences is a list of the identifiers that the resource server presented with the token identifies as.',
        atomic,
      ),
      token: str('Token is the opaque bearer token.'),
    },
    'TokenReviewSpec is a description of the token authentication request.',
  ),
  [`${AUTHENTICATION}.TokenReviewStatus`]: obj(
    {
      audiences: strList(
        'Audiences are audience identifiers chosen by the authenticator that are compatible with both the TokenReview and token.',
        atomic,
      ),
      authenticated: bool('Authenticated indicates that the token was associated with a known user.'),
      error: str("Error indicates that the token couldn't be checked"),
      user: ref(`${AUTHENTICATION}.UserInfo`, 'User is the UserInfo associated with the provided token.'),
    },
    'TokenReviewStatus is the result of the token authentication request.',
  ),
};

const accessReview = (kind: string, description: string, spec: string): Schema =>
  kindSchema(
    'authorization.k8s.io',
    'v1',
    kind,
    description,
    {
      spec: ref(`${AUTHORIZATION}.${spec}`, 'Spec holds information about the request being evaluated'),
      status: ref(
        `${AUTHORIZATION}.SubjectAccessReviewStatus`,
        'Status is filled in by the server and indicates whether the request is allowed or not',
      ),
    },
    { required: ['spec'] },
  );

const selectorAttributes = (what: 'field' | 'label', requirement: string): Schema =>
  obj(
    {
      rawSelector: str(
        `rawSelector is the serialization of a ${what} selector that would be included in a query parameter.`,
      ),
      requirements: list(requirement, `requirements is the parsed interpretation of a ${what} selector.`),
    },
    `${what === 'field' ? 'FieldSelectorAttributes' : 'LabelSelectorAttributes'} indicates a ${what} limited access.`,
  );

const ATTRIBUTES = {
  nonResourceAttributes: ref(
    `${AUTHORIZATION}.NonResourceAttributes`,
    'NonResourceAttributes describes information for a non-resource access request',
  ),
  resourceAttributes: ref(
    `${AUTHORIZATION}.ResourceAttributes`,
    'ResourceAuthorizationAttributes describes information for a resource access request',
  ),
};

const AUTHORIZATION_SCHEMAS: Record<string, Schema> = {
  [`${AUTHORIZATION}.SelfSubjectAccessReview`]: accessReview(
    'SelfSubjectAccessReview',
    'SelfSubjectAccessReview checks whether or the current user can perform an action.',
    'SelfSubjectAccessReviewSpec',
  ),
  [`${AUTHORIZATION}.SubjectAccessReview`]: accessReview(
    'SubjectAccessReview',
    'SubjectAccessReview checks whether or not a user or group can perform an action.',
    'SubjectAccessReviewSpec',
  ),
  [`${AUTHORIZATION}.LocalSubjectAccessReview`]: accessReview(
    'LocalSubjectAccessReview',
    'LocalSubjectAccessReview checks whether or not a user or group can perform an action in a given namespace.',
    'SubjectAccessReviewSpec',
  ),
  [`${AUTHORIZATION}.SelfSubjectAccessReviewSpec`]: obj(
    ATTRIBUTES,
    'SelfSubjectAccessReviewSpec is a description of the access request. Exactly one of ' +
      'ResourceAuthorizationAttributes and NonResourceAuthorizationAttributes must be set',
  ),
  [`${AUTHORIZATION}.SubjectAccessReviewSpec`]: obj(
    {
      extra: extra('Extra corresponds to the user.Info.GetExtra() method from the authenticator.'),
      groups: strList("Groups is the groups you're testing for.", atomic),
      ...ATTRIBUTES,
      uid: str('UID information about the requesting user.'),
      user: str("User is the user you're testing for."),
    },
    'SubjectAccessReviewSpec is a description of the access request. Exactly one of ' +
      'ResourceAuthorizationAttributes and NonResourceAuthorizationAttributes must be set',
  ),
  [`${AUTHORIZATION}.ResourceAttributes`]: obj(
    {
      fieldSelector: ref(
        `${AUTHORIZATION}.FieldSelectorAttributes`,
        'fieldSelector describes the limitation on access based on field.',
      ),
      group: str('Group is the API Group of the Resource. "*" means all.'),
      labelSelector: ref(
        `${AUTHORIZATION}.LabelSelectorAttributes`,
        'labelSelector describes the limitation on access based on labels.',
      ),
      name: str(
        'Name is the name of the resource being requested for a "get" or deleted for a "delete". "" (empty) means all.',
      ),
      namespace: str('Namespace is the namespace of the action being requested.'),
      resource: str('Resource is one of the existing resource types. "*" means all.'),
      subresource: str('Subresource is one of the existing resource types. "" means none.'),
      verb: str(
        'Verb is a kubernetes resource API verb, like: get, list, watch, create, update, delete, proxy. "*" means all.',
      ),
      version: str('Version is the API Version of the Resource. "*" means all.'),
    },
    'ResourceAttributes includes the authorization attributes available for resource requests to the Authorizer interface',
  ),
  [`${AUTHORIZATION}.NonResourceAttributes`]: obj(
    { path: str('Path is the URL path of the request'), verb: str('Verb is the standard HTTP verb') },
    'NonResourceAttributes includes the authorization attributes available for non-resource requests to the Authorizer interface',
  ),
  [`${AUTHORIZATION}.FieldSelectorAttributes`]: selectorAttributes(
    'field',
    `${AUTHORIZATION}.FieldSelectorRequirement`,
  ),
  [`${AUTHORIZATION}.LabelSelectorAttributes`]: selectorAttributes(
    'label',
    `${META}.LabelSelectorRequirement`,
  ),
  [`${AUTHORIZATION}.FieldSelectorRequirement`]: obj(
    {
      key: str('key is the field selector key that the requirement applies to.', { default: '' }),
      operator: str("operator represents a key's relationship to a set of values.", { default: '' }),
      values: strList('values is an array of string values.', atomic),
    },
    'FieldSelectorRequirement is a selector that contains values, a key, and an operator that relates the key and values.',
    { required: ['key', 'operator'] },
  ),
  [`${AUTHORIZATION}.SubjectAccessReviewStatus`]: obj(
    {
      allowed: bool('Allowed is required. True if the action would be allowed, false otherwise.'),
      denied: bool('Denied is optional. True if the action would be denied, otherwise false.'),
      evaluationError: str(
        'EvaluationError is an indication that some error occurred during the authorization check.',
      ),
      reason: str('Reason is optional. It indicates why a request was allowed or denied.'),
    },
    'SubjectAccessReviewStatus',
    { required: ['allowed'] },
  ),
  [`${AUTHORIZATION}.SelfSubjectRulesReview`]: kindSchema(
    'authorization.k8s.io',
    'v1',
    'SelfSubjectRulesReview',
    'SelfSubjectRulesReview enumerates the set of actions the current user can perform within a namespace.',
    {
      spec: ref(
        `${AUTHORIZATION}.SelfSubjectRulesReviewSpec`,
        'Spec holds information about the request being evaluated.',
      ),
      status: ref(
        `${AUTHORIZATION}.SubjectRulesReviewStatus`,
        'Status is filled in by the server and indicates the set of actions a user can perform.',
      ),
    },
    { required: ['spec'] },
  ),
  [`${AUTHORIZATION}.SelfSubjectRulesReviewSpec`]: obj(
    { namespace: str('Namespace to evaluate rules for. Required.') },
    'SelfSubjectRulesReviewSpec defines the specification for SelfSubjectRulesReview.',
  ),
  [`${AUTHORIZATION}.SubjectRulesReviewStatus`]: obj(
    {
      evaluationError: str('EvaluationError can appear in combination with Rules.'),
      incomplete: bool('Incomplete is true when the rules returned by this call are incomplete.'),
      nonResourceRules: list(
        `${AUTHORIZATION}.NonResourceRule`,
        'NonResourceRules is the list of actions the subject is allowed to perform on non-resources.',
      ),
      resourceRules: list(
        `${AUTHORIZATION}.ResourceRule`,
        'ResourceRules is the list of actions the subject is allowed to perform on resources.',
      ),
    },
    'SubjectRulesReviewStatus contains the result of a rules check.',
    { required: ['resourceRules', 'nonResourceRules', 'incomplete'] },
  ),
  [`${AUTHORIZATION}.ResourceRule`]: obj(
    {
      apiGroups: strList(
        'APIGroups is the name of the APIGroup that contains the resources. "*" means all.',
        atomic,
      ),
      resourceNames: strList(
        'ResourceNames is an optional white list of names that the rule applies to. "*" means all.',
        atomic,
      ),
      resources: strList(
        'Resources is a list of resources this rule applies to. "*" means all in the specified apiGroups.',
        atomic,
      ),
      verbs: strList('Verb is a list of kubernetes resource API verbs. "*" means all.', atomic),
    },
    'ResourceRule is the list of actions the subject is allowed to perform on resources.',
    { required: ['verbs'] },
  ),
  [`${AUTHORIZATION}.NonResourceRule`]: obj(
    {
      nonResourceURLs: strList(
        'NonResourceURLs is a set of partial urls that a user should have access to. "*" means all.',
        atomic,
      ),
      verbs: strList('Verb is a list of kubernetes non-resource API verbs. "*" means all.', atomic),
    },
    'NonResourceRule holds information that describes a rule for the non-resource',
    { required: ['verbs'] },
  ),
};

export const AUTH_SCHEMAS: Record<string, Schema> = { ...AUTHENTICATION_SCHEMAS, ...AUTHORIZATION_SCHEMAS };
