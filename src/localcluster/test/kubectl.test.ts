// What a user sees when pointing the real kubectl (v1.32.3) at the embedded control plane.
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import { useLocalCluster } from './support/cluster.js';
import { crdFile } from './support/crds.js';
import {
  asYamlStream,
  exampleObjects,
  KINDS,
  objectsIn,
  printerColumns,
  schemaAt,
  teamsDevice,
} from './support/manifests.js';

const NS = 'accept';

/** The message of a CEL rule of a CRD in crds/ (the first rule at the path, or the one with that fieldPath). */
function ruleMessage(plural: string, path: string[], fieldPath?: string): string {
  const rules = schemaAt(crdFile(plural), path)['x-kubernetes-validations'] ?? [];
  const rule = rules.find((r) => fieldPath === undefined || r.fieldPath === fieldPath);
  if (!rule) throw new Error(`no CEL rule at ${path.join('.')} ${fieldPath ?? ''}`);
  return rule.message;
}

/** Collapse whitespace so wrapped descriptions compare as one line. */
const flat = (text: string) => text.replace(/\s+/g, ' ');

describe('localcluster with the real kubectl', () => {
  const fx = useLocalCluster();
  const kubectl = (...args: string[]) => fx.clients.kubectlOk(args);
  const kubectlIn = (input: string, ...args: string[]) => fx.clients.kubectlOk(args, { input });
  const field = (resource: string, path: string) =>
    kubectl('get', resource, '-n', NS, '-o', `jsonpath={${path}}`);

  it('should apply crds/ and report every CRD Established to `kubectl wait`', async () => {
    const applied = await kubectl('apply', '-f', 'crds/');
    for (const plural of [
      'teamsdevices',
      'firmwarereleases',
      'updateplans',
      'updatepolicies',
      'deviceproxypools',
    ]) {
      expect(applied).to.include(
        `customresourcedefinition.apiextensions.k8s.io/${plural}.teamsdevices.io created`,
      );
    }
    const waited = await kubectl('wait', '--for=condition=Established', 'crd', '--all', '--timeout=30s');
    expect(waited.trim().split('\n')).to.have.length(5);
    expect(waited).to.match(/teamsdevices\.teamsdevices\.io condition met/);
  });

  it('should apply deploy/examples/ (namespaces first) and list all five kinds with `kubectl get teams`', async () => {
    const objects = objectsIn('deploy/examples');
    const applied = (await kubectl('apply', '-f', 'deploy/examples/')).trim().split('\n');
    expect(applied.sort()).to.deep.equal(
      objects
        .map((o) =>
          o.kind === 'Namespace'
            ? `namespace/${o.name} created`
            : `${o.kind.toLowerCase()}.teamsdevices.io/${o.name} created`,
        )
        .sort(),
    );

    const listed = await kubectl('get', 'teams', '-A');
    for (const kind of KINDS) expect(listed).to.include(`${kind.toLowerCase()}.teamsdevices.io/`);
  });

  it('should show the printer columns in `kubectl get tdev`, and the priority ones with -o wide', async () => {
    await kubectl('create', 'namespace', NS);
    await kubectlIn(asYamlStream(exampleObjects(NS)), 'apply', '-f', '-');

    // The columns come from the CRD's additionalPrinterColumns, in order; priority > 0 only with -o wide.
    const columns = printerColumns(crdFile('teamsdevices'));
    const header = (wide: boolean) => [
      'NAME',
      ...columns.filter((c) => wide || !c.priority).map((c) => c.name.toUpperCase()),
    ];
    expect(header(false)).to.include.members(['TYPE', 'MODEL', 'PHASE', 'AGE']);

    const table = (await kubectl('get', 'tdev', '-n', NS)).trim().split('\n');
    expect(table[0]?.split(/\s+/)).to.deep.equal(header(false));
    // Sorted by name; board-room's phase comes from the schema default.
    expect(table[1]).to.match(/^board-room\s+TeamsRoomsAndroid\s+A40\s+General\s/);
    expect(table[2]).to.match(/^lobby-phone\s+Phone\s+MP56\s+Test\s/);
    expect(table[2]).to.match(/\s\d+s$/);

    const wide = (await kubectl('get', 'tdev', '-n', NS, '-o', 'wide')).trim().split('\n');
    expect(wide[0]?.split(/\s+/)).to.deep.equal(header(true));
    expect(header(true)).to.include.members(['ZONE', 'LICENSE']);
    expect(wide[1]).to.match(/^board-room\s.*\sEurope\/Berlin\s.*\bPro\b/);
    expect(wide[2]).to.match(/^lobby-phone\s.*\sEurope\/Berlin\s.*\bBasic\b/);
  });

  it('should print the field descriptions with `kubectl explain teamsdevice.spec.firmwareAutoUpdate`', async () => {
    const field = schemaAt(crdFile('teamsdevices'), ['spec', 'firmwareAutoUpdate']);
    const phase = field.properties?.phase;
    expect(field.description).to.be.a('string');
    expect(phase?.enum).to.include('General');

    const out = await kubectl('explain', 'teamsdevice.spec.firmwareAutoUpdate');
    expect(out).to.match(/KIND:\s+TeamsDevice/);
    expect(out).to.match(/FIELD:\s+firmwareAutoUpdate\s+<Object>/);
    expect(flat(out)).to.include(flat(field.description ?? ''));
    expect(out).to.match(/^\s+phase\s+<string>$/m);
    expect(out).to.include(`enum: ${phase?.enum?.join(', ')}`);
    expect(flat(out)).to.include(flat(phase?.description ?? ''));
  });

  it('should refuse a value outside an enum and name the field', async () => {
    const bad = teamsDevice({ name: 'speaker', namespace: NS, type: 'Speaker' });
    const result = await fx.clients.kubectl(['apply', '-f', '-'], { input: JSON.stringify(bad) });
    expect(result.code).to.equal(1);
    expect(result.stderr).to.match(/TeamsDevice "speaker" is invalid/);
    expect(result.stderr).to.match(
      /spec\.type: Unsupported value: "Speaker": supported values: "Phone", "Display"/,
    );
  });

  it('should refuse a Basic TeamsRoomsAndroid created in phase Test with the CEL rule message', async () => {
    const bad = teamsDevice({ name: 'basic-room', namespace: NS, type: 'TeamsRoomsAndroid', phase: 'Test' });
    const result = await fx.clients.kubectl(['apply', '-f', '-'], { input: JSON.stringify(bad) });
    expect(result.code).to.equal(1);
    expect(result.stderr).to.include('spec.firmwareAutoUpdate.phase');
    expect(result.stderr).to.include(ruleMessage('teamsdevices', ['spec'], '.firmwareAutoUpdate.phase'));
    const get = await fx.clients.kubectl(['get', 'tdev', 'basic-room', '-n', NS]);
    expect(get.stderr).to.include('teamsdevices.teamsdevices.io "basic-room" not found');
  });

  it('should refuse an UpdatePlan that neither names nor selects devices', async () => {
    const plan = {
      apiVersion: 'teamsdevices.io/v1alpha1',
      kind: 'UpdatePlan',
      metadata: { name: 'nobody', namespace: NS },
      spec: { devices: {}, updates: [{ component: 'Firmware' }] },
    };
    const result = await fx.clients.kubectl(['create', '-f', '-'], { input: JSON.stringify(plan) });
    expect(result.code).to.equal(1);
    expect(result.stderr).to.include('spec.devices');
    expect(result.stderr).to.include(ruleMessage('updateplans', ['spec', 'devices']));
  });

  it('should make a second identical `apply --server-side` a no-op', async () => {
    const doc = JSON.stringify(teamsDevice({ name: 'ssa-phone', namespace: NS, model: 'T55' }));
    expect(await kubectlIn(doc, 'apply', '--server-side', '-f', '-')).to.equal(
      'teamsdevice.teamsdevices.io/ssa-phone serverside-applied\n',
    );
    const get = async () =>
      JSON.parse(await kubectl('get', 'tdev', 'ssa-phone', '-n', NS, '-o', 'json', '--show-managed-fields'));
    const first = await get();
    expect(first.metadata.managedFields?.[0]).to.include({ manager: 'kubectl', operation: 'Apply' });

    await kubectlIn(doc, 'apply', '--server-side', '-f', '-');
    const second = await get();
    expect(second.metadata.resourceVersion).to.equal(first.metadata.resourceVersion);
    expect(second.metadata.generation).to.equal(1);
  });

  it('should let `kubectl wait --for=condition=Ready` see a condition patched into /status', async () => {
    // -v=6 logs each request once it is answered, so we know the wait is watching before we patch.
    const wait = fx.clients.kubectlBackground([
      'wait',
      '--for=condition=Ready',
      'tdev/ssa-phone',
      '-n',
      NS,
      '--timeout=20s',
      '-v=6',
    ]);
    await wait.waitForStderr(/GET \S+teamsdevices\?\S*watch=true\S* 200 OK/);
    expect(wait.child.exitCode).to.equal(null);

    const condition = {
      type: 'Ready',
      status: 'True',
      reason: 'Online',
      message: 'device connected',
      lastTransitionTime: '2025-01-01T00:00:00Z',
    };
    const patched = await kubectl(
      'patch',
      'tdev',
      'ssa-phone',
      '-n',
      NS,
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({ status: { conditions: [condition] } }),
    );
    expect(patched).to.equal('teamsdevice.teamsdevices.io/ssa-phone patched\n');
    const result = await wait.exited;
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.equal('teamsdevice.teamsdevices.io/ssa-phone condition met\n');
    expect(await field('tdev/ssa-phone', '.metadata.generation')).to.equal('1');
  });

  it('should keep `kubectl delete` waiting until the finalizer is removed', async () => {
    await kubectlIn(
      JSON.stringify(
        teamsDevice({ name: 'guarded', namespace: NS, finalizers: ['teamsdevices.io/cleanup'] }),
      ),
      'apply',
      '-f',
      '-',
    );
    const del = fx.clients.kubectlBackground(['delete', 'tdev', 'guarded', '-n', NS, '--timeout=30s']);
    await del.waitForStdout(/teamsdevice\.teamsdevices\.io "guarded" deleted/);
    expect(await field('tdev/guarded', '.metadata.deletionTimestamp')).to.match(/^\d{4}-\d\d-\d\dT/);
    await sleep(500);
    expect(del.child.exitCode, 'kubectl delete returned while the finalizer was still there').to.equal(null);

    await kubectl(
      'patch',
      'tdev',
      'guarded',
      '-n',
      NS,
      '--type=json',
      '-p',
      '[{"op":"remove","path":"/metadata/finalizers"}]',
    );
    const result = await del.exited;
    expect(result.code, result.stderr).to.equal(0);
    const get = await fx.clients.kubectl(['get', 'tdev', 'guarded', '-n', NS]);
    expect(get.code).to.equal(1);
    expect(get.stderr).to.include(
      'Error from server (NotFound): teamsdevices.teamsdevices.io "guarded" not found',
    );
  });

  it('should stream a change to `kubectl get -w`', async () => {
    const watch = fx.clients.kubectlBackground(['get', 'tdev', 'lobby-phone', '-n', NS, '-w']);
    try {
      await watch.waitForStdout(/lobby-phone\s+Phone\s+MP56\s/);
      await kubectl(
        'patch',
        'tdev',
        'lobby-phone',
        '-n',
        NS,
        '--type=merge',
        '-p',
        '{"spec":{"model":"MP58"}}',
      );
      await watch.waitForStdout(/lobby-phone\s+Phone\s+MP58\s/);
    } finally {
      await watch.stop();
    }
  });

  it("should show the object's events in `kubectl describe`", async () => {
    const uid = await field('tdev/lobby-phone', '.metadata.uid');
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'lobby-phone.update-scheduled', namespace: NS },
      involvedObject: {
        apiVersion: 'teamsdevices.io/v1alpha1',
        kind: 'TeamsDevice',
        name: 'lobby-phone',
        namespace: NS,
        uid,
      },
      reason: 'UpdateScheduled',
      message: 'firmware 124.15.0.20 scheduled for 2025-03-02T02:00:00+01:00',
      type: 'Normal',
      source: { component: 'teams-device-operator' },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
    await kubectlIn(JSON.stringify(event), 'create', '-f', '-');
    const out = await kubectl('describe', 'tdev', 'lobby-phone', '-n', NS);
    expect(out).to.match(/^Name:\s+lobby-phone$/m);
    expect(out).to.match(/^Kind:\s+TeamsDevice$/m);
    expect(out).to.match(/^\s+Model:\s+MP58$/m);
    expect(out).to.match(
      /^Events:\n\s+Type\s+Reason\s+Age\s+From\s+Message\n.*\n\s+Normal\s+UpdateScheduled\s+\S+\s+teams-device-operator\s+firmware 124\.15\.0\.20 scheduled/m,
    );
  });

  it('should re-apply the List that `kubectl get -o yaml` printed without changing the objects', async () => {
    const backup = await kubectl('get', 'tdev', 'board-room', 'lobby-phone', '-n', NS, '-o', 'yaml');
    expect(backup).to.match(/^apiVersion: v1\nitems:\n/);
    expect(backup).to.match(/^kind: List$/m);
    const generations = () =>
      kubectl('get', 'tdev', 'board-room', 'lobby-phone', '-n', NS, '-o', 'jsonpath={..generation}');
    const before = await generations();
    // Only kubectl's last-applied annotation changes, as with kube-apiserver.
    expect(await kubectlIn(backup, 'apply', '-f', '-')).to.equal(
      'teamsdevice.teamsdevices.io/board-room configured\nteamsdevice.teamsdevices.io/lobby-phone configured\n',
    );
    expect(await generations()).to.equal(before);
  });

  it('should create a namespace, a ConfigMap and a Secret (kubectl sends protobuf)', async () => {
    expect(await kubectl('create', 'namespace', 'proto')).to.equal('namespace/proto created\n');
    expect(
      await kubectl(
        'create',
        'configmap',
        'settings',
        '-n',
        'proto',
        '--from-literal=mode=quiet',
        '--from-literal=retries=3',
      ),
    ).to.equal('configmap/settings created\n');
    expect(
      await kubectl('create', 'secret', 'generic', 'creds', '-n', 'proto', '--from-literal=password=s3cr3t'),
    ).to.equal('secret/creds created\n');
    const data = await kubectl('get', 'configmap', 'settings', '-n', 'proto', '-o', 'jsonpath={.data}');
    expect(JSON.parse(data)).to.deep.equal({ mode: 'quiet', retries: '3' });
    const password = await kubectl(
      'get',
      'secret',
      'creds',
      '-n',
      'proto',
      '-o',
      'jsonpath={.data.password}',
    );
    expect(Buffer.from(password, 'base64').toString()).to.equal('s3cr3t');
  });

  it('should roll out a Deployment made with `kubectl create deployment` (protobuf)', async () => {
    expect(
      await kubectl('create', 'deployment', 'web', '-n', 'proto', '--image=registry.example.com/web:1'),
    ).to.equal('deployment.apps/web created\n');
    expect(await kubectl('rollout', 'status', 'deployment/web', '-n', 'proto', '--timeout=20s')).to.equal(
      'deployment "web" successfully rolled out\n',
    );
    await kubectl('set', 'image', 'deployment/web', '-n', 'proto', 'web=registry.example.com/web:2');
    expect(await kubectl('rollout', 'status', 'deployment/web', '-n', 'proto', '--timeout=20s')).to.equal(
      'deployment "web" successfully rolled out\n',
    );
    expect(await kubectl('get', 'replicasets', '-n', 'proto', '-l', 'app=web')).to.match(
      /^web-\w+\s+0\s+0\s+0\s.*\nweb-\w+\s+1\s+1\s+1\s|^NAME.*\n(web-\w+\s+1\s+1\s+1\s.*\nweb-\w+\s+0\s+0\s+0\s)/m,
    );
  });

  it('should show the same objects after a restart on the same data dir', async () => {
    const snapshot = async () => {
      const list = JSON.parse(await kubectl('get', 'teams,configmaps,namespaces', '-A', '-o', 'json')) as {
        items: {
          kind: string;
          metadata: { namespace?: string; name: string; uid: string; resourceVersion: string };
        }[];
      };
      return list.items
        .map(
          (o) =>
            `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name} ${o.metadata.uid} ${o.metadata.resourceVersion}`,
        )
        .sort();
    };
    const before = await snapshot();
    expect(before.filter((line) => line.startsWith('TeamsDevice '))).to.have.length.at.least(4);
    await fx.restart();
    expect(await snapshot()).to.deep.equal(before);
    expect(await kubectl('get', 'tdev', 'lobby-phone', '-n', NS, '-o', 'jsonpath={.spec.model}')).to.equal(
      'MP58',
    );
  });
});
