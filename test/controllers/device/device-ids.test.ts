import { expect } from 'chai';
import type { TeamsDevice } from '../../../src/api/v1alpha1/index.js';
import { DeviceIdIndex } from '../../../src/controllers/device/device-ids.js';

describe('DeviceIdIndex', () => {
  const device = (name: string, deviceId?: string) =>
    ({
      metadata: { name, namespace: 'berlin' },
      spec: deviceId ? { deviceId } : {},
    }) as unknown as TeamsDevice;

  it('should map spec.deviceId, else the name, to the TeamsDevice key', () => {
    const index = new DeviceIdIndex();
    index.set(device('phone-1', 'rm-101-phone'));
    index.set(device('phone-2'));
    expect(index.keyOf('rm-101-phone')).to.equal('berlin/phone-1');
    expect(index.keyOf('phone-2')).to.equal('berlin/phone-2');
    expect(index.keyOf('phone-1')).to.equal(undefined);
    index.delete(device('phone-1'));
    expect(index.keyOf('rm-101-phone')).to.equal(undefined);
  });
});
