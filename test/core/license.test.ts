import { expect } from 'chai';
import type { DeviceType, License, Phase } from '../../src/api/v1alpha1/teamsdevice.js';
import { TeamsDeviceSpec } from '../../src/api/v1alpha1/teamsdevice.js';
import { BASIC_PHASE_MESSAGE, checkPhaseChange } from '../../src/core/license.js';

type Spec = { type: DeviceType; license: License; firmwareAutoUpdate: { phase: Phase } };
const spec = (type: DeviceType, license: License, phase: Phase): Spec => ({
  type,
  license,
  firmwareAutoUpdate: { phase },
});

describe('license', () => {
  const cases: Array<[string, Spec | undefined, Spec, boolean]> = [
    [
      'should create a Basic Teams Rooms on Android device in General',
      undefined,
      spec('TeamsRoomsAndroid', 'Basic', 'General'),
      true,
    ],
    [
      'should refuse to create a Basic Teams Rooms on Android device in Test',
      undefined,
      spec('TeamsRoomsAndroid', 'Basic', 'Test'),
      false,
    ],
    [
      'should let a Pro Teams Rooms on Android device start in any phase',
      undefined,
      spec('TeamsRoomsAndroid', 'Pro', 'Final'),
      true,
    ],
    ['should let a Basic phone choose any phase', undefined, spec('Phone', 'Basic', 'Test'), true],
    [
      'should refuse a phase change while a Teams Rooms on Android device is Basic',
      spec('TeamsRoomsAndroid', 'Basic', 'General'),
      spec('TeamsRoomsAndroid', 'Basic', 'Final'),
      false,
    ],
    [
      'should keep the phase a device had as Pro when its license becomes Basic',
      spec('TeamsRoomsAndroid', 'Pro', 'Final'),
      spec('TeamsRoomsAndroid', 'Basic', 'Final'),
      true,
    ],
    [
      'should refuse to change the phase in the same update that makes the license Basic',
      spec('TeamsRoomsAndroid', 'Pro', 'Final'),
      spec('TeamsRoomsAndroid', 'Basic', 'Test'),
      false,
    ],
    [
      'should allow a phase change together with the upgrade to Pro',
      spec('TeamsRoomsAndroid', 'Basic', 'General'),
      spec('TeamsRoomsAndroid', 'Pro', 'Test'),
      true,
    ],
    [
      'should allow a Basic display to change phase',
      spec('Display', 'Basic', 'General'),
      spec('Display', 'Basic', 'Test'),
      true,
    ],
    [
      'should allow other changes of a Basic device that keep its phase',
      spec('TeamsRoomsAndroid', 'Basic', 'Test'),
      spec('TeamsRoomsAndroid', 'Basic', 'Test'),
      true,
    ],
  ];
  for (const [name, old, next, allowed] of cases) {
    it(name, () => {
      expect(checkPhaseChange(old, next)).to.equal(allowed ? null : BASIC_PHASE_MESSAGE);
    });
  }

  it('should say what the CRD rule says when it refuses', () => {
    const rules = (
      TeamsDeviceSpec as unknown as {
        'x-kubernetes-validations': Array<{ fieldPath?: string; message: string }>;
      }
    )['x-kubernetes-validations'];
    expect(rules.find((r) => r.fieldPath === '.firmwareAutoUpdate.phase')?.message).to.equal(
      BASIC_PHASE_MESSAGE,
    );
  });
});
