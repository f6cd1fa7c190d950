// createTransport: the transport a config names, with what runs beside it, started and stopped as one.
import { expect } from 'chai';
import pino from 'pino';
import type { TeamsDevice } from '../../src/api/v1alpha1/index.js';
import { FakeClock } from '../../src/runtime/clock.js';
import {
  assertTransportAvailable,
  createTransport,
  type TransportDeps,
  TransportUnavailableError,
} from '../../src/transport/factory.js';
import { MemoryTransport } from '../../src/transport/memory.js';
import type { DeviceStateMessage } from '../../src/transport/protocol.js';
import { device } from '../support/builders/index.js';
import { START, updateCommand } from './support.js';

/** Synced caches holding `devices`, no releases and no pools: all the simulated fleet reads. */
function cachesOf(devices: TeamsDevice[]): TransportDeps['informers'] {
  const informer = <T>(items: T[]) => ({
    addEventHandler: () => {},
    list: () => items,
    get: () => undefined,
  });
  return {
    devices: informer(devices),
    releases: informer([]),
    pools: informer([]),
  } as unknown as TransportDeps['informers'];
}

function deps(devices: TeamsDevice[] = []): TransportDeps {
  return { clock: new FakeClock(START), logger: pino({ level: 'silent' }), informers: cachesOf(devices) };
}

const phone = (): TeamsDevice => device({ name: 'rm-berlin-101-phone' });

describe('createTransport', () => {
  it('should refuse the MQTT transport, which this version does not have, before anything is created', () => {
    expect(() => assertTransportAvailable({ transport: 'mqtt' })).to.throw(
      TransportUnavailableError,
      /MQTT transport is not available.*--transport memory/,
    );
    expect(() => createTransport({ transport: 'mqtt' }, deps())).to.throw(TransportUnavailableError);
    expect(() => assertTransportAvailable({ transport: 'memory' })).not.to.throw();
  });

  it("should simulate the cluster's devices in the memory transport and stop both as one", async () => {
    const runtime = createTransport({ transport: 'memory' }, deps([phone()]));
    expect(runtime.kind).to.equal('memory');
    expect(runtime.transport).to.be.instanceOf(MemoryTransport);
    const states: Array<[string, DeviceStateMessage]> = [];
    runtime.transport.onState((id, state) => states.push([id, state]));
    await runtime.start();
    await Promise.resolve();
    expect(states.map(([id, s]) => [id, s.online, s.firmwareVersion])).to.deep.equal([
      ['rm-berlin-101-phone', true, '122.15.0.36'],
    ]);
    await runtime.stop();
    const refused = await runtime.transport.send('rm-berlin-101-phone', updateCommand()).then(
      () => null,
      (err: Error) => err.message,
    );
    expect(refused).to.equal('memory transport: send before start');
  });

  it('should create the simulated devices in the memory transport it is given when it starts', async () => {
    const memory = new MemoryTransport({ clock: new FakeClock(START) });
    const runtime = createTransport({ transport: 'memory' }, { ...deps([phone()]), memory });
    expect(runtime.transport).to.equal(memory);
    expect(memory.deviceIds()).to.deep.equal([]);
    await runtime.start();
    expect(memory.deviceIds()).to.deep.equal(['rm-berlin-101-phone']);
    await runtime.stop();
  });
});
