import { hash } from 'node:crypto';
import type { Component } from '../../api/v1alpha1/teamsdevice.js';

/**
 * The id of the update command for (device, component, version, attempt): a SHA-256 of the four, shaped as a
 * UUID (version 8, "custom", RFC 9562). The same inputs always give the same id, so a command resent after an
 * operator restart is the same command and a proxy ignores it once finished; a new attempt is a new command.
 * The version is used exactly as written in the FirmwareRelease (no normalisation).
 */
export function commandId(deviceId: string, component: Component, version: string, attempt: number): string {
  if (!Number.isSafeInteger(attempt) || attempt < 1) {
    throw new RangeError(`commandId: attempt must be an integer >= 1, got ${attempt}`);
  }
  // JSON of an array is an unambiguous encoding: no choice of separators can make two inputs collide.
  const digest = hash(
    'sha256',
    JSON.stringify(['tdo/v1/update', deviceId, component, version, attempt]),
    'hex',
  );
  const hex = digest.slice(0, 32).split('');
  hex[12] = '8'; // version 8
  hex[16] = ((Number.parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16); // variant 10xx
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
}
