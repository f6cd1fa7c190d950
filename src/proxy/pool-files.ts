// devices.json and simulator.json, as the pool controller writes them into the pool's ConfigMap: parsed and
// checked here, so a bad file is one clear message and the proxy keeps the last good one.

import { DEFAULT_SIMULATOR } from '../api/v1alpha1/index.js';
import { DEVICE_TYPES } from '../api/v1alpha1/teamsdevice.js';
import type { PoolDevice } from '../core/pool/decide.js';
import { isValidDeviceId } from '../transport/protocol.js';

/** The pool's spec.simulator, defaults filled in. */
export interface SimulatorSettings {
  downloadSeconds: number;
  installSeconds: number;
  failurePercent: number;
  /** Share of simulated devices that are disconnected. */
  offlinePercent: number;
  /** false: artifacts are not fetched nor checked (catalogs whose URLs point nowhere). */
  fetchArtifacts: boolean;
}

export class PoolFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'PoolFileError';
  }
}

function json(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new PoolFileError(file, `not JSON (${(err as Error).message})`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** The devices of devices.json; throws PoolFileError naming the entry and field. */
export function parseDevicesFile(text: string, file = 'devices.json'): PoolDevice[] {
  const value = json(file, text);
  if (!Array.isArray(value)) throw new PoolFileError(file, 'must be a JSON array of devices');
  const seen = new Set<string>();
  return value.map((entry, i) => {
    const at = (field: string, problem: string) => new PoolFileError(file, `[${i}].${field}: ${problem}`);
    if (!isObject(entry)) throw new PoolFileError(file, `[${i}]: must be an object`);
    const str = (field: string): string => {
      const v = entry[field];
      if (typeof v !== 'string' || v.trim() === '') throw at(field, 'must be a non-empty string');
      return v;
    };
    const optionalStr = (field: string): string | null => {
      const v = entry[field];
      if (v === undefined || v === null) return null;
      if (typeof v !== 'string') throw at(field, 'must be a string or null');
      return v.trim() === '' ? null : v;
    };
    const deviceId = str('deviceId');
    if (!isValidDeviceId(deviceId)) throw at('deviceId', `"${deviceId}" is not one MQTT topic level`);
    if (seen.has(deviceId)) throw at('deviceId', `"${deviceId}" is listed twice`);
    seen.add(deviceId);
    const type = str('type');
    if (!(DEVICE_TYPES as readonly string[]).includes(type)) {
      throw at('type', `"${type}" is not one of ${DEVICE_TYPES.join(', ')}`);
    }
    const auto = entry.autoUpdateSupported;
    if (auto !== undefined && typeof auto !== 'boolean')
      throw at('autoUpdateSupported', 'must be true or false');
    return {
      name: str('name'),
      deviceId,
      type: type as PoolDevice['type'],
      manufacturer: str('manufacturer'),
      model: str('model'),
      firmwareVersion: optionalStr('firmwareVersion'),
      teamsAppVersion: optionalStr('teamsAppVersion'),
      autoUpdateSupported: auto ?? true,
      endpoint: optionalStr('endpoint'),
    };
  });
}

/** The settings of simulator.json, defaults for absent fields; throws PoolFileError naming the field. */
export function parseSimulatorFile(text: string, file = 'simulator.json'): SimulatorSettings {
  const value = json(file, text);
  if (!isObject(value)) throw new PoolFileError(file, 'must be a JSON object');
  const whole = (
    field: 'downloadSeconds' | 'installSeconds' | 'failurePercent' | 'offlinePercent',
    max: number,
  ): number => {
    const v = value[field] ?? DEFAULT_SIMULATOR[field];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) {
      throw new PoolFileError(file, `${field}: must be a whole number from 0 to ${max}`);
    }
    return v;
  };
  const fetch = value.fetchArtifacts ?? DEFAULT_SIMULATOR.fetchArtifacts;
  if (typeof fetch !== 'boolean') throw new PoolFileError(file, 'fetchArtifacts: must be true or false');
  return {
    downloadSeconds: whole('downloadSeconds', Number.MAX_SAFE_INTEGER),
    installSeconds: whole('installSeconds', Number.MAX_SAFE_INTEGER),
    failurePercent: whole('failurePercent', 100),
    offlinePercent: whole('offlinePercent', 100),
    fetchArtifacts: fetch,
  };
}
