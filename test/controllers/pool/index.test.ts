import type { KubernetesObject } from '@kubernetes/client-node';
import { expect } from 'chai';
import type { DeviceProxyPool } from '../../../src/api/v1alpha1/index.js';
import { containsAll } from '../../../src/controllers/pool/apply.js';
import { poolController } from '../../../src/controllers/pool/index.js';
import {
  CONFIG_MAPS,
  DEPLOYMENTS,
  desiredConfigMap,
  desiredDeployment,
} from '../../../src/controllers/pool/objects.js';
import type { PoolDevice } from '../../../src/core/pool/decide.js';
import { isNotFound } from '../../../src/k8s/errors.js';
import { eventually } from '../../support/async.js';
import { device, pool } from '../../support/builders/index.js';
import { DEVICES, POOLS, PROXY_IMAGE } from '../../support/controllers/harness.js';
import { condition, useController } from '../../support/controllers/scenario.js';

interface Deployment extends KubernetesObject {
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    template: { spec: { containers: Array<Record<string, unknown>>; volumes: unknown[] } };
  };
  status?: { readyReplicas?: number };
}
interface ConfigMap extends KubernetesObject {
  data: Record<string, string>;
}

const NS = 'tpool';
/** Devices as a user applies them: a zone, no status (the device controller, not running here, writes it). */
const AS_APPLIED = { timeZone: 'Europe/Berlin', withStatus: false } as const;
const LABELS = {
  'app.kubernetes.io/name': 'teams-device-operator',
  'app.kubernetes.io/component': 'device-proxy',
  'teamsdevices.io/pool': 'berlin',
};

describe('DeviceProxyPool controller against the embedded control plane', () => {
  const { fx, h } = useController(poolController, '2026-12-01T09:00:00Z');

  before(async () => {
    await h.createNamespace(NS);
    await h.create(
      DEVICES,
      device({
        name: 'room-101',
        namespace: NS,
        ...AS_APPLIED,
        proxyPool: 'berlin',
        annotations: {
          'sim.teamsdevices.io/firmware-version': '122.15.0.36',
          'sim.teamsdevices.io/auto-update-supported': 'false',
        },
      }),
    );
    await h.create(DEVICES, device({ ...AS_APPLIED, name: 'room-102', namespace: NS, proxyPool: 'berlin' }));
    const other = await h.create(DEVICES, device({ ...AS_APPLIED, name: 'lobby', namespace: NS }));
    await h.seen(DEVICES, other as KubernetesObject);
  });

  const devicesIn = (cm: ConfigMap) => JSON.parse(cm.data['devices.json'] ?? 'null') as PoolDevice[];

  /**
   * Waits until the pool's ConfigMap lists `count` devices; returns their names. The pool controller
   * aggregates device changes, so the debounce has to pass before it looks.
   */
  async function listedAfterDebounce(count: number, what: string): Promise<string[]> {
    await h.debounce();
    const cm = await h.until<ConfigMap>(
      CONFIG_MAPS,
      'tdo-proxy-berlin-devices',
      NS,
      (c) => devicesIn(c).length === count,
      what,
    );
    return devicesIn(cm).map((d) => d.name);
  }

  it('should run a pool as a Deployment and a ConfigMap of its devices, both owned by the pool', async () => {
    const created = await h.create<DeviceProxyPool>(
      POOLS,
      pool(
        {
          replicas: 2,
          mqtt: { url: 'mqtt://broker.tdo:1883', credentialsSecret: 'berlin-mqtt' },
          simulator: {
            downloadSeconds: 5,
            installSeconds: 10,
            failurePercent: 20,
            offlinePercent: 0,
            fetchArtifacts: true,
          },
        },
        { name: 'berlin', namespace: NS },
      ),
    );
    const uid = created.metadata.uid;

    const dep = await h.until<Deployment>(
      DEPLOYMENTS,
      'tdo-proxy-berlin',
      NS,
      () => true,
      'the Deployment exists',
    );
    expect(dep.metadata?.labels).to.include(LABELS);
    expect(dep.metadata?.ownerReferences).to.deep.equal([
      {
        apiVersion: 'teamsdevices.io/v1alpha1',
        kind: 'DeviceProxyPool',
        name: 'berlin',
        uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(dep.spec.replicas).to.equal(2);
    expect(dep.spec.selector.matchLabels).to.deep.equal(LABELS);
    const container = dep.spec.template.spec.containers[0];
    expect(container).to.include({ name: 'proxy', image: PROXY_IMAGE });
    expect(container?.args).to.deep.equal([
      'proxy',
      '--pool',
      'berlin',
      '--namespace',
      NS,
      '--mqtt-url',
      'mqtt://broker.tdo:1883',
      '--driver',
      'simulator',
      '--config-dir',
      '/etc/teams-device-operator/pool',
      '--state-dir',
      '/var/lib/teams-device-operator/proxy',
      '--listen',
      '0.0.0.0:8081',
    ]);
    // The kubelet probes /healthz on the port the proxy listens on.
    expect(container?.ports).to.deep.equal([{ name: 'http', containerPort: 8081, protocol: 'TCP' }]);
    expect(container?.readinessProbe).to.deep.include({ httpGet: { path: '/healthz', port: 'http' } });
    expect(container?.livenessProbe).to.deep.include({ httpGet: { path: '/healthz', port: 'http' } });
    expect(container?.env).to.deep.equal([
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'TDO_MQTT_USERNAME', valueFrom: { secretKeyRef: { name: 'berlin-mqtt', key: 'username' } } },
      { name: 'TDO_MQTT_PASSWORD', valueFrom: { secretKeyRef: { name: 'berlin-mqtt', key: 'password' } } },
    ]);

    const cm = await h.get<ConfigMap>(CONFIG_MAPS, 'tdo-proxy-berlin-devices', NS);
    expect(cm.metadata?.ownerReferences?.[0]).to.include({
      kind: 'DeviceProxyPool',
      name: 'berlin',
      uid,
      controller: true,
    });
    expect(devicesIn(cm)).to.deep.equal([
      {
        name: 'room-101',
        deviceId: 'room-101',
        type: 'Phone',
        manufacturer: 'Yealink',
        model: 'MP56',
        firmwareVersion: '122.15.0.36',
        teamsAppVersion: null,
        autoUpdateSupported: false,
        endpoint: null,
      },
      {
        name: 'room-102',
        deviceId: 'room-102',
        type: 'Phone',
        manufacturer: 'Yealink',
        model: 'MP56',
        firmwareVersion: null,
        teamsAppVersion: null,
        autoUpdateSupported: true,
        endpoint: null,
      },
    ]);
    expect(JSON.parse(cm.data['simulator.json'] ?? 'null')).to.deep.equal({
      downloadSeconds: 5,
      installSeconds: 10,
      failurePercent: 20,
      offlinePercent: 0,
      fetchArtifacts: true,
    });

    // The embedded control plane's Deployment controller makes the replicas ready.
    const ready = await h.until<DeviceProxyPool>(
      POOLS,
      'berlin',
      NS,
      (p) => p.status?.readyReplicas === 2,
      'two proxies ready',
    );
    expect(ready.status?.devices).to.equal(2);
    expect(condition(ready, 'Ready')).to.include({ status: 'True', reason: 'ProxiesReady' });
    expect(condition(ready, 'ArtifactsChecked')).to.include({ status: 'True', reason: 'ArtifactsFetched' });
    // What the server holds (with its defaults) already contains everything the pool wants: no rewrite.
    const live = await h.get<Deployment>(DEPLOYMENTS, 'tdo-proxy-berlin', NS);
    const liveCm = await h.get<ConfigMap>(CONFIG_MAPS, 'tdo-proxy-berlin-devices', NS);
    expect(containsAll(live, desiredDeployment(ready, PROXY_IMAGE))).to.equal(true);
    expect(containsAll(liveCm, desiredConfigMap(ready, devicesIn(liveCm)))).to.equal(true);
    const table = await fx.clients.kubectlOk(['get', 'tpool', 'berlin', '-n', NS]);
    expect(table).to.match(/^berlin\s+simulator\s+2\s+2\s/m);
    expect((await h.events(NS, 'berlin', 'Created', 'ProxiesReady')).map((e) => e.reason)).to.include.members(
      ['Created', 'ProxiesReady'],
    );
  });

  it('should list a device in the ConfigMap once it joins the pool, and drop it when it leaves', async () => {
    const before = await h.get<Deployment>(DEPLOYMENTS, 'tdo-proxy-berlin', NS);
    await h.seen(DEVICES, await h.patch(DEVICES, 'lobby', NS, { spec: { proxyPool: 'berlin' } }));
    expect(await listedAfterDebounce(3, 'lobby listed')).to.deep.equal(['lobby', 'room-101', 'room-102']);
    await h.until<DeviceProxyPool>(
      POOLS,
      'berlin',
      NS,
      (p) => p.status?.devices === 3,
      'three devices counted',
    );

    await h.remove(DEVICES, 'room-102', NS);
    await eventually(
      () => h.informers.devices.get('room-102', NS) === undefined,
      'the cache forgets room-102',
    );
    expect(await listedAfterDebounce(2, 'room-102 dropped')).to.deep.equal(['lobby', 'room-101']);
    // The fleet changing is no reason to touch the proxies' Deployment.
    const after = await h.get<Deployment>(DEPLOYMENTS, 'tdo-proxy-berlin', NS);
    expect(after.metadata?.generation).to.equal(before.metadata?.generation);
  });

  it('should say that artifacts are not checked while spec.simulator.fetchArtifacts is false, and again once it is true', async () => {
    await h.patch(POOLS, 'berlin', NS, { spec: { simulator: { fetchArtifacts: false } } });
    const unchecked = await h.until<DeviceProxyPool>(
      POOLS,
      'berlin',
      NS,
      (p) => condition(p, 'ArtifactsChecked')?.status === 'False',
      'ArtifactsChecked False',
    );
    expect(condition(unchecked, 'ArtifactsChecked')).to.include({ reason: 'FetchDisabled' });
    expect(condition(unchecked, 'ArtifactsChecked')?.message).to.match(
      /do not fetch artifacts, so their sha256 and size are not checked/,
    );
    const shown = await fx.clients.kubectlOk([
      'get',
      'tpool',
      'berlin',
      '-n',
      NS,
      '-o',
      'jsonpath={.status.conditions[?(@.type=="ArtifactsChecked")].reason}',
    ]);
    expect(shown.trim()).to.equal('FetchDisabled');

    await h.patch(POOLS, 'berlin', NS, { spec: { simulator: { fetchArtifacts: true } } });
    await h.until<DeviceProxyPool>(
      POOLS,
      'berlin',
      NS,
      (p) => condition(p, 'ArtifactsChecked')?.status === 'True',
      'ArtifactsChecked True again',
    );
  });

  it('should delete the Deployment and the ConfigMap with the pool (garbage collection)', async () => {
    await h.remove(POOLS, 'berlin', NS);
    const gone = (resource: typeof DEPLOYMENTS, name: string) =>
      eventually(async () => {
        try {
          await h.get(resource, name, NS);
          return false;
        } catch (err) {
          return isNotFound(err);
        }
      }, `${name} deleted`);
    await gone(DEPLOYMENTS, 'tdo-proxy-berlin');
    await gone(CONFIG_MAPS, 'tdo-proxy-berlin-devices');
  });
});
