// The device simulator: simulated Teams devices, what each starts from, and the fleet that keeps one per
// TeamsDevice of the cluster. The memory transport runs its devices in process; a proxy's simulator driver
// can run the same devices behind a real connection.
export {
  checksumMatches,
  installFails,
  MESSAGES,
  type RunningUpdate,
  SHA256_MISMATCH_MARKER,
  SimulatedDevice,
  type SimulatedDeviceInit,
  type SimulatedDeviceListener,
  type SimulatorBehaviour,
  type UpdatePhase,
  validateBehaviour,
} from './device.js';
export {
  SimulatedFleet,
  type SimulatedFleetOptions,
  type SimulatorTransport,
  simulatorBehaviour,
} from './fleet.js';
export { initialVersionsFor } from './initial-versions.js';
