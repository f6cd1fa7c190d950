// The devices a device agent serves: one SimulatedDevice each, on the injected clock, behind the contract of
// docs/device-agent.openapi.yaml. An update is downloaded and checked (size, sha256) here, as a real device
// would, before the simulated device runs it; the simulated device then takes the time simulator.json says.

import type { Logger } from 'pino';
import type { PoolDevice } from '../core/pool/decide.js';
import type { Clock } from '../runtime/clock.js';
import { setTimerIn } from '../runtime/clock.js';
import type { CommandEvent, UpdateCommand } from '../transport/protocol.js';
import { FINAL_EVENT_STATES } from '../transport/protocol.js';
import { SimulatedDevice, type SimulatorBehaviour } from '../transport/simulator/device.js';
import type { DeviceStatus, UpdateRequest, UpdateStatus } from './contract.js';
import { downloadAndCheck } from './download.js';

/** How many updates a device remembers (answers GET and idempotent POSTs for); the oldest are forgotten. */
const REMEMBERED_UPDATES = 1000;
/** The longest an artifact download may take. */
const DOWNLOAD_TIMEOUT_MS = 10 * 60_000;

export type StartResult =
  | { outcome: 'accepted' | 'existing'; status: UpdateStatus }
  | { outcome: 'busy'; detail: string };

interface AgentDevice {
  sim: SimulatedDevice;
  updates: Map<string, UpdateStatus>;
  /** The update being downloaded by the agent, before the simulated device has it. */
  downloading: UpdateRequest | null;
}

export interface DeviceAgentOptions {
  devices: readonly PoolDevice[];
  behaviour: SimulatorBehaviour;
  clock: Clock;
  logger: Logger;
}

export class DeviceAgent {
  private readonly devices = new Map<string, AgentDevice>();
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly aborts = new Set<AbortController>();
  private stopped = false;

  constructor(options: DeviceAgentOptions) {
    this.clock = options.clock;
    this.log = options.logger;
    for (const d of options.devices) {
      const device: AgentDevice = {
        sim: undefined as unknown as SimulatedDevice,
        updates: new Map(),
        downloading: null,
      };
      device.sim = new SimulatedDevice(
        d.deviceId,
        {
          manufacturer: d.manufacturer,
          model: d.model,
          firmwareVersion: d.firmwareVersion,
          teamsAppVersion: d.teamsAppVersion,
          autoUpdateSupported: d.autoUpdateSupported,
        },
        options.behaviour,
        this.clock,
        { state: () => {}, event: (event) => this.onEvent(d.deviceId, device, event) },
      );
      this.devices.set(d.deviceId, device);
    }
  }

  get size(): number {
    return this.devices.size;
  }

  has(deviceId: string): boolean {
    return this.devices.has(deviceId);
  }

  status(deviceId: string): DeviceStatus | undefined {
    const sim = this.devices.get(deviceId)?.sim;
    if (!sim) return undefined;
    const state = sim.state();
    return {
      online: state.online,
      manufacturer: state.manufacturer ?? '',
      model: state.model ?? '',
      firmwareVersion: sim.version('Firmware'),
      teamsAppVersion: sim.version('TeamsApp'),
      autoUpdateSupported: state.autoUpdateSupported ?? true,
    };
  }

  update(deviceId: string, commandId: string): UpdateStatus | undefined {
    const status = this.devices.get(deviceId)?.updates.get(commandId);
    return status ? { ...status } : undefined;
  }

  /** Starts an update (the device must exist): idempotent by commandId, one at a time. */
  start(deviceId: string, request: UpdateRequest): StartResult {
    const device = this.devices.get(deviceId);
    if (!device) throw new Error(`no device ${deviceId}`);
    const known = device.updates.get(request.commandId);
    if (known) return { outcome: 'existing', status: { ...known } };
    const running = device.downloading ?? device.sim.update();
    if (running) {
      return {
        outcome: 'busy',
        detail: `another update is in progress: ${running.component} ${running.version} (command ${running.commandId})`,
      };
    }
    device.downloading = request;
    const status = this.record(device, {
      commandId: request.commandId,
      state: 'accepted',
      progress: 0,
      message: null,
    });
    this.log.info(
      { deviceId, commandId: request.commandId, component: request.component, version: request.version },
      'update accepted',
    );
    void this.download(deviceId, device, request);
    return { outcome: 'accepted', status: { ...status } };
  }

  /** Stops every timer and download; the updates in progress are forgotten. */
  stop(): void {
    this.stopped = true;
    for (const abort of this.aborts) abort.abort();
    for (const device of this.devices.values()) device.sim.halt();
  }

  private async download(deviceId: string, device: AgentDevice, request: UpdateRequest): Promise<void> {
    this.record(device, { commandId: request.commandId, state: 'downloading', progress: 0, message: null });
    const abort = new AbortController();
    this.aborts.add(abort);
    const timer = setTimerIn(this.clock, DOWNLOAD_TIMEOUT_MS, () =>
      abort.abort(new Error('download timed out')),
    );
    const result = await downloadAndCheck(request.artifact, abort.signal);
    timer.cancel();
    this.aborts.delete(abort);
    device.downloading = null;
    if (this.stopped) return;
    if (!result.ok) {
      this.record(device, {
        commandId: request.commandId,
        state: 'failed',
        progress: 100,
        message: result.message,
      });
      this.log.warn({ deviceId, commandId: request.commandId, reason: result.message }, 'update failed');
      return;
    }
    // The simulated device needs a whole command; the protocol fields it does not use get placeholders.
    const now = this.clock.now().toISOString();
    const command: UpdateCommand = { ...request, type: 'update', issuedAt: now, notAfter: now };
    device.sim.receive(command);
  }

  private onEvent(deviceId: string, device: AgentDevice, event: CommandEvent): void {
    const known = device.updates.get(event.commandId);
    // The agent said accepted and downloading when it started; the simulated device's accepted is older news.
    if (!known || event.state === 'accepted') return;
    const final = FINAL_EVENT_STATES.includes(event.state);
    this.record(device, {
      commandId: event.commandId,
      state: event.state,
      progress: event.progress ?? (final ? 100 : 0),
      message: event.message ?? null,
    });
    if (final)
      this.log.info(
        { deviceId, commandId: event.commandId, state: event.state, message: event.message },
        'update finished',
      );
  }

  private record(device: AgentDevice, status: UpdateStatus): UpdateStatus {
    device.updates.delete(status.commandId);
    device.updates.set(status.commandId, status);
    if (device.updates.size > REMEMBERED_UPDATES) {
      const oldest = device.updates.keys().next();
      if (!oldest.done) device.updates.delete(oldest.value);
    }
    return status;
  }
}
