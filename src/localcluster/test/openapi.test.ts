import { expect } from 'chai';
import { resourceTypesFromCrd } from '../discovery.js';
import { BUILTIN_TYPES } from '../openapi/builtin-schemas.js';
import {
  OPENAPI_V2_PROTOBUF_CONTENT_TYPE,
  openapiV2Document,
  wantsOpenapiV2Protobuf,
} from '../openapi/v2.js';
import { openapiV3Document, openapiV3Index } from '../openapi/v3.js';
import type { ResourceType } from '../resource-type.js';
import { committedCrds } from './support/crds.js';

// biome-ignore lint/suspicious/noExplicitAny: the test walks untyped OpenAPI documents as kubectl does.
type Json = Record<string, any>;

const CRD_TYPES = committedCrds().flatMap(resourceTypesFromCrd);
const TYPES: ResourceType[] = [...BUILTIN_TYPES, ...CRD_TYPES];

function doc(path: string, types = TYPES): Json {
  const found = openapiV3Document(types, path);
  expect(found, path).to.not.equal(undefined);
  return found!.body as Json;
}

const gvPath = (t: ResourceType) => (t.group === '' ? `api/${t.version}` : `apis/${t.group}/${t.version}`);

/** The PATCH operations tagged with a GVK, as kubectl's query-param verifier and apply patcher find them. */
function patchOperations(body: Json, t: ResourceType): Json[] {
  return Object.values(body.paths as Record<string, Json>)
    .map((p) => p.patch as Json | undefined)
    .filter((op): op is Json => {
      const gvk = op?.['x-kubernetes-group-version-kind'];
      return gvk?.group === t.group && gvk?.version === t.version && gvk?.kind === t.kind;
    });
}

/** Follows allOf[0] and $ref the way strategicpatch.PatchMetaFromOpenAPIV3 does. */
function resolve(body: Json, schema: Json): Json {
  let s = schema;
  if (Array.isArray(s.allOf) && s.allOf.length > 0) s = s.allOf[0];
  if (typeof s.$ref === 'string') s = body.components.schemas[s.$ref.replace('#/components/schemas/', '')];
  expect(s, JSON.stringify(schema)).to.not.equal(undefined);
  return s;
}

/** The schema at a field path (lists step into their items), and the list schema when the last step is a list. */
function fieldSchema(body: Json, schemaName: string, path: string[]): Json {
  let schema = body.components.schemas[schemaName] as Json;
  expect(schema, schemaName).to.not.equal(undefined);
  for (const [i, key] of path.entries()) {
    schema = resolve(body, schema);
    if (schema.type === 'array') schema = resolve(body, schema.items);
    const next = schema.properties?.[key];
    expect(next, `${schemaName} ${path.slice(0, i + 1).join('.')}`).to.not.equal(undefined);
    schema = next;
  }
  return schema;
}

function refsOf(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) refsOf(item, out);
  else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') out.push(value);
      else refsOf(value, out);
    }
  }
  return out;
}

describe('OpenAPI v3', () => {
  it('should index one document per served group-version with a content hash in the URL', () => {
    const index = openapiV3Index(TYPES) as { paths: Record<string, { serverRelativeURL: string }> };
    expect(Object.keys(index.paths)).to.deep.equal([
      'api/v1',
      'apis/apiextensions.k8s.io/v1',
      'apis/apps/v1',
      'apis/authentication.k8s.io/v1',
      'apis/authorization.k8s.io/v1',
      'apis/coordination.k8s.io/v1',
      'apis/events.k8s.io/v1',
      'apis/rbac.authorization.k8s.io/v1',
      'apis/teamsdevices.io/v1alpha1',
    ]);
    for (const [key, { serverRelativeURL }] of Object.entries(index.paths)) {
      const { hash } = openapiV3Document(TYPES, key)!;
      expect(serverRelativeURL).to.equal(`/openapi/v3/${key}?hash=${hash}`);
      expect(hash).to.match(/^[0-9A-F]{128}$/);
    }
  });

  it('should not have a document for a group-version nobody serves or a malformed path', () => {
    for (const path of ['apis/teamsdevices.io/v1', 'api/v2', 'apis/apps', 'teamsdevices.io/v1alpha1', '']) {
      expect(openapiV3Document(TYPES, path), path).to.equal(undefined);
    }
    expect(openapiV3Document(TYPES, '/apis/teamsdevices.io/v1alpha1')).to.not.equal(undefined);
  });

  it('should publish the TeamsDevice schema with its GVK and the descriptions `kubectl explain` prints', () => {
    const body = doc('apis/teamsdevices.io/v1alpha1');
    expect(body.openapi).to.equal('3.0.0');
    const device = body.components.schemas['io.teamsdevices.v1alpha1.TeamsDevice'];
    expect(device['x-kubernetes-group-version-kind']).to.deep.equal([
      { group: 'teamsdevices.io', kind: 'TeamsDevice', version: 'v1alpha1' },
    ]);
    const autoUpdate = fieldSchema(body, 'io.teamsdevices.v1alpha1.TeamsDevice', [
      'spec',
      'firmwareAutoUpdate',
    ]);
    expect(autoUpdate.description).to.equal('How this device takes automatic firmware updates.');
    const phase = autoUpdate.properties.phase;
    expect(phase.description).to.match(/^Automatic firmware update phase\. Test: updates start as soon as/);
    expect(phase.enum).to.deep.equal(['Test', 'General', 'Final']);
    expect(phase.type).to.equal('string');
    expect(device.description).to.match(/One Teams device/);
  });

  it('should point metadata at ObjectMeta, so `kubectl explain tdev.metadata.labels` works', () => {
    const body = doc('apis/teamsdevices.io/v1alpha1');
    const labels = fieldSchema(body, 'io.teamsdevices.v1alpha1.TeamsDevice', ['metadata', 'labels']);
    expect(labels.additionalProperties).to.deep.include({ type: 'string' });
    expect(body.components.schemas['io.teamsdevices.v1alpha1.TeamsDeviceList']).to.deep.include({
      'x-kubernetes-group-version-kind': [
        { group: 'teamsdevices.io', kind: 'TeamsDeviceList', version: 'v1alpha1' },
      ],
    });
  });

  for (const t of TYPES.filter((type) => type.verbs.includes('patch'))) {
    it(`should give ${t.kind} (${t.group || 'core'}/${t.version}) PATCH operations with its GVK and fieldValidation`, () => {
      const ops = patchOperations(doc(gvPath(t)), t);
      expect(ops).to.have.length(t.subresources.includes('status') ? 2 : 1);
      for (const op of ops) {
        expect(op.parameters).to.deep.include.members([
          {
            name: 'fieldValidation',
            in: 'query',
            description: op.parameters.find((p: Json) => p.name === 'fieldValidation').description,
            schema: { type: 'string', uniqueItems: true },
          },
        ]);
        const contentTypes = Object.keys(op.requestBody.content);
        expect(contentTypes).to.include.members([
          'application/apply-patch+yaml',
          'application/json-patch+json',
          'application/merge-patch+json',
        ]);
        // kubectl apply computes a strategic merge patch from OpenAPI only where the server accepts one.
        expect(contentTypes.includes('application/strategic-merge-patch+json')).to.equal(t.builtin);
      }
      const schema = doc(gvPath(t)).components.schemas;
      const tagged = Object.values(schema as Record<string, Json>).filter((s) =>
        (s['x-kubernetes-group-version-kind'] ?? []).some(
          (g: Json) => g.group === t.group && g.version === t.version && g.kind === t.kind,
        ),
      );
      expect(tagged, 'component schemas tagged with the GVK').to.have.length(1);
    });
  }

  // The reviews: kube-apiserver publishes one POST path each, and neither items nor a list kind.
  const createOnly = TYPES.filter((type) => !type.verbs.includes('patch'));
  it('should have the six review kinds as the only create-only ones', () => {
    expect(createOnly.map((t) => `${t.plural}.${t.group}`).sort()).to.deep.equal([
      'localsubjectaccessreviews.authorization.k8s.io',
      'selfsubjectaccessreviews.authorization.k8s.io',
      'selfsubjectreviews.authentication.k8s.io',
      'selfsubjectrulesreviews.authorization.k8s.io',
      'subjectaccessreviews.authorization.k8s.io',
      'tokenreviews.authentication.k8s.io',
    ]);
  });
  for (const t of createOnly) {
    it(`should give the create-only ${t.kind} (${t.group}/${t.version}) one POST path, with its GVK and fieldValidation`, () => {
      const body = doc(gvPath(t));
      const prefix = `/apis/${t.group}/${t.version}`;
      const path = t.namespaced ? `${prefix}/namespaces/{namespace}/${t.plural}` : `${prefix}/${t.plural}`;
      expect(
        Object.keys(body.paths).filter((p) => p.endsWith(`/${t.plural}`) || p.includes(`/${t.plural}/`)),
      ).to.deep.equal([path]);
      const post = body.paths[path].post as Json;
      expect(Object.keys(body.paths[path])).to.deep.equal(['post', 'parameters']);
      expect(post['x-kubernetes-group-version-kind']).to.deep.equal({
        group: t.group,
        kind: t.kind,
        version: t.version,
      });
      expect(post.parameters.map((p: Json) => p.name)).to.include.members([
        'dryRun',
        'fieldManager',
        'fieldValidation',
      ]);
      const schemas = body.components.schemas as Record<string, Json>;
      const name = `io.k8s.api.${t.group.replace('.k8s.io', '')}.v1.${t.kind}`;
      expect(schemas[name]!['x-kubernetes-group-version-kind']).to.deep.equal([
        { group: t.group, kind: t.kind, version: t.version },
      ]);
      expect(schemas[name]!.properties).to.have.property('status');
      expect(schemas).to.not.have.property(`${name}List`);
    });
  }

  it('should describe the fields `kubectl auth can-i` sends in a SelfSubjectAccessReview', () => {
    const body = doc('apis/authorization.k8s.io/v1');
    const name = 'io.k8s.api.authorization.v1.SelfSubjectAccessReview';
    const verb = fieldSchema(body, name, ['spec', 'resourceAttributes', 'verb']);
    expect(verb.type).to.equal('string');
    expect(fieldSchema(body, name, ['status', 'allowed']).type).to.equal('boolean');
    const path = fieldSchema(body, name, ['spec', 'nonResourceAttributes', 'path']);
    expect(path.description).to.equal('Path is the URL path of the request');
    for (const ref of refsOf(body)) {
      expect(body.components.schemas, ref).to.have.property(ref.replace('#/components/schemas/', ''));
    }
  });

  it('should not offer strategic merge patches for a built-in kind whose schema is not modelled', () => {
    const statefulSet: ResourceType = {
      ...BUILTIN_TYPES.find((t) => t.kind === 'Deployment')!,
      kind: 'StatefulSet',
      listKind: 'StatefulSetList',
      plural: 'statefulsets',
    };
    const body = doc('apis/apps/v1', [...TYPES, statefulSet]);
    const schema = body.components.schemas['io.k8s.api.apps.v1.StatefulSet'];
    expect(schema).to.deep.include({
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
      'x-kubernetes-group-version-kind': [{ group: 'apps', kind: 'StatefulSet', version: 'v1' }],
    });
    const [op] = patchOperations(body, statefulSet);
    expect(Object.keys(op!.requestBody.content)).to.not.include('application/strategic-merge-patch+json');
    expect(op!.parameters.map((p: Json) => p.name)).to.include('fieldValidation');
    const [deploymentPatch] = patchOperations(body, BUILTIN_TYPES.find((t) => t.kind === 'Deployment')!);
    expect(Object.keys(deploymentPatch!.requestBody.content)).to.include(
      'application/strategic-merge-patch+json',
    );
  });

  it('should serve list, create, get, update, patch and delete paths for a namespaced kind', () => {
    const paths = doc('apis/teamsdevices.io/v1alpha1').paths as Record<string, Json>;
    const ns = '/apis/teamsdevices.io/v1alpha1/namespaces/{namespace}/teamsdevices';
    expect(Object.keys(paths[ns]!)).to.include.members(['get', 'post', 'delete', 'parameters']);
    expect(Object.keys(paths[`${ns}/{name}`]!)).to.include.members(['get', 'put', 'patch', 'delete']);
    expect(Object.keys(paths[`${ns}/{name}/status`]!)).to.include.members(['get', 'put', 'patch']);
    expect(paths['/apis/teamsdevices.io/v1alpha1/teamsdevices']!.get['x-kubernetes-action']).to.equal('list');
    expect(paths[ns]!.get.responses['200'].content['application/json'].schema).to.deep.equal({
      $ref: '#/components/schemas/io.teamsdevices.v1alpha1.TeamsDeviceList',
    });
    expect(paths['/apis/teamsdevices.io/v1alpha1/firmwarereleases/{name}']!.patch).to.not.equal(undefined);
    expect(Object.keys(paths).some((p) => p.includes('namespaces/{namespace}/firmwarereleases'))).to.equal(
      false,
    );
  });

  it('should not offer deletecollection where the resource has no such verb (namespaces)', () => {
    const paths = doc('api/v1').paths as Record<string, Json>;
    expect(paths['/api/v1/namespaces']!.delete).to.equal(undefined);
    expect(paths['/api/v1/namespaces/{namespace}/configmaps']!.delete['x-kubernetes-action']).to.equal(
      'deletecollection',
    );
  });

  it('should resolve every $ref inside the document that holds it', () => {
    for (const key of Object.keys((openapiV3Index(TYPES) as Json).paths)) {
      const body = doc(key);
      for (const ref of refsOf(body)) {
        expect(ref, key).to.match(/^#\/components\/schemas\//);
        expect(
          body.components.schemas[ref.slice('#/components/schemas/'.length)],
          `${key}: ${ref}`,
        ).to.not.equal(undefined);
      }
    }
  });

  const mergeKeys: Array<[string, string, string[], string]> = [
    ['apis/apps/v1', 'io.k8s.api.apps.v1.Deployment', ['spec', 'template', 'spec', 'containers'], 'name'],
    [
      'apis/apps/v1',
      'io.k8s.api.apps.v1.Deployment',
      ['spec', 'template', 'spec', 'containers', 'env'],
      'name',
    ],
    [
      'apis/apps/v1',
      'io.k8s.api.apps.v1.Deployment',
      ['spec', 'template', 'spec', 'containers', 'volumeMounts'],
      'mountPath',
    ],
    [
      'apis/apps/v1',
      'io.k8s.api.apps.v1.Deployment',
      ['spec', 'template', 'spec', 'containers', 'ports'],
      'containerPort',
    ],
    ['apis/apps/v1', 'io.k8s.api.apps.v1.Deployment', ['spec', 'template', 'spec', 'volumes'], 'name'],
    ['apis/apps/v1', 'io.k8s.api.apps.v1.Deployment', ['spec', 'template', 'spec', 'initContainers'], 'name'],
    ['apis/apps/v1', 'io.k8s.api.apps.v1.Deployment', ['status', 'conditions'], 'type'],
    ['apis/apps/v1', 'io.k8s.api.apps.v1.ReplicaSet', ['metadata', 'ownerReferences'], 'uid'],
    ['api/v1', 'io.k8s.api.core.v1.Pod', ['spec', 'containers'], 'name'],
    ['api/v1', 'io.k8s.api.core.v1.Pod', ['status', 'conditions'], 'type'],
    ['api/v1', 'io.k8s.api.core.v1.Service', ['spec', 'ports'], 'port'],
    ['api/v1', 'io.k8s.api.core.v1.ServiceAccount', ['secrets'], 'name'],
    [
      'apis/apiextensions.k8s.io/v1',
      'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition',
      ['status', 'conditions'],
      'type',
    ],
  ];
  for (const [path, schemaName, fields, key] of mergeKeys) {
    it(`should merge ${schemaName.split('.').pop()} ${fields.join('.')} by ${key} in a strategic merge patch`, () => {
      const list = resolve(doc(path), fieldSchema(doc(path), schemaName, fields));
      expect(list.type).to.equal('array');
      expect(list['x-kubernetes-patch-merge-key']).to.equal(key);
      expect(list['x-kubernetes-patch-strategy']).to.match(/^merge/);
    });
  }

  it('should replace lists without a merge key, such as args and the CRD versions', () => {
    const apps = doc('apis/apps/v1');
    const args = fieldSchema(apps, 'io.k8s.api.apps.v1.Deployment', [
      'spec',
      'template',
      'spec',
      'containers',
      'args',
    ]);
    expect(args['x-kubernetes-patch-merge-key']).to.equal(undefined);
    const ext = doc('apis/apiextensions.k8s.io/v1');
    const versions = fieldSchema(
      ext,
      'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition',
      ['spec', 'versions'],
    );
    expect(versions['x-kubernetes-list-type']).to.equal('atomic');
  });

  it('should change the hash of a group-version when its schema changes, and only of that one', () => {
    const before = openapiV3Index(TYPES) as Json;
    const again = openapiV3Index(TYPES) as Json;
    expect(again).to.deep.equal(before);

    const changed = TYPES.map((t) =>
      t.kind === 'TeamsDevice'
        ? { ...t, schema: { ...t.schema, description: 'A Teams device, described anew.' } }
        : t,
    );
    const after = openapiV3Index(changed) as Json;
    const device = 'apis/teamsdevices.io/v1alpha1';
    expect(after.paths[device].serverRelativeURL).to.not.equal(before.paths[device].serverRelativeURL);
    expect(after.paths['api/v1']).to.deep.equal(before.paths['api/v1']);
    expect(
      doc(device, changed).components.schemas['io.teamsdevices.v1alpha1.TeamsDevice'].description,
    ).to.equal('A Teams device, described anew.');
  });

  it('should change the hash when a kind joins a group-version', () => {
    const withoutPlans = TYPES.filter((t) => t.kind !== 'UpdatePlan');
    expect(openapiV3Document(withoutPlans, 'apis/teamsdevices.io/v1alpha1')!.hash).to.not.equal(
      openapiV3Document(TYPES, 'apis/teamsdevices.io/v1alpha1')!.hash,
    );
  });

  it('should not alter the ResourceType schema it publishes', () => {
    const type = CRD_TYPES.find((t) => t.kind === 'TeamsDevice')!;
    const copy = JSON.stringify(type.schema);
    openapiV3Document(TYPES, 'apis/teamsdevices.io/v1alpha1');
    expect(JSON.stringify(type.schema)).to.equal(copy);
  });
});

/** Length-delimited fields of a protobuf message, by field number (all the v2 document uses). */
function protobufFields(bytes: Uint8Array): Map<number, Uint8Array> {
  const fields = new Map<number, Uint8Array>();
  let i = 0;
  const varint = () => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[i++]!;
      value |= (b & 0x7f) << shift;
      if (b < 0x80) return value;
      shift += 7;
    }
  };
  while (i < bytes.length) {
    const key = varint();
    expect(key & 7, 'wire type').to.equal(2);
    const length = varint();
    fields.set(key >> 3, bytes.slice(i, i + length));
    i += length;
  }
  return fields;
}

describe('OpenAPI v2', () => {
  it('should encode a Swagger 2.0 openapi_v2.Document without definitions, which kubectl decodes', () => {
    const { body, protobuf } = openapiV2Document();
    expect(body).to.deep.equal({
      swagger: '2.0',
      info: { title: 'Kubernetes', version: 'v1.32.3' },
      paths: {},
      definitions: {},
    });
    const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);
    const fields = protobufFields(protobuf);
    expect([...fields.keys()]).to.deep.equal([1, 2, 8, 9]);
    expect(text(fields.get(1))).to.equal('2.0');
    const info = protobufFields(fields.get(2)!);
    expect([text(info.get(1)), text(info.get(2))]).to.deep.equal(['Kubernetes', 'v1.32.3']);
    expect(fields.get(8)).to.have.length(0);
    expect(fields.get(9)).to.have.length(0);
  });

  it('should answer with a Content-Type that Go can parse (no @, unlike the Accept header)', () => {
    expect(OPENAPI_V2_PROTOBUF_CONTENT_TYPE).to.match(/^application\/[\w.+-]+$/);
    expect(wantsOpenapiV2Protobuf('application/com.github.proto-openapi.spec.v2@v1.0+protobuf')).to.equal(
      true,
    );
    expect(wantsOpenapiV2Protobuf('application/json')).to.equal(false);
    expect(wantsOpenapiV2Protobuf(undefined)).to.equal(false);
  });
});
