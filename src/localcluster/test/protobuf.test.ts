import { expect } from 'chai';
import { ApiError } from '../errors.js';
import { decodeProtobufObject } from '../protobuf/decode.js';

// A tiny protobuf encoder, written the way gogo-protobuf (client-go) marshals Kubernetes types:
// non-pointer strings and integers are always written, even when empty; pointers only when set.
type Bytes = number[];
const varint = (n: number | bigint): Bytes => {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: Bytes = [];
  do {
    const low = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v ? low | 0x80 : low);
  } while (v);
  return out;
};
const tag = (field: number, wireType: number) => varint((field << 3) | wireType);
const bytes = (field: number, data: Bytes | Uint8Array): Bytes => [
  ...tag(field, 2),
  ...varint(data.length),
  ...data,
];
const str = (field: number, s: string) => bytes(field, [...Buffer.from(s, 'utf8')]);
const int = (field: number, n: number) => [...tag(field, 0), ...varint(n)];
const bool = (field: number, b: boolean) => int(field, b ? 1 : 0);
const msg = (field: number, ...parts: Bytes[]) => bytes(field, parts.flat());
const entry = (field: number, key: string, value: string | Uint8Array) =>
  msg(field, str(1, key), typeof value === 'string' ? str(2, value) : bytes(2, value));
const time = (field: number, iso?: string) => (iso ? msg(field, int(1, Date.parse(iso) / 1000)) : msg(field));

interface Meta {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  extra?: Bytes[];
}
/** ObjectMeta as client-go writes it for a new object. */
function objectMeta({ name = '', namespace = '', labels = {}, extra = [] }: Meta): Bytes {
  return msg(
    1,
    str(1, name),
    str(2, ''),
    str(3, namespace),
    str(4, ''),
    str(5, ''),
    str(6, ''),
    int(7, 0),
    time(8),
    ...Object.entries(labels).map(([k, v]) => entry(11, k, v)),
    ...extra,
  );
}
function envelope(apiVersion: string, kind: string, raw: Bytes, contentEncoding = ''): Buffer {
  return Buffer.from([
    0x6b,
    0x38,
    0x73,
    0x00,
    ...msg(1, str(1, apiVersion), str(2, kind)),
    ...bytes(2, raw),
    ...str(3, contentEncoding),
    ...str(4, ''),
  ]);
}

function failure(body: Buffer): ApiError {
  try {
    decodeProtobufObject(body);
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected a ApiError');
}

describe('decodeProtobufObject', () => {
  it('should decode the body of `kubectl create configmap x --from-literal=a=b`', () => {
    // The request body byte for byte, written out by hand from the gogo-protobuf marshalling of
    // runtime.Unknown{v1 ConfigMap} and corev1.ConfigMap{ObjectMeta{Name: "x"}, Data{a: b}}.
    const body = Buffer.from(
      '6b387300' +
        '0a0f0a0276311209436f6e6669674d6170' +
        '121b0a110a01781200' +
        '1a0022002a003200380042001206' +
        '0a0161120162' +
        '1a002200',
      'hex',
    );
    expect(decodeProtobufObject(body)).to.deep.equal({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x' },
      data: { a: 'b' },
    });
  });

  it('should decode a ConfigMap with binaryData as base64 and immutable kept even when false', () => {
    const raw = [
      ...objectMeta({ name: 'settings', namespace: 'lab', labels: { app: 'web' } }),
      ...entry(2, 'mode', 'fast'),
      ...entry(3, 'blob', new Uint8Array([0, 1, 254, 255])),
      ...bool(4, false),
    ];
    expect(decodeProtobufObject(envelope('v1', 'ConfigMap', raw))).to.deep.equal({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings', namespace: 'lab', labels: { app: 'web' } },
      immutable: false,
      data: { mode: 'fast' },
      binaryData: { blob: 'AAH+/w==' },
    });
  });

  it('should decode a helm release Secret with its data as the base64 strings JSON carries', () => {
    const release = Buffer.from('H4sIAAAAAAAC/release-payload');
    const raw = [
      ...objectMeta({
        name: 'sh.helm.release.v1.operator.v1',
        labels: { name: 'operator', owner: 'helm', status: 'deployed', version: '1' },
      }),
      ...entry(2, 'release', release),
      ...str(3, 'helm.sh/release.v1'),
    ];
    expect(decodeProtobufObject(envelope('v1', 'Secret', raw))).to.deep.equal({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'sh.helm.release.v1.operator.v1',
        labels: { name: 'operator', owner: 'helm', status: 'deployed', version: '1' },
      },
      data: { release: release.toString('base64') },
      type: 'helm.sh/release.v1',
    });
  });

  it('should decode a Secret with stringData and immutable', () => {
    const raw = [
      ...objectMeta({ name: 'token' }),
      ...entry(4, 'password', 'hunter2'),
      ...str(3, 'Opaque'),
      ...bool(5, true),
    ];
    expect(decodeProtobufObject(envelope('v1', 'Secret', raw))).to.deep.equal({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'token' },
      immutable: true,
      stringData: { password: 'hunter2' },
      type: 'Opaque',
    });
  });

  it('should decode the body of `kubectl create namespace` with its empty spec and status', () => {
    const raw = [...objectMeta({ name: 'lab' }), ...msg(2), ...msg(3, str(1, ''))];
    expect(decodeProtobufObject(envelope('v1', 'Namespace', raw))).to.deep.equal({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'lab' },
      spec: {},
      status: {},
    });
  });

  it('should decode a Namespace with finalizers, phase and conditions', () => {
    const raw = [
      ...objectMeta({ name: 'lab' }),
      ...msg(2, str(1, 'kubernetes')),
      ...msg(
        3,
        str(1, 'Terminating'),
        msg(
          2,
          str(1, 'NamespaceDeletionContentFailure'),
          str(2, 'False'),
          time(4, '2025-03-01T10:00:00Z'),
          str(5, 'OK'),
          str(6, ''),
        ),
      ),
    ];
    expect(decodeProtobufObject(envelope('v1', 'Namespace', raw))).to.deep.equal({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'lab' },
      spec: { finalizers: ['kubernetes'] },
      status: {
        phase: 'Terminating',
        conditions: [
          {
            type: 'NamespaceDeletionContentFailure',
            status: 'False',
            lastTransitionTime: '2025-03-01T10:00:00Z',
            reason: 'OK',
          },
        ],
      },
    });
  });

  it('should decode every ObjectMeta field a client may send', () => {
    const fields = { 'f:data': { 'f:a': {} } };
    const meta = msg(
      1,
      str(1, 'x'),
      str(2, ''),
      str(3, 'lab'),
      str(4, ''),
      str(5, 'uid-9'),
      str(6, '42'),
      int(7, 3),
      time(8, '2025-02-01T08:30:00Z'),
      time(9, '2025-03-02T00:00:00Z'),
      int(10, 30),
      entry(12, 'note', 'hello'),
      msg(
        13,
        str(1, 'Deployment'),
        str(3, 'web'),
        str(4, 'uid-1'),
        str(5, 'apps/v1'),
        bool(6, true),
        bool(7, false),
      ),
      str(14, 'example.com/cleanup'),
      str(14, 'example.com/audit'),
      msg(
        17,
        str(1, 'kubectl'),
        str(2, 'Apply'),
        str(3, 'v1'),
        time(4, '2025-03-01T10:00:00Z'),
        str(6, 'FieldsV1'),
        msg(7, str(1, JSON.stringify(fields))),
        str(8, ''),
      ),
    );
    const decoded = decodeProtobufObject(envelope('v1', 'ConfigMap', meta)) as {
      metadata: Record<string, unknown>;
    };
    expect(decoded.metadata).to.deep.equal({
      name: 'x',
      namespace: 'lab',
      uid: 'uid-9',
      resourceVersion: '42',
      generation: 3,
      creationTimestamp: '2025-02-01T08:30:00Z',
      deletionTimestamp: '2025-03-02T00:00:00Z',
      deletionGracePeriodSeconds: 30,
      annotations: { note: 'hello' },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: 'web',
          uid: 'uid-1',
          controller: true,
          blockOwnerDeletion: false,
        },
      ],
      finalizers: ['example.com/cleanup', 'example.com/audit'],
      managedFields: [
        {
          manager: 'kubectl',
          operation: 'Apply',
          apiVersion: 'v1',
          time: '2025-03-01T10:00:00Z',
          fieldsType: 'FieldsV1',
          fieldsV1: fields,
        },
      ],
    });
  });

  it('should merge a message field that appears twice, as protobuf does', () => {
    const raw = [
      ...objectMeta({ name: 'x', labels: { a: '1' } }),
      ...msg(1, str(3, 'lab'), entry(11, 'b', '2')),
    ];
    expect(decodeProtobufObject(envelope('v1', 'ConfigMap', raw))).to.deep.equal({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x', namespace: 'lab', labels: { a: '1', b: '2' } },
    });
  });

  /** What `kubectl create deployment web -n proto --image=registry.example.com/web:1` sends. */
  function kubectlDeployment(extraPodSpec: Bytes[] = []): Buffer {
    const labels = { app: 'web' };
    const container = msg(
      2,
      str(1, 'web'),
      str(2, 'registry.example.com/web:1'),
      str(5, ''),
      msg(8),
      str(13, ''),
      str(14, ''),
      bool(16, false),
      bool(17, false),
      bool(18, false),
      str(20, ''),
    );
    const podSpec = msg(
      2,
      container,
      str(3, ''),
      str(6, ''),
      str(8, ''),
      str(9, ''),
      str(10, ''),
      bool(11, false),
      bool(12, false),
      bool(13, false),
      str(16, ''),
      str(17, ''),
      str(19, ''),
      str(24, ''),
      ...extraPodSpec,
    );
    const spec = msg(
      2,
      int(1, 1),
      msg(2, entry(1, 'app', 'web')),
      msg(3, objectMeta({ labels }), podSpec),
      msg(4),
      int(5, 0),
      bool(7, false),
    );
    const status = msg(3, int(1, 0), int(2, 0), int(3, 0), int(4, 0), int(5, 0), int(7, 0));
    return envelope('apps/v1', 'Deployment', [
      ...objectMeta({ name: 'web', namespace: 'proto', labels }),
      ...spec,
      ...status,
    ]);
  }

  it('should decode the Deployment of `kubectl create deployment`', () => {
    expect(decodeProtobufObject(kubectlDeployment())).to.deep.equal({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'proto', labels: { app: 'web' } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'registry.example.com/web:1', resources: {} }] },
        },
        strategy: {},
      },
      status: {},
    });
  });

  it('should decode a rolling update strategy with a percentage and a number', () => {
    const strategy = msg(
      4,
      str(1, 'RollingUpdate'),
      msg(2, msg(1, int(1, 0), int(2, 1)), msg(2, int(1, 1), str(3, '25%'))),
    );
    const raw = [...objectMeta({ name: 'web' }), ...msg(2, int(1, 0), strategy)];
    expect(decodeProtobufObject(envelope('apps/v1', 'Deployment', raw))).to.deep.equal({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas: 0,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: '25%' } },
      },
    });
  });

  it('should answer 415 naming a Deployment field it does not decode rather than drop it', () => {
    const volumes = msg(1, str(1, 'data'), msg(2));
    const error = failure(kubectlDeployment([volumes]));
    expect([error.code, error.message]).to.deep.equal([
      415,
      'the server cannot decode the field volumes of Deployment (apiVersion "apps/v1") from ' +
        'application/vnd.kubernetes.protobuf; send application/json',
    ]);
  });

  const deletes: Array<[string, Bytes, object]> = [
    ['should decode the DeleteOptions helm sends', str(4, 'Background'), { propagationPolicy: 'Background' }],
    [
      'should decode DeleteOptions with a zero grace period, preconditions, orphanDependents and dryRun',
      [...int(1, 0), ...msg(2, str(1, 'uid-1'), str(2, '7')), ...bool(3, false), ...str(5, 'All')],
      {
        gracePeriodSeconds: 0,
        preconditions: { uid: 'uid-1', resourceVersion: '7' },
        orphanDependents: false,
        dryRun: ['All'],
      },
    ],
    ['should decode a negative int64 with its sign', int(1, -1), { gracePeriodSeconds: -1 }],
  ];
  for (const [name, raw, expected] of deletes) {
    it(name, () => {
      expect(decodeProtobufObject(envelope('meta.k8s.io/v1', 'DeleteOptions', raw))).to.deep.equal({
        apiVersion: 'meta.k8s.io/v1',
        kind: 'DeleteOptions',
        ...expected,
      });
    });
  }

  it('should skip fields it does not know, as a newer client may send them', () => {
    const raw = [
      ...objectMeta({ name: 'x', extra: [str(99, 'future')] }),
      ...str(42, 'future'),
      ...int(43, 1),
    ];
    expect(decodeProtobufObject(envelope('v1', 'ConfigMap', raw))).to.deep.equal({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x' },
    });
  });

  const errors: Array<[string, Buffer, number, string]> = [
    [
      'should answer 415 for a kind it cannot decode',
      envelope('apps/v1', 'StatefulSet', objectMeta({ name: 'web' })),
      415,
      'UnsupportedMediaType',
    ],
    [
      'should answer 415 for an encoded (compressed) payload',
      envelope('v1', 'Secret', [], 'gzip'),
      415,
      'UnsupportedMediaType',
    ],
    [
      'should answer 400 for a body without the k8s magic',
      Buffer.from('{"kind":"Secret"}'),
      400,
      'BadRequest',
    ],
    [
      'should answer 400 for a truncated body',
      envelope('v1', 'Secret', objectMeta({ name: 'token' })).subarray(0, 30),
      400,
      'BadRequest',
    ],
  ];
  for (const [name, body, code, reason] of errors) {
    it(name, () => {
      const error = failure(body);
      expect([error.code, error.reason]).to.deep.equal([code, reason]);
    });
  }

  // kubectl's typed clients send the reviews of `kubectl auth can-i` and `kubectl auth whoami` as protobuf.
  const accessStatus = msg(3, bool(1, false), str(2, ''), str(3, ''), bool(4, false));
  const resourceAttributes = (verb: string, group: string, resource: string) =>
    msg(
      1,
      str(1, 'default'),
      str(2, verb),
      str(3, group),
      str(4, ''),
      str(5, resource),
      str(6, ''),
      str(7, ''),
    );

  it('should decode the SelfSubjectAccessReview of `kubectl auth can-i create teamsdevices`', () => {
    const raw = [
      ...objectMeta({}),
      ...msg(2, resourceAttributes('create', 'teamsdevices.io', 'teamsdevices')),
      ...accessStatus,
    ];
    expect(
      decodeProtobufObject(envelope('authorization.k8s.io/v1', 'SelfSubjectAccessReview', raw)),
    ).to.deep.equal({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      metadata: {},
      spec: {
        resourceAttributes: {
          namespace: 'default',
          verb: 'create',
          group: 'teamsdevices.io',
          resource: 'teamsdevices',
        },
      },
      status: { allowed: false },
    });
  });

  it('should decode a SubjectAccessReview with its extra as lists of strings', () => {
    const raw = [
      ...objectMeta({}),
      ...msg(
        2,
        msg(2, str(1, '/healthz'), str(2, 'get')),
        str(3, 'bob'),
        str(4, 'devs'),
        str(4, 'ops'),
        msg(5, str(1, 'scopes'), msg(2, str(1, 'read'), str(1, 'write'))),
        str(6, ''),
      ),
      ...accessStatus,
    ];
    expect(
      decodeProtobufObject(envelope('authorization.k8s.io/v1', 'SubjectAccessReview', raw)),
    ).to.deep.equal({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      metadata: {},
      spec: {
        nonResourceAttributes: { path: '/healthz', verb: 'get' },
        user: 'bob',
        groups: ['devs', 'ops'],
        extra: { scopes: ['read', 'write'] },
      },
      status: { allowed: false },
    });
  });

  it('should decode the SelfSubjectRulesReview of `kubectl auth can-i --list` and the review of `auth whoami`', () => {
    const rules = [...objectMeta({}), ...msg(2, str(1, 'default')), ...msg(3, bool(3, false), str(4, ''))];
    expect(
      decodeProtobufObject(envelope('authorization.k8s.io/v1', 'SelfSubjectRulesReview', rules)),
    ).to.deep.equal({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectRulesReview',
      metadata: {},
      spec: { namespace: 'default' },
      status: { incomplete: false },
    });
    const whoami = [...objectMeta({}), ...msg(2, msg(1, str(1, ''), str(2, '')))];
    expect(
      decodeProtobufObject(envelope('authentication.k8s.io/v1', 'SelfSubjectReview', whoami)),
    ).to.deep.equal({
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'SelfSubjectReview',
      metadata: {},
      status: { userInfo: {} },
    });
  });
});
