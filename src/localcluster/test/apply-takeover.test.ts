// Moving objects from `kubectl apply` to `kubectl apply --server-side` with the real kubectl, as on a
// real cluster: kubectl takes over the fields its client-side apply set, unless somebody changed them
// since, and keeps the last-applied-configuration annotation true.
import { expect } from 'chai';
import { useLocalCluster } from './support/cluster.js';
import { asYamlStream, teamsDevice } from './support/manifests.js';

const NS = 'takeover';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

interface Entry {
  manager: string;
  operation: string;
  fieldsV1: Record<string, unknown>;
}

function configMap(name: string, data: Record<string, string>): string {
  return asYamlStream([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS }, data }]);
}

describe('localcluster moving from client-side to server-side apply with the real kubectl', () => {
  const fx = useLocalCluster({ crds: true });
  const kubectl = (args: string[], input?: string) =>
    fx.clients.kubectl(args, input === undefined ? {} : { input });
  const kubectlOk = (args: string[], input?: string) =>
    fx.clients.kubectlOk(args, input === undefined ? {} : { input });
  // biome-ignore lint/suspicious/noExplicitAny: assertions walk the JSON freely
  const get = async (resource: string): Promise<any> =>
    JSON.parse(await kubectlOk(['get', resource, '-n', NS, '-o', 'json', '--show-managed-fields']));
  const managers = (object: { metadata: { managedFields?: Entry[] } }) =>
    (object.metadata.managedFields ?? []).map((e) => `${e.manager} ${e.operation}`).sort();

  before(async () => {
    await kubectlOk(['create', 'namespace', NS]);
  });

  it('should take over a ConfigMap applied client-side when the same file is applied server-side', async () => {
    const file = configMap('same', { greeting: 'hello', color: 'blue' });
    await kubectlOk(['apply', '-f', '-'], file);
    expect(await kubectlOk(['apply', '--server-side', '-f', '-'], file)).to.equal(
      'configmap/same serverside-applied\n',
    );
    const object = await get('configmap/same');
    expect(object.data).to.deep.equal({ greeting: 'hello', color: 'blue' });
    expect(managers(object)).to.deep.equal(['kubectl Apply', 'kubectl-last-applied Apply']);
    const owned = object.metadata.managedFields.find((e: Entry) => e.manager === 'kubectl').fieldsV1;
    expect(owned['f:data']).to.deep.equal({ 'f:color': {}, 'f:greeting': {} });
    // The annotation now holds what the server-side apply sent, as kubectl itself would encode it.
    expect(object.metadata.annotations[LAST_APPLIED]).to.equal(
      '{"apiVersion":"v1","data":{"color":"blue","greeting":"hello"},"kind":"ConfigMap","metadata":{"name":"same","namespace":"takeover"}}\n',
    );
  });

  it('should take over a ConfigMap applied client-side when a changed file is applied server-side', async () => {
    await kubectlOk(['apply', '-f', '-'], configMap('changed', { greeting: 'hello', color: 'blue' }));
    const changed = configMap('changed', { greeting: 'hi <there> & you' });
    expect(await kubectlOk(['apply', '--server-side', '-f', '-'], changed)).to.equal(
      'configmap/changed serverside-applied\n',
    );
    const object = await get('configmap/changed');
    // color left the file: kubectl owned it, so it goes, as a client-side apply would have removed it.
    expect(object.data).to.deep.equal({ greeting: 'hi <there> & you' });
    expect(managers(object)).to.deep.equal(['kubectl Apply', 'kubectl-last-applied Apply']);
    // The annotation now holds what was applied last, byte for byte as Go's JSON encoder writes it.
    expect(object.metadata.annotations[LAST_APPLIED]).to.equal(
      '{"apiVersion":"v1","data":{"greeting":"hi \\u003cthere\\u003e \\u0026 you"},"kind":"ConfigMap","metadata":{"name":"changed","namespace":"takeover"}}\n',
    );
  });

  it('should take over a TeamsDevice applied client-side when its changed spec is applied server-side', async () => {
    const device = (model: string) =>
      asYamlStream([teamsDevice({ name: 'lobby', namespace: NS, model, labels: { site: 'hq' } })]);
    await kubectlOk(['apply', '-f', '-'], device('MP56'));
    expect(await kubectlOk(['apply', '--server-side', '-f', '-'], device('MP58'))).to.equal(
      'teamsdevice.teamsdevices.io/lobby serverside-applied\n',
    );
    const object = await get('teamsdevice/lobby');
    expect(object.spec.model).to.equal('MP58');
    expect(managers(object)).to.deep.equal(['kubectl Apply', 'kubectl-last-applied Apply']);
    const owned = object.metadata.managedFields.find((e: Entry) => e.manager === 'kubectl').fieldsV1;
    expect(owned['f:spec']).to.include.keys('f:model', 'f:type', 'f:manufacturer', 'f:timeZone');
    expect(JSON.parse(object.metadata.annotations[LAST_APPLIED]).spec.model).to.equal('MP58');
  });

  it('should still refuse a server-side apply over a field another manager changed since the client-side apply', async () => {
    await kubectlOk(['apply', '-f', '-'], configMap('edited', { greeting: 'hello', color: 'blue' }));
    await kubectlOk([
      'patch',
      'configmap',
      'edited',
      '-n',
      NS,
      '--type=merge',
      '-p',
      '{"data":{"greeting":"hey"}}',
    ]);
    const result = await kubectl(
      ['apply', '--server-side', '-f', '-'],
      configMap('edited', { greeting: 'hello again', color: 'green' }),
    );
    expect(result.code).to.equal(1);
    expect(result.stderr).to.include(
      'error: Apply failed with 1 conflict: conflict with "kubectl-patch" using v1: .data.greeting',
    );
    // The refused apply changed nothing, not even the field kubectl could have taken.
    const object = await get('configmap/edited');
    expect(object.data).to.deep.equal({ greeting: 'hey', color: 'blue' });
  });

  it('should still refuse a server-side apply under another field manager, which opts out of the take-over', async () => {
    await kubectlOk(['apply', '-f', '-'], configMap('other', { greeting: 'hello' }));
    const result = await kubectl(
      ['apply', '--server-side', '--field-manager=deployer', '-f', '-'],
      configMap('other', { greeting: 'bonjour' }),
    );
    expect(result.code).to.equal(1);
    expect(result.stderr).to.include('conflict with "kubectl-client-side-apply" using v1: .data.greeting');
  });

  it('should leave kubectl the Apply owner after a server-side apply of a new object, with no annotation added', async () => {
    const file = configMap('fresh', { greeting: 'hello' });
    await kubectlOk(['apply', '--server-side', '-f', '-'], file);
    const object = await get('configmap/fresh');
    expect(managers(object)).to.deep.equal(['kubectl Apply']);
    expect(object.metadata.annotations?.[LAST_APPLIED]).to.equal(undefined);
  });
});
