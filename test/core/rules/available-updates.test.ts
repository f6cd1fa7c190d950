// "rule N" in these test names is rule N of src/core/rules/README.md.
import { expect } from 'chai';
import type { AvailableUpdate } from '../../../src/api/v1alpha1/teamsdevice.js';
import type { UpdatePolicySpec } from '../../../src/api/v1alpha1/updatepolicy.js';
import { availableUpdates } from '../../../src/core/rules/available-updates.js';
import { at, catalog, type DeviceOptions, type ReleaseOptions, release, view } from '../fixtures.js';

const R36: ReleaseOptions = { version: '122.15.0.36', releaseDate: '2026-09-01T10:00:00Z' };
const R38: ReleaseOptions = { version: '122.15.0.38', releaseDate: '2026-10-01T10:00:00Z' };
const R40: ReleaseOptions = { version: '122.15.0.40', releaseDate: '2026-11-02T10:00:00Z' };
const APP: ReleaseOptions = {
  component: 'TeamsApp',
  version: '1452/1.0.94.2023080101',
  deviceTypes: ['Phone'],
  releaseDate: '2026-08-01T00:00:00Z',
};
const BERLIN: DeviceOptions = { timeZone: 'Europe/Berlin', firmware: '122.15.0.36' };
const NOW = '2026-11-20T12:00:00Z'; // Friday 13:00 CET

const firmwareRow = (over: Partial<AvailableUpdate> = {}): AvailableUpdate => ({
  component: 'Firmware',
  currentVersion: '122.15.0.36',
  newVersion: '122.15.0.40',
  release: 'yealink-mp56-122.15.0.40',
  autoUpdateAt: '2026-12-02T17:00:00Z',
  blockedReason: null,
  ...over,
});
const appRow = (over: Partial<AvailableUpdate> = {}): AvailableUpdate => ({
  component: 'TeamsApp',
  currentVersion: '1449/1.0.94.2023071702',
  newVersion: '1452/1.0.94.2023080101',
  release: 'teams-app-1452-1.0.94.2023080101',
  autoUpdateAt: null,
  blockedReason: 'ManualOnly',
  ...over,
});

const cases: Array<[string, DeviceOptions, Partial<UpdatePolicySpec>, ReleaseOptions[], AvailableUpdate[]]> =
  [
    [
      'should show the newest firmware with its automatic time first, then the Teams app as manual only',
      BERLIN,
      {},
      [R36, R38, R40, APP],
      [firmwareRow(), appRow()],
    ],
    [
      'should show the newest release and when it will come even while an older one is the current target (rule 5)',
      BERLIN,
      {},
      [R36, R38, R40],
      [firmwareRow()],
    ],
    [
      'should show no row when the device runs the newest release',
      { ...BERLIN, firmware: '122.15.0.40' },
      {},
      [R36, R40],
      [],
    ],
    [
      'should show the update with UnknownFirmware on a device on firmware absent from the catalog',
      { ...BERLIN, firmware: '122.15.0.37' },
      {},
      [R36, R40],
      [firmwareRow({ currentVersion: '122.15.0.37', autoUpdateAt: null, blockedReason: 'UnknownFirmware' })],
    ],
    [
      'should show the update with NotSupported on a device that cannot auto-update',
      { ...BERLIN, autoUpdateSupported: false },
      {},
      [R36, R40],
      [firmwareRow({ autoUpdateAt: null, blockedReason: 'NotSupported' })],
    ],
    [
      'should show RemoteUpdateUnavailable for every component in GCC-High',
      BERLIN,
      { cloud: 'GCCHigh' },
      [R36, R40, APP],
      [
        firmwareRow({ autoUpdateAt: null, blockedReason: 'RemoteUpdateUnavailable' }),
        appRow({ blockedReason: 'RemoteUpdateUnavailable' }),
      ],
    ],
    [
      'should show a paused newest release as ReleasePaused',
      BERLIN,
      {},
      [R36, R38, { ...R40, paused: true }],
      [firmwareRow({ autoUpdateAt: null, blockedReason: 'ReleasePaused' })],
    ],
    [
      'should show a release halted in the namespace as ReleaseHalted',
      BERLIN,
      {},
      [R36, { ...R40, haltedIn: ['berlin'] }],
      [firmwareRow({ autoUpdateAt: null, blockedReason: 'ReleaseHalted' })],
    ],
    [
      'should show the newest Verified release with VersionUnknown before the device reports a version',
      { ...BERLIN, firmware: null, teamsApp: null },
      {},
      [R36, R40, APP],
      [
        firmwareRow({ currentVersion: null, autoUpdateAt: null, blockedReason: 'VersionUnknown' }),
        appRow({ currentVersion: null, blockedReason: 'VersionUnknown' }),
      ],
    ],
    [
      'should not offer a Teams app release for another device type',
      BERLIN,
      {},
      [R36, { ...APP, deviceTypes: ['Panel'] }],
      [],
    ],
    [
      'should not offer an Unknown release as the new version',
      BERLIN,
      {},
      [R36, R38, { ...R40, verification: 'Unknown' }],
      [
        firmwareRow({
          newVersion: '122.15.0.38',
          release: 'yealink-mp56-122.15.0.38',
          autoUpdateAt: '2026-11-20T17:00:00Z', // General since 2026-10-31: missed, so the end of today's hours
        }),
      ],
    ],
  ];

describe('available updates', () => {
  for (const [name, device, policy, releases, expected] of cases) {
    it(name, () => {
      expect(
        availableUpdates(
          view(device, { rolloutSpreadDays: 0, ...policy }),
          catalog(...releases.map(release)),
          at(NOW),
        ),
      ).to.deep.equal(expected);
    });
  }
});
