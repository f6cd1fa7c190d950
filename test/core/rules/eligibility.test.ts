// "rule N" in these test names is rule N of src/core/rules/README.md.
import { expect } from 'chai';
import type { Component } from '../../../src/api/v1alpha1/teamsdevice.js';
import type { UpdatePolicySpec } from '../../../src/api/v1alpha1/updatepolicy.js';
import {
  DEVICE_AUTO_CHECKS,
  deviceAutoBlock,
  RELEASE_AUTO_CHECKS,
  releaseAutoBlock,
} from '../../../src/core/rules/eligibility.js';
import { catalog, type DeviceOptions, release, view } from '../fixtures.js';

// The device runs 122.15.0.36; a Verified release of it makes its firmware known (rule 2).
const running = release({ name: 'mp56-36', version: '122.15.0.36' });

describe('core/rules/eligibility: the chain of automatic-update checks', () => {
  const cases: Array<{
    name: string;
    device?: DeviceOptions;
    policy?: Partial<UpdatePolicySpec>;
    component?: Component;
    known?: boolean;
    want: string | null;
  }> = [
    {
      name: 'should let a known, capable device in a usable policy update its firmware automatically',
      want: null,
    },
    {
      name: 'should block every automatic update in GCC-High, before anything else (rule 10)',
      policy: { cloud: 'GCCHigh' },
      device: { firmware: null, autoUpdateSupported: false },
      want: 'RemoteUpdateUnavailable',
    },
    {
      name: 'should block a component the device has not reported',
      device: { firmware: null },
      want: 'VersionUnknown',
    },
    {
      name: 'should leave the Teams app to UpdatePlans (rule 12)',
      component: 'TeamsApp',
      want: 'ManualOnly',
    },
    {
      name: 'should block a device that cannot auto-update (rule 3)',
      device: { autoUpdateSupported: false },
      known: false,
      want: 'NotSupported',
    },
    {
      name: 'should block a device on firmware no Verified release names (rule 2)',
      known: false,
      want: 'UnknownFirmware',
    },
    {
      name: 'should block a device whose time zone is unknown, so its windows cannot be read (rule 7)',
      device: { timeZone: 'Mars/Olympus' },
      want: 'InvalidTimeZone',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const releases = c.known === false ? catalog() : catalog(running);
      expect(deviceAutoBlock(view(c.device, c.policy), c.component ?? 'Firmware', releases)).to.equal(c.want);
    });
  }

  it('should run the device checks in the order the README table lists them', () => {
    expect(DEVICE_AUTO_CHECKS.map((c) => [c.name, c.rule ?? null])).to.deep.equal([
      ['remote updates available', 10],
      ['version reported', null],
      ['firmware only', 12],
      ['auto-update supported', 3],
      ['firmware known', 2],
      ['windows readable', 7],
    ]);
    expect(RELEASE_AUTO_CHECKS.map((c) => c.name)).to.deep.equal([
      'release not paused',
      'rollout not halted',
    ]);
  });

  it('should report a paused release before a halt, and a halt only in its namespace', () => {
    const both = release({ paused: true, haltedIn: ['berlin'] });
    const halted = release({ haltedIn: ['berlin'] });
    expect(releaseAutoBlock(both, 'berlin')).to.equal('ReleasePaused');
    expect(releaseAutoBlock(halted, 'berlin')).to.equal('ReleaseHalted');
    expect(releaseAutoBlock(halted, 'paris')).to.equal(null);
  });
});
