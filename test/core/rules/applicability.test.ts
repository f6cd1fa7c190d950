import { expect } from 'chai';
import type { DeviceType } from '../../../src/api/v1alpha1/teamsdevice.js';
import { type DeviceIdentity, releaseAppliesTo } from '../../../src/core/rules/applicability.js';
import { type ReleaseOptions, release } from '../fixtures.js';

describe('applicability', () => {
  const mp56: DeviceIdentity = { type: 'Phone', manufacturer: 'Yealink', model: 'MP56' };
  const cases: Array<[string, ReleaseOptions, DeviceIdentity, boolean]> = [
    ['should apply a firmware release to a listed model of its manufacturer', {}, mp56, true],
    [
      'should match the manufacturer case-insensitively',
      { manufacturer: 'YEALINK' },
      { ...mp56, manufacturer: 'yealink' },
      true,
    ],
    ['should match the model case-insensitively', { models: ['mp56'] }, mp56, true],
    [
      'should not apply firmware of another manufacturer with the same model name',
      { manufacturer: 'Poly' },
      mp56,
      false,
    ],
    ['should not apply firmware to an unlisted model', { models: ['MP58'] }, mp56, false],
    [
      'should apply a firmware release only to the listed device types',
      { deviceTypes: ['Display'] },
      mp56,
      false,
    ],
    ['should treat an empty deviceTypes list as every type', { deviceTypes: [] }, mp56, true],
    [
      'should apply a Teams app release with no filter to every device',
      { component: 'TeamsApp' },
      { type: 'Panel', manufacturer: 'Crestron', model: 'TSS-770' },
      true,
    ],
    [
      'should apply a Teams app release by device type alone',
      { component: 'TeamsApp', deviceTypes: ['Phone', 'Display'] },
      { type: 'Phone', manufacturer: 'Poly', model: 'CCX 600' },
      true,
    ],
    [
      'should not apply a Teams app release for panels to a phone',
      { component: 'TeamsApp', deviceTypes: ['Panel' as DeviceType] },
      mp56,
      false,
    ],
    [
      'should still honour a manufacturer filter on a Teams app release',
      { component: 'TeamsApp', manufacturer: 'Poly' },
      mp56,
      false,
    ],
  ];
  for (const [name, options, device, expected] of cases) {
    it(name, () => {
      expect(releaseAppliesTo(release(options), device)).to.equal(expected);
    });
  }
});
