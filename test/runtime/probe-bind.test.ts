// The Manager's probe and metrics servers listen where the config says: loopback unless told otherwise.
import { networkInterfaces } from 'node:os';
import { expect } from 'chai';
import { parseConfig } from '../../src/config/config.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { Manager } from '../../src/runtime/manager.js';
import { silentLogger } from '../support/async.js';
import { useRuntimeCluster } from '../support/cluster.js';

const HOME = { HOME: '/home/tester' };

/** An IPv4 address of this machine that is not loopback, if it has one. */
function nonLoopbackAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
}

describe('Manager: probe servers bound as configured', () => {
  const fx = useRuntimeCluster();
  const managers: Manager[] = [];
  afterEach(async () => {
    await Promise.all(managers.splice(0).map((m) => m.stop()));
  });

  const start = async (argv: string[]) => {
    const manager = new Manager({
      config: parseConfig(argv, HOME),
      client: fx.client(),
      clock: new FakeClock('2026-12-01T00:00:00Z'),
      logger: silentLogger(),
    });
    managers.push(manager);
    await manager.start();
    return manager;
  };

  it('should answer /readyz on loopback and not on another address of this machine by default', async () => {
    const manager = await start(['--health-port', '0', '--metrics-port', '0']);
    const { health, metrics } = manager.addresses();
    expect(health?.host).to.equal('127.0.0.1');
    expect(metrics?.host).to.equal('127.0.0.1');
    expect((await fetch(`http://127.0.0.1:${health?.port}/readyz`)).status).to.equal(200);
    const other = nonLoopbackAddress();
    if (other === undefined) return; // a machine with loopback only: the bound address above says it all
    const refused = await fetch(`http://${other}:${health?.port}/readyz`).then(
      () => false,
      () => true,
    );
    expect(refused, `http://${other}:${health?.port}/readyz`).to.equal(true);
  });

  it('should listen on every interface when told ":PORT"', async () => {
    const manager = await start(['--health-probe-bind-address', ':0', '--metrics-bind-address', ':0']);
    expect(manager.addresses().health?.host).to.be.oneOf(['::', '0.0.0.0']);
    const other = nonLoopbackAddress();
    if (other === undefined) return;
    expect((await fetch(`http://${other}:${manager.addresses().health?.port}/healthz`)).status).to.equal(200);
  });
});
