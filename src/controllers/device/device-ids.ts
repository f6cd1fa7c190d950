// deviceId (the identity on MQTT) -> TeamsDevice key ("namespace/name"), kept from the device informer.
import { deviceIdOf, objectKey, type TeamsDevice } from '../../api/v1alpha1/index.js';

export class DeviceIdIndex {
  private readonly byId = new Map<string, string>();
  private readonly byKey = new Map<string, string>();

  set(device: Pick<TeamsDevice, 'metadata' | 'spec'>): void {
    const key = objectKey(device);
    const id = deviceIdOf(device);
    const previous = this.byKey.get(key);
    if (previous !== undefined && previous !== id && this.byId.get(previous) === key)
      this.byId.delete(previous);
    this.byKey.set(key, id);
    this.byId.set(id, key);
  }

  delete(device: Pick<TeamsDevice, 'metadata'>): void {
    const key = objectKey(device);
    const id = this.byKey.get(key);
    this.byKey.delete(key);
    if (id !== undefined && this.byId.get(id) === key) this.byId.delete(id);
  }

  keyOf(deviceId: string): string | undefined {
    return this.byId.get(deviceId);
  }
}
