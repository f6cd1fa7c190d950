import { expect } from 'chai';
import { resourcePath, TEAMS_RESOURCES } from '../../src/k8s/resource.js';
import { patchStatus, type WithStatus } from '../../src/k8s/status.js';
import { device as teamsDevice } from '../support/builders/index.js';
import { ClientSpy } from '../support/client-spy.js';
import { useRuntimeCluster } from '../support/cluster.js';

interface DeviceStatus {
  online?: boolean;
  lastSeen?: string;
  reported?: { manufacturer?: string; model?: string; firmwareVersion?: string };
  observedGeneration?: number;
}
type Device = WithStatus<DeviceStatus>;

const DEVICES = TEAMS_RESOURCES.TeamsDevice!;

describe('patchStatus against the embedded control plane', () => {
  const fx = useRuntimeCluster();
  let client: ClientSpy;
  let device: Device;

  before(async () => {
    await fx.createNamespace('status');
    client = new ClientSpy(fx.client().kubeConfig);
    device = await client.create<Device>(
      resourcePath(DEVICES, { namespace: 'status' }),
      teamsDevice({ name: 'phone-1', namespace: 'status', withStatus: false }) as never,
    );
    client.reset();
  });

  it('should write the status through the status subresource and return the object the server sent', async () => {
    const status: DeviceStatus = {
      online: true,
      reported: { manufacturer: 'Yealink', model: 'MP56', firmwareVersion: '1' },
    };
    const result = await patchStatus(client, device, status);
    expect(result.patched).to.equal(true);
    expect(client.requests).to.deep.equal([
      {
        method: 'PATCH',
        ok: true,
        path: '/apis/teamsdevices.io/v1alpha1/namespaces/status/teamsdevices/phone-1/status',
        body: { status },
      },
    ]);
    expect(result.object.status).to.deep.equal(status);
    device = result.object;
  });

  it('should send nothing when the status is already as desired', async () => {
    client.reset();
    const same: DeviceStatus = {
      reported: { firmwareVersion: '1', model: 'MP56', manufacturer: 'Yealink' },
      online: true,
    };
    const result = await patchStatus(client, device, same);
    expect(result).to.deep.equal({ patched: false, object: device });
    expect(client.requests).to.deep.equal([]);
  });

  it('should send only the difference, with removed fields as null', async () => {
    client.reset();
    const next: DeviceStatus = {
      online: false,
      reported: { manufacturer: 'Yealink', model: 'MP56', firmwareVersion: '2' },
    };
    const withSeen = await patchStatus(client, device, { ...next, lastSeen: '2026-12-01T10:00:00Z' });
    const result = await patchStatus(client, withSeen.object, next);
    expect(client.requests.map((r) => r.body)).to.deep.equal([
      { status: { online: false, reported: { firmwareVersion: '2' }, lastSeen: '2026-12-01T10:00:00Z' } },
      { status: { lastSeen: null } },
    ]);
    const live = await client.get<Device>(resourcePath(DEVICES, { namespace: 'status', name: 'phone-1' }));
    expect(live.status).to.deep.equal(next);
    expect(result.object.status).to.deep.equal(next);
  });

  it('should fail with 409 on a stale object when asked for an optimistic lock', async () => {
    const stale = device;
    let code: unknown;
    await patchStatus(client, stale, { online: true, lastSeen: 'x' }, { optimisticLock: true }).catch(
      (err: { statusCode?: number }) => {
        code = err.statusCode;
      },
    );
    expect(code).to.equal(409);
  });
});
