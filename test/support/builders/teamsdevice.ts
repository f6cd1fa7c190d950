// The TeamsDevice builder, and the status.reported of a device running a firmware.
import type {
  DeviceType,
  License,
  Phase,
  TeamsDevice,
  TeamsDeviceStatus,
} from '../../../src/api/v1alpha1/teamsdevice.js';
import { API, defaulted } from './defaults.js';

export interface DeviceOptions {
  name?: string;
  namespace?: string;
  deviceId?: string;
  type?: DeviceType;
  manufacturer?: string;
  model?: string;
  license?: License;
  phase?: Phase;
  timeZone?: string;
  policy?: string;
  proxyPool?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  firmware?: string | null;
  teamsApp?: string | null;
  autoUpdateSupported?: boolean;
  /** Put running versions in simulator annotations instead of status.reported. */
  viaAnnotations?: boolean;
  /** false: no status at all, as a user applies it (the device controller writes status). Default true. */
  withStatus?: boolean;
}

/** A Yealink MP56 phone `phone-1` in `berlin`, General phase, running firmware 122.15.0.36. */
export function device(o: DeviceOptions = {}): TeamsDevice {
  const firmware = o.firmware === undefined ? '122.15.0.36' : o.firmware;
  const teamsApp = o.teamsApp === undefined ? '1449/1.0.94.2023071702' : o.teamsApp;
  const annotations: Record<string, string> = { ...o.annotations };
  let status: TeamsDeviceStatus | undefined;
  if (o.viaAnnotations) {
    if (firmware !== null) annotations['sim.teamsdevices.io/firmware-version'] = firmware;
    if (teamsApp !== null) annotations['sim.teamsdevices.io/teams-app-version'] = teamsApp;
    if (o.autoUpdateSupported !== undefined) {
      annotations['sim.teamsdevices.io/auto-update-supported'] = String(o.autoUpdateSupported);
    }
  } else if (o.withStatus !== false) {
    status = {
      reported: {
        manufacturer: o.manufacturer ?? 'Yealink',
        model: o.model ?? 'MP56',
        ...(firmware !== null ? { firmwareVersion: firmware } : {}),
        ...(teamsApp !== null ? { teamsAppVersion: teamsApp } : {}),
        autoUpdateSupported: o.autoUpdateSupported ?? true,
      },
    };
  }
  return defaulted<TeamsDevice>({
    apiVersion: API,
    kind: 'TeamsDevice',
    metadata: {
      name: o.name ?? 'phone-1',
      namespace: o.namespace ?? 'berlin',
      ...(o.labels ? { labels: o.labels } : {}),
      ...(Object.keys(annotations).length ? { annotations } : {}),
    },
    spec: {
      ...(o.deviceId ? { deviceId: o.deviceId } : {}),
      type: o.type ?? 'Phone',
      manufacturer: o.manufacturer ?? 'Yealink',
      model: o.model ?? 'MP56',
      license: o.license ?? 'Basic',
      firmwareAutoUpdate: { phase: o.phase ?? 'General' },
      ...(o.timeZone ? { timeZone: o.timeZone } : {}),
      proxyPool: o.proxyPool ?? 'default',
      policy: o.policy ?? 'default',
    },
    ...(status ? { status } : {}),
  });
}

/** The status the device controller writes once a Yealink MP56 reports it runs `firmware`. */
export function reported(firmware: string): TeamsDeviceStatus {
  return {
    online: true,
    reported: {
      manufacturer: 'Yealink',
      model: 'MP56',
      firmwareVersion: firmware,
      teamsAppVersion: '1449/1.0.94.2023071702',
      autoUpdateSupported: true,
    },
  };
}
