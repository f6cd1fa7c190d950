import { expect } from 'chai';
import { firmwareVerification } from '../../../src/core/rules/verification.js';
import { catalog, type DeviceOptions, release, view } from '../fixtures.js';

describe('verification', () => {
  const cat = catalog(
    release({ version: '122.15.0.36' }),
    release({ version: '122.15.0.20', verification: 'Unknown' }),
    release({ version: '9.9.9', manufacturer: 'Poly', models: ['CCX 600'] }),
    release({ component: 'TeamsApp', version: '7.7.7' }),
  );
  const cases: Array<[string, DeviceOptions, 'Verified' | 'Unknown']> = [
    ['should label a device running a Verified release Verified', { firmware: '122.15.0.36' }, 'Verified'],
    [
      'should treat an equivalent spelling of a Verified version as Verified',
      { firmware: '122.15.0.36.0' },
      'Verified',
    ],
    [
      'should label a device on firmware absent from the catalog Unknown',
      { firmware: '122.15.0.37' },
      'Unknown',
    ],
    ['should label a device on a release listed as Unknown Unknown', { firmware: '122.15.0.20' }, 'Unknown'],
    ['should not accept a version Verified only for another model', { firmware: '9.9.9' }, 'Unknown'],
    ['should not accept a Teams app release as firmware', { firmware: '7.7.7' }, 'Unknown'],
    ['should label a device that has not reported its firmware Unknown', { firmware: null }, 'Unknown'],
  ];
  for (const [name, options, expected] of cases) {
    it(name, () => {
      expect(firmwareVerification(view(options), cat)).to.equal(expected);
    });
  }
});
