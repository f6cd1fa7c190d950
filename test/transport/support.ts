// What the transport tests start from: the device and behaviour of the SimulatedDevice tests and the
// MemoryTransport tests (whose devices are SimulatedDevices), the command both send, and how both read the
// events of an update.
import type { CommandEvent, UpdateCommand } from '../../src/transport/protocol.js';
import type { SimulatedDeviceInit, SimulatorBehaviour } from '../../src/transport/simulator/device.js';

/** Where the fake clocks start; commands are issued at this instant. */
export const START = '2026-12-05T17:00:00.000Z';

/** A Yealink MP56 running firmware 122.15.0.36, the device the tests update to 122.15.0.40. */
export const MP56: Readonly<SimulatedDeviceInit> = Object.freeze({
  manufacturer: 'Yealink',
  model: 'MP56',
  firmwareVersion: '122.15.0.36',
  teamsAppVersion: '1449/1.0.94.2023071702',
  autoUpdateSupported: true,
});

/** An update of the MP56's firmware to 122.15.0.40, issued at START; `overrides` replace whole fields. */
export function updateCommand(overrides: Partial<UpdateCommand> = {}): UpdateCommand {
  return {
    commandId: 'cmd-1',
    type: 'update',
    component: 'Firmware',
    version: '122.15.0.40',
    artifact: { url: 'https://firmware.example.com/mp56.rom', sha256: 'a'.repeat(64), sizeBytes: 1000 },
    issuedAt: START,
    notAfter: '2026-12-05T18:00:00.000Z',
    ...overrides,
  };
}

/** One minute of download and two of installation, and no failures: an update ends 180 s after it starts. */
export const BEHAVIOUR: Readonly<SimulatorBehaviour> = Object.freeze({
  downloadSeconds: 60,
  installSeconds: 120,
  failurePercent: 0,
});

/** An event as one step of an update: its state, and its progress when it has one. */
export const step = (e: CommandEvent): string =>
  e.progress === undefined ? e.state : `${e.state} ${e.progress}`;

/** The steps of a download that runs to its end: accepted, then 0, 50 and 100 percent. */
export const WHOLE_DOWNLOAD: readonly string[] = Object.freeze([
  'accepted',
  'downloading 0',
  'downloading 50',
  'downloading 100',
]);

/** The steps of an update that runs to its end: the whole download, then installing at 0, 50 and 100 percent. */
export const WHOLE_UPDATE: readonly string[] = Object.freeze([
  ...WHOLE_DOWNLOAD,
  'installing 0',
  'installing 50',
  'installing 100',
  'succeeded 100',
]);
