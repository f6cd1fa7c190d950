// createTransport: the transport a config names, with what runs beside it, started and stopped as one.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import pino from 'pino';
import type { TeamsDevice } from '../../src/api/v1alpha1/index.js';
import { ConfigError, parseConfig } from '../../src/config/config.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { createTransport, type TransportDeps } from '../../src/transport/factory.js';
import { MemoryTransport } from '../../src/transport/memory.js';
import { MqttTransport } from '../../src/transport/mqtt/transport.js';
import type { DeviceStateMessage } from '../../src/transport/protocol.js';
import { startAedes } from '../support/brokers.js';
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
  it('should connect an MqttTransport to the configured broker when it starts, not before', async () => {
    const broker = await startAedes();
    const runtime = createTransport(
      parseConfig(['--mqtt-url', broker.url, '--mqtt-client-id', 'tdo-factory-test'], {}),
      deps(),
    );
    try {
      expect(runtime.kind).to.equal('mqtt');
      expect(runtime.transport).to.be.instanceOf(MqttTransport);
      const transport = runtime.transport as unknown as MqttTransport;
      expect(transport.connected).to.equal(false);
      await runtime.start();
      expect(transport.connected).to.equal(true);
    } finally {
      await runtime.stop();
      await broker.stop();
    }
  });

  it('should refuse to create the MQTT transport, naming the file, when a TLS or password file cannot be read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tdo-factory-'));
    try {
      writeFileSync(join(dir, 'ca.pem'), 'not checked here');
      const config = parseConfig(
        [
          '--mqtt-url',
          'mqtts://broker:8883',
          '--mqtt-ca-file',
          join(dir, 'ca.pem'),
          '--mqtt-cert-file',
          join(dir, 'missing-cert.pem'),
          '--mqtt-key-file',
          join(dir, 'missing-key.pem'),
        ],
        {},
      );
      let error: unknown;
      try {
        createTransport(config, deps());
      } catch (err) {
        error = err;
      }
      expect(error).to.be.instanceOf(ConfigError);
      expect((error as ConfigError).problems).to.deep.equal([
        `--mqtt-cert-file: cannot read "${join(dir, 'missing-cert.pem')}" (ENOENT)`,
        `--mqtt-key-file: cannot read "${join(dir, 'missing-key.pem')}" (ENOENT)`,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
