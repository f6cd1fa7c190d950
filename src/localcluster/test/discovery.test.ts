import { expect } from 'chai';
import {
  AGGREGATED_DISCOVERY_CONTENT_TYPE,
  aggregatedDiscovery,
  apiGroupDocument,
  apiGroupList,
  apiResourceList,
  type CrdLike,
  compareKubeVersions,
  legacyCoreVersions,
  resourceTypesFromCrd,
  versionInfo,
  wantsAggregatedDiscovery,
} from '../discovery.js';
import { BUILTIN_TYPES } from '../openapi/builtin-schemas.js';
import type { ResourceType } from '../resource-type.js';
import { committedCrds } from './support/crds.js';

const CRD_TYPES = committedCrds().flatMap(resourceTypesFromCrd);
const TYPES: ResourceType[] = [...BUILTIN_TYPES, ...CRD_TYPES];

interface Resource {
  name: string;
  singularName: string;
  namespaced: boolean;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
}
interface DiscoveredResource {
  resource: string;
  responseKind: { group: string; version: string; kind: string };
  scope: string;
  singularResource: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: Array<{ subresource: string; responseKind: object; verbs: string[] }>;
}
interface GroupDiscovery {
  metadata: { name?: string };
  versions: Array<{ version: string; freshness: string; resources: DiscoveredResource[] }>;
}

/** A CRD served in two versions, as a user could create it at run time. */
const widgetCrd: CrdLike = {
  spec: {
    group: 'example.com',
    names: { kind: 'Widget', plural: 'widgets' },
    scope: 'Cluster',
    versions: [
      { name: 'v1beta1', served: true },
      { name: 'v1', served: true, subresources: { status: {}, scale: {} } },
      { name: 'v1alpha1', served: false },
    ],
  },
};

describe('discovery', () => {
  it('should report Kubernetes v1.32 on /version, as kubectl and the kubectl dispatcher read it', () => {
    expect(versionInfo()).to.include({ major: '1', minor: '32', gitVersion: 'v1.32.3', compiler: 'gc' });
    expect(Object.keys(versionInfo())).to.include.members([
      'gitCommit',
      'gitTreeState',
      'buildDate',
      'goVersion',
      'platform',
    ]);
  });

  it('should answer /api with APIVersions naming v1 and the server address', () => {
    expect(legacyCoreVersions('127.0.0.1:7443')).to.deep.equal({
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:7443' }],
    });
  });

  describe('resourceTypesFromCrd', () => {
    it('should describe the five generated CRDs with names, scope, columns and schema', () => {
      const device = CRD_TYPES.find((t) => t.kind === 'TeamsDevice')!;
      expect(device).to.deep.include({
        group: 'teamsdevices.io',
        version: 'v1alpha1',
        listKind: 'TeamsDeviceList',
        plural: 'teamsdevices',
        singular: 'teamsdevice',
        namespaced: true,
        shortNames: ['tdev'],
        categories: ['teams'],
        subresources: ['status'],
        builtin: false,
      });
      expect(device.verbs).to.have.members([
        'create',
        'delete',
        'deletecollection',
        'get',
        'list',
        'patch',
        'update',
        'watch',
      ]);
      expect(device.printerColumns.map((c) => c.name)).to.include.members(['Type', 'Model', 'Phase', 'Age']);
      expect(device.schema).to.have.nested.property('properties.spec.properties.firmwareAutoUpdate');
      const release = CRD_TYPES.find((t) => t.kind === 'FirmwareRelease')!;
      expect(release.namespaced).to.equal(false);
      expect(CRD_TYPES).to.have.length(5);
    });

    it('should serve only the served versions, defaulting singular and listKind', () => {
      const types = resourceTypesFromCrd(widgetCrd);
      expect(types.map((t) => t.version)).to.deep.equal(['v1beta1', 'v1']);
      expect(types[1]).to.deep.include({
        singular: 'widget',
        listKind: 'WidgetList',
        subresources: ['status', 'scale'],
        namespaced: false,
      });
      expect(types[0]!.subresources).to.deep.equal([]);
    });
  });

  describe('legacy discovery', () => {
    it('should list every group but the core one on /apis, the CRD groups after the built-in ones', () => {
      const list = apiGroupList(TYPES) as { kind: string; groups: Array<{ name: string }> };
      expect(list.kind).to.equal('APIGroupList');
      expect(list.groups.map((g) => g.name)).to.deep.equal([
        'apps',
        'events.k8s.io',
        'authentication.k8s.io',
        'authorization.k8s.io',
        'rbac.authorization.k8s.io',
        'apiextensions.k8s.io',
        'coordination.k8s.io',
        'teamsdevices.io',
      ]);
    });

    it('should prefer the GA version of a group served in several versions', () => {
      const types = [...TYPES, ...resourceTypesFromCrd(widgetCrd)];
      expect(apiGroupDocument(types, 'example.com')).to.deep.equal({
        kind: 'APIGroup',
        apiVersion: 'v1',
        name: 'example.com',
        versions: [
          { groupVersion: 'example.com/v1', version: 'v1' },
          { groupVersion: 'example.com/v1beta1', version: 'v1beta1' },
        ],
        preferredVersion: { groupVersion: 'example.com/v1', version: 'v1' },
      });
    });

    it('should not describe a group nobody serves, nor the core group under /apis', () => {
      expect(apiGroupDocument(TYPES, 'example.com')).to.equal(undefined);
      expect(apiGroupDocument(TYPES, '')).to.equal(undefined);
      expect(apiResourceList(TYPES, 'teamsdevices.io', 'v1')).to.equal(undefined);
    });

    it('should list teamsdevices with its short name, the teams category and a status entry', () => {
      const list = apiResourceList(TYPES, 'teamsdevices.io', 'v1alpha1') as {
        kind: string;
        groupVersion: string;
        resources: Resource[];
      };
      expect(list).to.include({ kind: 'APIResourceList', groupVersion: 'teamsdevices.io/v1alpha1' });
      expect(list.resources.find((r) => r.name === 'teamsdevices')).to.deep.include({
        singularName: 'teamsdevice',
        namespaced: true,
        kind: 'TeamsDevice',
        shortNames: ['tdev'],
        categories: ['teams'],
      });
      expect(list.resources.find((r) => r.name === 'teamsdevices/status')).to.deep.equal({
        name: 'teamsdevices/status',
        singularName: '',
        namespaced: true,
        kind: 'TeamsDevice',
        verbs: ['get', 'patch', 'update'],
      });
      expect(list.resources.map((r) => r.name)).to.include.members([
        'firmwarereleases',
        'firmwarereleases/status',
        'updateplans',
        'updatepolicies',
        'deviceproxypools',
      ]);
    });

    it('should list the core resources on /api/v1 with their short names and the all category', () => {
      const list = apiResourceList(TYPES, '', 'v1') as { groupVersion: string; resources: Resource[] };
      expect(list.groupVersion).to.equal('v1');
      const byName = new Map(list.resources.map((r) => [r.name, r]));
      expect(byName.get('pods')).to.deep.include({
        shortNames: ['po'],
        categories: ['all'],
        namespaced: true,
      });
      expect(byName.get('namespaces')).to.deep.include({ shortNames: ['ns'], namespaced: false });
      expect(byName.get('namespaces')!.verbs).to.not.include('deletecollection');
      expect(byName.get('configmaps')!.categories).to.equal(undefined);
      expect(byName.has('pods/status')).to.equal(true);
      expect(byName.has('configmaps/status')).to.equal(false);
    });

    it('should let namespaces/finalize only be updated, as kube-apiserver does', () => {
      const namespace = {
        ...BUILTIN_TYPES.find((t) => t.kind === 'Namespace')!,
        subresources: ['status', 'finalize'],
      };
      const list = apiResourceList([namespace], '', 'v1') as { resources: Resource[] };
      expect(list.resources.map((r) => [r.name, r.verbs])).to.deep.equal([
        ['namespaces', ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']],
        ['namespaces/status', ['get', 'patch', 'update']],
        ['namespaces/finalize', ['update']],
      ]);
    });

    it('should list the access reviews as create-only resources of authorization.k8s.io/v1', () => {
      const list = apiResourceList(TYPES, 'authorization.k8s.io', 'v1') as { resources: Resource[] };
      const review = (kind: string, namespaced = false): Resource => ({
        name: `${kind.toLowerCase()}s`,
        singularName: kind.toLowerCase(),
        namespaced,
        kind,
        verbs: ['create'],
      });
      expect(list.resources).to.deep.equal([
        review('LocalSubjectAccessReview', true),
        review('SelfSubjectAccessReview'),
        review('SelfSubjectRulesReview'),
        review('SubjectAccessReview'),
      ]);
      expect(apiGroupDocument(TYPES, 'authentication.k8s.io')).to.deep.equal({
        kind: 'APIGroup',
        apiVersion: 'v1',
        name: 'authentication.k8s.io',
        versions: [{ groupVersion: 'authentication.k8s.io/v1', version: 'v1' }],
        preferredVersion: { groupVersion: 'authentication.k8s.io/v1', version: 'v1' },
      });
    });

    it('should name the autoscaling/v1 Scale kind for a scale subresource', () => {
      const list = apiResourceList(resourceTypesFromCrd(widgetCrd), 'example.com', 'v1') as {
        resources: object[];
      };
      expect(list.resources).to.deep.include({
        name: 'widgets/scale',
        singularName: '',
        namespaced: false,
        kind: 'Scale',
        group: 'autoscaling',
        version: 'v1',
        verbs: ['get', 'patch', 'update'],
      });
    });
  });

  describe('aggregated discovery', () => {
    it('should describe teamsdevices on /apis as kubectl needs it for `get tdev` and `get teams`', () => {
      const list = aggregatedDiscovery(TYPES, 'apis') as {
        kind: string;
        apiVersion: string;
        items: GroupDiscovery[];
      };
      expect(list).to.include({ kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2' });
      const group = list.items.find((g) => g.metadata.name === 'teamsdevices.io')!;
      expect(group.versions).to.have.length(1);
      expect(group.versions[0]).to.include({ version: 'v1alpha1', freshness: 'Current' });
      const device = group.versions[0]!.resources.find((r) => r.resource === 'teamsdevices')!;
      expect(device).to.deep.include({
        responseKind: { group: 'teamsdevices.io', version: 'v1alpha1', kind: 'TeamsDevice' },
        scope: 'Namespaced',
        singularResource: 'teamsdevice',
        shortNames: ['tdev'],
        categories: ['teams'],
        subresources: [
          {
            subresource: 'status',
            responseKind: { group: 'teamsdevices.io', version: 'v1alpha1', kind: 'TeamsDevice' },
            verbs: ['get', 'patch', 'update'],
          },
        ],
      });
      expect(device.verbs).to.include.members(['get', 'list', 'watch', 'patch']);
      const release = group.versions[0]!.resources.find((r) => r.resource === 'firmwarereleases')!;
      expect(release.scope).to.equal('Cluster');
      expect(list.items.some((g) => !g.metadata.name)).to.equal(false);
    });

    it('should describe selfsubjectreviews on /apis as `kubectl auth whoami` looks for it', () => {
      const list = aggregatedDiscovery(TYPES, 'apis') as { items: GroupDiscovery[] };
      const group = list.items.find((g) => g.metadata.name === 'authentication.k8s.io')!;
      expect(group.versions.map((v) => v.version)).to.deep.equal(['v1']);
      expect(group.versions[0]!.resources).to.deep.equal([
        {
          resource: 'selfsubjectreviews',
          responseKind: { group: 'authentication.k8s.io', version: 'v1', kind: 'SelfSubjectReview' },
          scope: 'Cluster',
          singularResource: 'selfsubjectreview',
          verbs: ['create'],
        },
        {
          resource: 'tokenreviews',
          responseKind: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenReview' },
          scope: 'Cluster',
          singularResource: 'tokenreview',
          verbs: ['create'],
        },
      ]);
    });

    it('should put only the core group on /api, with the all category on pods and services', () => {
      const list = aggregatedDiscovery(TYPES, 'api') as { items: GroupDiscovery[] };
      expect(list.items).to.have.length(1);
      expect(list.items[0]!.metadata).to.deep.equal({});
      const resources = list.items[0]!.versions[0]!.resources;
      expect(resources.filter((r) => r.categories?.includes('all')).map((r) => r.resource)).to.deep.equal([
        'pods',
        'services',
      ]);
      expect(resources.find((r) => r.resource === 'events')!.responseKind).to.deep.equal({
        group: '',
        version: 'v1',
        kind: 'Event',
      });
    });

    it('should list the preferred version of a group first', () => {
      const list = aggregatedDiscovery(resourceTypesFromCrd(widgetCrd), 'apis') as {
        items: GroupDiscovery[];
      };
      expect(list.items[0]!.versions.map((v) => v.version)).to.deep.equal(['v1', 'v1beta1']);
    });

    const accepts: Array<[string | undefined, boolean]> = [
      [
        'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json',
        true,
      ],
      [AGGREGATED_DISCOVERY_CONTENT_TYPE, true],
      ['application/json; as=APIGroupDiscoveryList; v=v2; g=apidiscovery.k8s.io', true],
      ['application/json', false],
      ['application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json', false],
      ['application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList', false],
      ['application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;q=0,application/json', false],
      [undefined, false],
    ];
    for (const [accept, expected] of accepts) {
      it(`should ${expected ? '' : 'not '}serve aggregated discovery for Accept: ${accept}`, () => {
        expect(wantsAggregatedDiscovery(accept)).to.equal(expected);
      });
    }
  });

  it('should order versions as Kubernetes does: GA, then beta, then alpha, then other names', () => {
    expect(
      ['v1alpha1', 'foo', 'v2', 'v1', 'v1beta2', 'v1beta1', 'v2alpha1'].sort(compareKubeVersions),
    ).to.deep.equal(['v2', 'v1', 'v1beta2', 'v1beta1', 'v2alpha1', 'v1alpha1', 'foo']);
  });

  describe('BUILTIN_TYPES', () => {
    const expected: Array<[string, string, string[], string[]]> = [
      ['', 'namespaces', ['ns'], []],
      ['', 'configmaps', ['cm'], []],
      ['', 'secrets', [], []],
      ['', 'serviceaccounts', ['sa'], []],
      ['', 'services', ['svc'], ['all']],
      ['', 'pods', ['po'], ['all']],
      ['', 'events', ['ev'], []],
      ['apps', 'deployments', ['deploy'], ['all']],
      ['apps', 'replicasets', ['rs'], ['all']],
      ['events.k8s.io', 'events', ['ev'], []],
      ['coordination.k8s.io', 'leases', [], []],
      ['rbac.authorization.k8s.io', 'roles', [], []],
      ['rbac.authorization.k8s.io', 'rolebindings', [], []],
      ['rbac.authorization.k8s.io', 'clusterroles', [], []],
      ['rbac.authorization.k8s.io', 'clusterrolebindings', [], []],
      ['apiextensions.k8s.io', 'customresourcedefinitions', ['crd', 'crds'], ['api-extensions']],
      ['authentication.k8s.io', 'selfsubjectreviews', [], []],
      ['authentication.k8s.io', 'tokenreviews', [], []],
      ['authorization.k8s.io', 'localsubjectaccessreviews', [], []],
      ['authorization.k8s.io', 'selfsubjectaccessreviews', [], []],
      ['authorization.k8s.io', 'selfsubjectrulesreviews', [], []],
      ['authorization.k8s.io', 'subjectaccessreviews', [], []],
    ];
    for (const [group, plural, shortNames, categories] of expected) {
      it(`should serve ${plural}${group ? `.${group}` : ''} with short names [${shortNames}] and categories [${categories}]`, () => {
        const type = BUILTIN_TYPES.find((t) => t.group === group && t.plural === plural);
        expect(type, `${group}/${plural}`).to.not.equal(undefined);
        expect(type!.shortNames).to.deep.equal(shortNames);
        expect(type!.categories).to.deep.equal(categories);
        expect(type!.builtin).to.equal(true);
        expect(type!.singular).to.equal(type!.kind.toLowerCase());
      });
    }

    it('should have a status subresource exactly where the server keeps status apart', () => {
      expect(
        BUILTIN_TYPES.filter((t) => t.subresources.includes('status'))
          .map((t) => t.plural)
          .sort(),
      ).to.deep.equal([
        'customresourcedefinitions',
        'deployments',
        'namespaces',
        'pods',
        'replicasets',
        'services',
      ]);
      expect(BUILTIN_TYPES.filter((t) => !t.namespaced).map((t) => t.kind)).to.have.members([
        'Namespace',
        'ClusterRole',
        'ClusterRoleBinding',
        'CustomResourceDefinition',
        'SelfSubjectReview',
        'TokenReview',
        'SelfSubjectAccessReview',
        'SelfSubjectRulesReview',
        'SubjectAccessReview',
      ]);
    });
  });
});
