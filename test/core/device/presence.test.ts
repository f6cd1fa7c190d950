// A device is online when its proxy is online and its own state says so (the proxy's presence is per MQTT
// connection: its last will cannot speak for each device).
import { expect } from 'chai';
import type { TeamsDeviceStatus } from '../../../src/api/v1alpha1/teamsdevice.js';
import {
  type DeviceDecision,
  type DeviceObservation,
  decideDevice,
  type ProxyObservation,
} from '../../../src/core/device/decide.js';
import { buildCatalog } from '../../../src/core/rules/catalog.js';
import { at, device, policySpec, type ReleaseOptions, release } from '../fixtures.js';

const PROXY = 'berlin/default/tdo-proxy-default-7f9c-x2k4q';
const NOW = '2026-11-02T17:00:00Z'; // Monday 18:00 in Berlin: an automatic update may start
const R36: ReleaseOptions = { version: '122.15.0.36', releaseDate: '2026-09-01T10:00:00Z' };
const R40: ReleaseOptions = { version: '122.15.0.40', releaseDate: '2026-11-02T10:00:00Z' };

interface Setup {
  /** The device's own state: null, nothing heard yet. */
  state: { online: boolean; proxy?: string } | null;
  /** The presence of its proxy as the operator knows it; undefined: none known. */
  proxy?: { online: boolean; since: string };
  status?: Partial<TeamsDeviceStatus>;
}

function observed(setup: Setup): DeviceObservation | undefined {
  if (setup.state === null) return undefined;
  return {
    online: setup.state.online,
    manufacturer: 'Yealink',
    model: 'MP56',
    firmwareVersion: '122.15.0.36',
    teamsAppVersion: '1449/1.0.94.2023071702',
    autoUpdateSupported: true,
    ...(setup.state.proxy ? { proxy: setup.state.proxy } : {}),
    ts: '2026-11-02T16:00:00Z',
  };
}

function decide(setup: Setup): DeviceDecision {
  const d = device({ name: 'phone-1', phase: 'Test', timeZone: 'Europe/Berlin' });
  d.metadata.generation = 1;
  if (setup.status) d.status = { ...d.status, ...setup.status };
  const proxy: ProxyObservation | undefined = setup.proxy
    ? { name: PROXY, online: setup.proxy.online, since: at(setup.proxy.since) }
    : undefined;
  return decideDevice({
    device: d,
    observed: observed(setup),
    proxy,
    catalog: buildCatalog([R36, R40].map(release)),
    policy: policySpec({ rolloutSpreadDays: 0 }),
    plans: [],
    slotAvailable: true,
    now: at(NOW),
  });
}

const show = (d: DeviceDecision, type: string) => {
  const c = d.status.conditions?.find((x) => x.type === type);
  return c ? `${c.status} ${c.reason}` : null;
};

describe('decideDevice: the presence of the device proxy', () => {
  const cases: Array<{
    name: string;
    setup: Setup;
    online: boolean | undefined;
    ready: string;
    onlineCondition: string;
    sends: boolean;
  }> = [
    {
      name: 'should make a device whose proxy is offline Online=False ProxyOffline, whatever its own state says',
      setup: {
        state: { online: true, proxy: PROXY },
        proxy: { online: false, since: '2026-11-02T16:58:00Z' },
      },
      online: false,
      ready: 'False ProxyOffline',
      onlineCondition: 'False ProxyOffline',
      sends: false,
    },
    {
      name: 'should keep a device with no state yet NotReported, never offline, even when some proxy is offline',
      setup: { state: null, proxy: { online: false, since: '2026-11-02T16:58:00Z' } },
      online: undefined,
      ready: 'False NotReported',
      onlineCondition: 'Unknown NotReported',
      sends: false,
    },
    {
      name: 'should judge a device by its own state when its proxy has no known presence',
      setup: { state: { online: true, proxy: PROXY } },
      online: true,
      ready: 'True Ready',
      onlineCondition: 'True Connected',
      sends: true,
    },
    {
      name: 'should judge a device by its own state when its state names no proxy (the memory transport)',
      setup: { state: { online: true } },
      online: true,
      ready: 'True Ready',
      onlineCondition: 'True Connected',
      sends: true,
    },
    {
      name: 'should make a device online again once its proxy is back and its state says online',
      setup: {
        state: { online: true, proxy: PROXY },
        proxy: { online: true, since: '2026-11-02T16:59:00Z' },
      },
      online: true,
      ready: 'True Ready',
      onlineCondition: 'True Connected',
      sends: true,
    },
    {
      name: 'should keep a device offline that says so itself while its proxy is online',
      setup: {
        state: { online: false, proxy: PROXY },
        proxy: { online: true, since: '2026-11-02T16:59:00Z' },
      },
      online: false,
      ready: 'False Offline',
      onlineCondition: 'False Disconnected',
      sends: false,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const d = decide(c.setup);
      expect(d.status.online).to.equal(c.online);
      expect(show(d, 'Ready')).to.equal(c.ready);
      expect(show(d, 'Online')).to.equal(c.onlineCondition);
      expect(d.send !== undefined).to.equal(c.sends);
    });
  }

  it('should name the proxy and since when it is offline in the Online and Ready messages', () => {
    const d = decide({
      state: { online: true, proxy: PROXY },
      proxy: { online: false, since: '2026-11-02T16:58:12.345Z' },
    });
    const message = `the device proxy ${PROXY} has been offline since 2026-11-02T16:58:12Z`;
    expect(d.status.conditions?.find((c) => c.type === 'Online')?.message).to.equal(message);
    expect(d.status.conditions?.find((c) => c.type === 'Ready')?.message).to.equal(message);
  });

  it('should record a DeviceOffline Event that says the proxy is offline when a connected device loses its proxy', () => {
    const before = decide({ state: { online: true, proxy: PROXY } });
    const d = decide({
      state: { online: true, proxy: PROXY },
      proxy: { online: false, since: '2026-11-02T16:58:00Z' },
      status: { ...before.status, update: null },
    });
    expect(d.events).to.deep.include({
      type: 'Warning',
      reason: 'DeviceOffline',
      message: `the device proxy ${PROXY} has been offline since 2026-11-02T16:58:00Z`,
    });
  });

  it('should write nothing new when the same proxy outage is decided again', () => {
    const setup: Setup = {
      state: { online: true, proxy: PROXY },
      proxy: { online: false, since: '2026-11-02T16:58:00Z' },
    };
    const first = decide(setup);
    const again = decide({ ...setup, status: first.status });
    expect(again.status).to.deep.equal(first.status);
    expect(again.events).to.deep.equal([]);
  });
});
