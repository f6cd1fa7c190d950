// The TeamsDevice controller and the presence of device proxies: a MemoryTransport behind fake proxies
// (test/support/controllers/presence-transport.ts) on the embedded control plane, wired as the operator wires
// it (registerControllers). The MQTT end-to-end tests cover real proxies and brokers.
import { setTimeout as pause } from 'node:timers/promises';
import { expect } from 'chai';
import type { TeamsDevice } from '../../../src/api/v1alpha1/index.js';
import { deviceIdOf } from '../../../src/api/v1alpha1/keys.js';
import { deviceController } from '../../../src/controllers/device/index.js';
import { MemoryTransport } from '../../../src/transport/memory.js';
import type { ProxyName } from '../../../src/transport/protocol.js';
import { initialVersionsFor } from '../../../src/transport/simulator/initial-versions.js';
import { silentLogger } from '../../support/async.js';
import { device, release } from '../../support/builders/index.js';
import { DEVICES, RELEASES } from '../../support/controllers/harness.js';
import { PresenceTransport } from '../../support/controllers/presence-transport.js';
import { condition, useController } from '../../support/controllers/scenario.js';

const NS = 'tpresence';
const START = '2026-12-01T09:00:00Z';
const A: ProxyName = { namespace: NS, pool: 'default', pod: 'tdo-proxy-default-7f9c-a' };
const B: ProxyName = { namespace: NS, pool: 'default', pod: 'tdo-proxy-default-7f9c-b' };
const A_KEY = `${NS}/default/tdo-proxy-default-7f9c-a`;
/** Devices behind proxy A: enough that one write per device, not more, is visible. */
const ON_A = Array.from({ length: 20 }, (_, i) => `room-${String(i + 1).padStart(2, '0')}`);
const ON_B = 'lobby';
/** Assigned to A but never heard from: no simulated device. */
const SILENT = 'storage-closet';
const RELEASE = release({ version: '122.15.0.36', releaseDate: '2026-09-01T10:00:00Z', models: ['MP56'] });
const FAST = { downloadSeconds: 1, installSeconds: 1, failurePercent: 0 };

function teamsDevice(name: string): TeamsDevice {
  return device({ name, namespace: NS, timeZone: 'Europe/Berlin', viaAnnotations: true, withStatus: false });
}

describe('TeamsDevice controller and the presence of device proxies', () => {
  let transport: PresenceTransport | undefined;
  const { h, clock } = useController(deviceController, START, (clk) => {
    const memory = new MemoryTransport({ clock: clk, logger: silentLogger() });
    transport = new PresenceTransport(memory);
    for (const name of [...ON_A, ON_B]) {
      const d = teamsDevice(name);
      memory.upsertDevice(deviceIdOf(d), initialVersionsFor(d, [RELEASE]), FAST);
    }
    transport.assign(A, ...ON_A, SILENT);
    transport.assign(B, ON_B);
    return transport;
  });
  const proxies = () => {
    if (!transport) throw new Error('no transport yet');
    return transport;
  };

  /** Status writes seen per device (each is one informer update with a new resourceVersion). */
  const writes = new Map<string, number>();
  const online = (name: string) => condition(h.informers.devices.get(name, NS) ?? {}, 'Online');
  const eventuallyAll = async (names: string[], status: string, what: string) => {
    const deadline = Date.now() + 20_000;
    while (!names.every((n) => online(n)?.status === status)) {
      if (Date.now() > deadline) {
        const off = names.filter((n) => online(n)?.status !== status);
        throw new Error(`${what}: not yet for ${off.join(', ')} (${JSON.stringify(online(off[0] ?? ''))})`);
      }
      await pause(20);
    }
  };
  /** Waits until the queue is idle and no status write has come for a while. */
  const quiet = async () => {
    let before = -1;
    for (let total = sum(); total !== before; total = sum()) {
      before = total;
      await h.controller.queue.idle();
      await pause(150);
    }
  };
  const sum = () => [...writes.values()].reduce((a, b) => a + b, 0);

  before(async () => {
    await h.createNamespace(NS);
    await h.seen(RELEASES, await h.create(RELEASES, RELEASE));
    h.informers.devices.addEventHandler({
      update: (old, d) => {
        if (old.metadata.resourceVersion === d.metadata.resourceVersion) return;
        writes.set(d.metadata.name, (writes.get(d.metadata.name) ?? 0) + 1);
      },
    });
    for (const name of [...ON_A, ON_B, SILENT]) await h.create(DEVICES, teamsDevice(name));
    await eventuallyAll([...ON_A, ON_B], 'True', 'every device with a state is Online');
    await eventuallyAll([SILENT], 'Unknown', 'the silent device is NotReported');
    proxies().publishPresence(A, true, START, ON_A.length + 1);
    proxies().publishPresence(B, true, START, 1);
    await quiet();
  });

  it('should mark every device of an offline proxy Online=False ProxyOffline with one status write each', async () => {
    writes.clear();
    await clock.advance(60_000);
    proxies().publishPresence(A, false, START, ON_A.length + 1);
    await eventuallyAll(ON_A, 'False', 'the devices of proxy A are offline');
    await quiet();

    const message = `the device proxy ${A_KEY} has been offline since 2026-12-01T09:01:00Z`;
    for (const name of ON_A) {
      const d = h.informers.devices.get(name, NS);
      expect(condition(d ?? {}, 'Online'), name).to.include({ reason: 'ProxyOffline', message });
      expect(condition(d ?? {}, 'Ready'), name).to.include({ status: 'False', reason: 'ProxyOffline' });
      expect(d?.status?.online, name).to.equal(false);
    }
    expect(ON_A.map((name) => writes.get(name) ?? 0)).to.deep.equal(ON_A.map(() => 1));
    // The other proxy's device and the device never heard from are untouched.
    expect(online(ON_B)).to.include({ status: 'True', reason: 'Connected' });
    expect(online(SILENT)).to.include({ status: 'Unknown', reason: 'NotReported' });
    expect(writes.get(ON_B) ?? 0).to.equal(0);
    expect(writes.get(SILENT) ?? 0).to.equal(0);

    const events = await h.events(NS, 'room-01', 'DeviceOffline');
    expect(events.find((e) => e.reason === 'DeviceOffline')).to.include({ type: 'Warning', message });
  });

  it('should write nothing when the offline presence of the proxy is heard again', async () => {
    writes.clear();
    proxies().publishPresence(A, false, START, ON_A.length + 1);
    await pause(100);
    await quiet();
    expect(sum()).to.equal(0);
  });

  it('should make the devices Online=True again when their proxy is back and their states say online', async () => {
    writes.clear();
    await clock.advance(60_000);
    proxies().publishPresence(A, true, clock.now().toISOString(), ON_A.length + 1);
    await eventuallyAll(ON_A, 'True', 'the devices of proxy A are back');
    await quiet();
    for (const name of ON_A) {
      expect(condition(h.informers.devices.get(name, NS) ?? {}, 'Ready'), name).to.include({
        status: 'True',
        reason: 'Ready',
      });
    }
    expect(ON_A.map((name) => writes.get(name) ?? 0)).to.deep.equal(ON_A.map(() => 1));
    await h.events(NS, 'room-01', 'DeviceOnline');
  });
});
