// The files a device agent starts from: devices.json (the pool's devices, as the pool controller writes
// it) and simulator.json (DeviceProxyPool spec.simulator). A file that is not what it should be is an error
// that names the file and the field; nothing starts.

import { readFileSync } from 'node:fs';
import { DEFAULT_SIMULATOR } from '../api/v1alpha1/defaults.js';
import type { PoolDevice } from '../core/pool/decide.js';
import { isValidDeviceId } from '../transport/protocol.js';
import { type SimulatorBehaviour, validateBehaviour } from '../transport/simulator/device.js';

export class AgentFileError extends Error {}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new AgentFileError(
      `${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new AgentFileError(`${file}: not JSON (${(err as Error).message})`);
  }
}

const isText = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const versionOrNull = (v: unknown): v is string | null => v === null || v === undefined || isText(v);

/** The devices of a devices.json: at least manufacturer, model and a valid, unique deviceId each. */
export function readDevices(file: string): PoolDevice[] {
  const value = readJson(file);
  if (!Array.isArray(value)) throw new AgentFileError(`${file}: must be a JSON array of devices`);
  const seen = new Set<string>();
  return value.map((raw: unknown, i) => {
    const at = `${file}: [${i}]`;
    if (raw === null || typeof raw !== 'object') throw new AgentFileError(`${at}: must be an object`);
    const d = raw as Record<string, unknown>;
    if (!isText(d.deviceId) || !isValidDeviceId(d.deviceId)) {
      throw new AgentFileError(`${at}.deviceId: must be a device id (one MQTT topic level)`);
    }
    if (seen.has(d.deviceId)) throw new AgentFileError(`${at}.deviceId: ${d.deviceId} appears twice`);
    seen.add(d.deviceId);
    for (const key of ['manufacturer', 'model'] as const) {
      if (!isText(d[key])) throw new AgentFileError(`${at}.${key}: must be a non-empty string`);
    }
    for (const key of ['firmwareVersion', 'teamsAppVersion'] as const) {
      if (!versionOrNull(d[key])) throw new AgentFileError(`${at}.${key}: must be a version string or null`);
    }
    if (d.autoUpdateSupported !== undefined && typeof d.autoUpdateSupported !== 'boolean') {
      throw new AgentFileError(`${at}.autoUpdateSupported: must be true or false`);
    }
    return {
      name: isText(d.name) ? d.name : d.deviceId,
      deviceId: d.deviceId,
      type: (isText(d.type) ? d.type : 'Phone') as PoolDevice['type'],
      manufacturer: d.manufacturer as string,
      model: d.model as string,
      firmwareVersion: (d.firmwareVersion as string | null | undefined) ?? null,
      teamsAppVersion: (d.teamsAppVersion as string | null | undefined) ?? null,
      autoUpdateSupported: (d.autoUpdateSupported as boolean | undefined) ?? true,
      endpoint: null,
    };
  });
}

/** The behaviour of a simulator.json (spec.simulator; missing fields take the CRD defaults). */
export function readSimulator(file: string | undefined): SimulatorBehaviour {
  const value = file === undefined ? {} : readJson(file);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new AgentFileError(`${file}: must be a JSON object`);
  }
  const sim = value as Record<string, unknown>;
  const number = (key: 'downloadSeconds' | 'installSeconds' | 'failurePercent'): number => {
    const v = sim[key] ?? DEFAULT_SIMULATOR[key];
    if (typeof v !== 'number') throw new AgentFileError(`${file}: ${key}: must be a number`);
    return v;
  };
  try {
    return validateBehaviour({
      downloadSeconds: number('downloadSeconds'),
      installSeconds: number('installSeconds'),
      failurePercent: number('failurePercent'),
    });
  } catch (err) {
    if (err instanceof AgentFileError) throw err;
    throw new AgentFileError(`${file}: ${(err as Error).message}`);
  }
}
