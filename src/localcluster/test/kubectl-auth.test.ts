// What a cluster admin sees from `kubectl auth can-i` and `kubectl auth whoami` (the real kubectl v1.32.3,
// which sends its reviews as protobuf) against the embedded control plane.
import { expect } from 'chai';
import { useLocalCluster } from './support/cluster.js';

/** A kubectl table as rows of cells (columns are separated by at least two spaces or start indented). */
const rows = (table: string) =>
  table
    .trimEnd()
    .split('\n')
    .map((line) => line.trim().split(/\s+/));

const malformedReview = JSON.stringify({
  apiVersion: 'authorization.k8s.io/v1',
  kind: 'SelfSubjectAccessReview',
  spec: {},
});

describe('kubectl auth against the embedded control plane', () => {
  const fx = useLocalCluster({ crds: true });
  const kubectl = (...args: string[]) => fx.clients.kubectl(args);

  it('should answer yes to `kubectl auth can-i create teamsdevices` once crds/ is applied', async () => {
    const result = await kubectl('auth', 'can-i', 'create', 'teamsdevices');
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.equal('yes\n');
    // kubectl warns when discovery does not know the resource; it knows the CRD's plural.
    expect(result.stderr).to.equal('');
    const inNamespace = await kubectl('auth', 'can-i', 'delete', 'tdev/lab-phone-1', '-n', 'fleet');
    expect([inNamespace.code, inNamespace.stdout]).to.deep.equal([0, 'yes\n']);
  });

  it("should answer yes to `kubectl auth can-i '*' '*'` and to a non-resource URL", async () => {
    const everything = await kubectl('auth', 'can-i', '*', '*');
    expect([everything.code, everything.stdout]).to.deep.equal([0, 'yes\n']);
    const healthz = await kubectl('auth', 'can-i', 'get', '/healthz');
    expect([healthz.code, healthz.stdout]).to.deep.equal([0, 'yes\n']);
  });

  it('should list every verb on every resource and URL with `kubectl auth can-i --list`', async () => {
    const result = await kubectl('auth', 'can-i', '--list');
    expect(result.code, result.stderr).to.equal(0);
    expect(rows(result.stdout)).to.deep.equal([
      ['Resources', 'Non-Resource', 'URLs', 'Resource', 'Names', 'Verbs'],
      ['*.*', '[]', '[]', '[*]'],
      ['[*]', '[]', '[*]'],
    ]);
  });

  it('should name the user and its groups in `kubectl auth whoami`', async () => {
    const result = await kubectl('auth', 'whoami');
    expect(result.code, result.stderr).to.equal(0);
    expect(rows(result.stdout)).to.deep.equal([
      ['ATTRIBUTE', 'VALUE'],
      ['Username', 'tdo-admin'],
      ['Groups', '[system:masters', 'system:authenticated]'],
    ]);
  });

  it('should print an authentication.k8s.io/v1 SelfSubjectReview with `kubectl auth whoami -o json`', async () => {
    const result = await kubectl('auth', 'whoami', '-o', 'json');
    expect(result.code, result.stderr).to.equal(0);
    const review = JSON.parse(result.stdout);
    expect(review).to.deep.include({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
    expect(review.status).to.deep.equal({
      userInfo: { username: 'tdo-admin', groups: ['system:masters', 'system:authenticated'] },
    });
    expect(review.metadata.creationTimestamp).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('should list both review groups in `kubectl api-versions` and their create-only kinds in `api-resources`', async () => {
    const versions = (await fx.clients.kubectlOk(['api-versions'])).trim().split('\n');
    expect(versions).to.include.members(['authentication.k8s.io/v1', 'authorization.k8s.io/v1']);
    const table = await fx.clients.kubectlOk([
      'api-resources',
      '--api-group=authorization.k8s.io',
      '-o',
      'wide',
    ]);
    expect(rows(table).slice(1)).to.deep.equal([
      ['localsubjectaccessreviews', 'authorization.k8s.io/v1', 'true', 'LocalSubjectAccessReview', 'create'],
      ['selfsubjectaccessreviews', 'authorization.k8s.io/v1', 'false', 'SelfSubjectAccessReview', 'create'],
      ['selfsubjectrulesreviews', 'authorization.k8s.io/v1', 'false', 'SelfSubjectRulesReview', 'create'],
      ['subjectaccessreviews', 'authorization.k8s.io/v1', 'false', 'SubjectAccessReview', 'create'],
    ]);
    const authentication = await fx.clients.kubectlOk([
      'api-resources',
      '--api-group=authentication.k8s.io',
      '-o',
      'name',
    ]);
    expect(authentication.trim().split('\n')).to.deep.equal([
      'selfsubjectreviews.authentication.k8s.io',
      'tokenreviews.authentication.k8s.io',
    ]);
  });

  it("should show kube-apiserver's Invalid error for a review that asks nothing, and refuse to list reviews", async () => {
    const result = await fx.clients.kubectl(['create', '-f', '-'], { input: malformedReview });
    expect(result.code).to.equal(1);
    expect(result.stderr.trim()).to.equal(
      'The SelfSubjectAccessReview "" is invalid: spec.resourceAttributes: Invalid value: "null": ' +
        'exactly one of nonResourceAttributes or resourceAttributes must be specified',
    );
    const listed = await kubectl('get', 'selfsubjectaccessreviews');
    expect(listed.code).to.equal(1);
    expect(listed.stderr.trim()).to.equal(
      'Error from server (MethodNotAllowed): the server does not allow this method on the requested resource',
    );
  });

  it('should answer a review created with `kubectl create --dry-run=server` like any other', async () => {
    const review = JSON.stringify({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { verb: 'patch', group: 'teamsdevices.io', resource: 'updateplans' } },
    });
    for (const dryRun of [[], ['--dry-run=server']]) {
      const out = await fx.clients.kubectlOk(['create', '-f', '-', ...dryRun, '-o', 'json'], {
        input: review,
      });
      const answered = JSON.parse(out);
      expect(answered.spec.resourceAttributes).to.deep.equal({
        verb: 'patch',
        group: 'teamsdevices.io',
        resource: 'updateplans',
      });
      expect(answered.status.allowed, dryRun.join(' ')).to.equal(true);
    }
  });
});
