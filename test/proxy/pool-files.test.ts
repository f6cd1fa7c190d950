import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { type PoolConfig, PoolConfigWatcher } from '../../src/proxy/config-watch.js';
import { parseDevicesFile, parseSimulatorFile } from '../../src/proxy/pool-files.js';
import { RealClock } from '../../src/runtime/clock.js';
import { eventually, silentLogger } from '../support/async.js';
import { poolDevice, poolFiles, writeConfigVolume } from './support.js';

describe('the pool files devices.json and simulator.json', () => {
  it('should read devices.json as the pool controller writes it', () => {
    const devices = parseDevicesFile(JSON.stringify([poolDevice('phone-1', { teamsAppVersion: null })]));
    expect(devices).to.deep.equal([poolDevice('phone-1', { teamsAppVersion: null })]);
  });

  const badDevices: Array<[string, unknown, string]> = [
    ['not JSON', '[{', 'devices.json: not JSON'],
    ['an object', {}, 'devices.json: must be a JSON array of devices'],
    [
      'a device id with a slash',
      [poolDevice('a/b')],
      'devices.json: [0].deviceId: "a/b" is not one MQTT topic level',
    ],
    [
      'a device listed twice',
      [poolDevice('a'), poolDevice('a')],
      'devices.json: [1].deviceId: "a" is listed twice',
    ],
    [
      'an unknown type',
      [poolDevice('a', { type: 'Tablet' as never })],
      'devices.json: [0].type: "Tablet" is not one of',
    ],
  ];
  for (const [what, value, message] of badDevices) {
    it(`should refuse devices.json with ${what}, naming the entry and field`, () => {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      expect(() => parseDevicesFile(text)).to.throw(message);
    });
  }

  it('should fill simulator.json defaults and refuse a failurePercent or offlinePercent above 100', () => {
    expect(parseSimulatorFile('{"downloadSeconds": 5}')).to.deep.equal({
      downloadSeconds: 5,
      installSeconds: 120,
      failurePercent: 0,
      offlinePercent: 0,
      fetchArtifacts: true,
    });
    expect(() => parseSimulatorFile('{"failurePercent": 101}')).to.throw(
      'simulator.json: failurePercent: must be a whole number from 0 to 100',
    );
    expect(() => parseSimulatorFile('{"offlinePercent": 101}')).to.throw(
      'simulator.json: offlinePercent: must be a whole number from 0 to 100',
    );
  });
});

describe('the pool config watcher', () => {
  let dir: string;
  let watcher: PoolConfigWatcher | undefined;
  let seen: PoolConfig[];
  let rejected: string[];
  const start = async () => {
    watcher = new PoolConfigWatcher({
      dir,
      clock: new RealClock(),
      logger: silentLogger(),
      debounceMs: 20,
      onChange: (config) => seen.push(config),
      onRejected: (_file, problem) => rejected.push(problem),
    });
    await watcher.start();
    return watcher;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tdo-pool-'));
    seen = [];
    rejected = [];
  });
  afterEach(async () => {
    watcher?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('should follow a ConfigMap update made as the kubelet makes it, by swapping the ..data symlink', async () => {
    await writeConfigVolume(dir, poolFiles([poolDevice('phone-1')], { installSeconds: 5 }));
    const w = await start();
    expect(w.config?.devices.map((d) => d.deviceId)).to.deep.equal(['phone-1']);
    await writeConfigVolume(
      dir,
      poolFiles([poolDevice('phone-1'), poolDevice('phone-2')], { installSeconds: 7 }),
    );
    await eventually(() => seen.length === 2, 'the watcher saw the swap');
    expect(seen[1]?.devices.map((d) => d.deviceId)).to.deep.equal(['phone-1', 'phone-2']);
    expect(seen[1]?.simulator.installSeconds).to.equal(7);
    expect(w.problem()).to.equal(undefined);
  });

  it('should keep the last good devices.json when a malformed one replaces it, and say why', async () => {
    await writeConfigVolume(dir, poolFiles([poolDevice('phone-1')]));
    const w = await start();
    await writeConfigVolume(dir, { 'devices.json': '[{"deviceId": ', 'simulator.json': '{}' });
    await eventually(() => rejected.length > 0, 'the bad file was rejected');
    expect(w.config?.devices.map((d) => d.deviceId)).to.deep.equal(['phone-1']);
    expect(w.problem()).to.match(/^devices\.json: not JSON/);
    await writeConfigVolume(dir, poolFiles([poolDevice('phone-3')]));
    await eventually(() => w.config?.devices[0]?.deviceId === 'phone-3', 'the good file was read');
    expect(w.problem()).to.equal(undefined);
  });

  it('should report missing files until they appear', async () => {
    const w = await start();
    expect(w.config).to.equal(undefined);
    expect(w.problem()).to.contain('devices.json: cannot read (ENOENT)');
    await writeConfigVolume(dir, poolFiles([poolDevice('phone-1')]));
    await eventually(() => w.config !== undefined, 'the files appeared');
  });
});
