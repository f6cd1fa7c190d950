// An in-process fleet of simulated devices behind the DeviceTransport interface, for tests and
// `run --transport memory`. It behaves like the MQTT transport where the operator can tell: every message is
// serialized to JSON and validated on arrival by src/transport/protocol.ts (a malformed one is counted and
// logged), delivery is asynchronous and in order, state is retained (a new state handler first receives the
// current state of every device), and events published while the transport is stopped are lost.

import pino, { type Logger } from 'pino';
import type { Clock } from '../runtime/clock.js';
import { callHandler, dropMalformed } from './delivery.js';
import {
  commandsTopic,
  type DeviceStateMessage,
  encodeMessage,
  isValidDeviceId,
  MalformedCounts,
  type MalformedReason,
  parseCommand,
  parseEvent,
  parseStateMessage,
  parseTopic,
  type UpdateCommand,
} from './protocol.js';
import {
  type RunningUpdate,
  SimulatedDevice,
  type SimulatedDeviceInit,
  type SimulatorBehaviour,
} from './simulator/device.js';
import type {
  DeviceTransport,
  EventHandler,
  PresenceHandler,
  StateHandler,
  TransportStats,
} from './types.js';

export interface MemoryTransportOptions {
  clock: Clock;
  logger?: Logger;
}

/** What a simulated device looks like from outside (`MemoryTransport.device`). */
export interface SimulatedDeviceSnapshot {
  deviceId: string;
  online: boolean;
  firmwareVersion: string | null;
  teamsAppVersion: string | null;
  /** The update in progress, if any. */
  update: RunningUpdate | null;
  /** The state message the device would publish now. */
  state: DeviceStateMessage;
  behaviour: SimulatorBehaviour;
}

/** send() was given a command the protocol does not allow (an operator bug; it is never published). */
export class MalformedCommandError extends Error {
  override readonly name = 'MalformedCommandError';
}

type Payload = string | Uint8Array;

interface Entry {
  device: SimulatedDevice;
  behaviour: SimulatorBehaviour;
}

export class MemoryTransport implements DeviceTransport {
  readonly stats: TransportStats = { malformed: 0, sent: 0, received: 0 };
  readonly malformedByReason = new MalformedCounts();
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly devices = new Map<string, Entry>();
  /** The last state payload of each device, as a broker retains it. */
  private readonly retained = new Map<string, Payload>();
  private readonly stateHandlers: StateHandler[] = [];
  private readonly eventHandlers: EventHandler[] = [];
  private readonly queue: Array<() => void> = [];
  private draining = false;
  private started = false;

  constructor(options: MemoryTransportOptions) {
    this.clock = options.clock;
    this.log = (options.logger ?? pino({ level: 'silent' })).child({ transport: 'memory' });
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    for (const handler of this.stateHandlers) this.replayRetained(handler);
  }

  /**
   * Disconnects: nothing more is delivered, and every device drops the update it was running without an
   * event (like a proxy that went away); a command resent after start() runs again from the beginning.
   */
  async stop(): Promise<void> {
    this.started = false;
    this.queue.length = 0;
    for (const { device } of this.devices.values()) device.halt();
  }

  async send(deviceId: string, command: UpdateCommand): Promise<void> {
    if (!this.started) throw new Error('memory transport: send before start');
    const topic = commandsTopic(deviceId);
    const payload = encodeMessage(command);
    const checked = parseCommand(payload);
    if (!checked.ok) {
      this.malformed(topic, checked);
      throw new MalformedCommandError(`command for ${deviceId}: ${checked.error}`);
    }
    this.stats.sent++;
    this.enqueue(() => this.deliverCommand(deviceId, payload));
  }

  onState(handler: StateHandler): void {
    this.stateHandlers.push(handler);
    if (this.started) this.replayRetained(handler);
  }

  onEvent(handler: EventHandler): void {
    this.eventHandlers.push(handler);
  }

  /** The simulated devices run in this process, behind no proxy: there is no presence to hear. */
  onPresence(_handler: PresenceHandler): void {}

  /** Every state handler hears the retained state of every device again, as after a proxy's republish. */
  async requestResync(): Promise<void> {
    if (!this.started) throw new Error('memory transport: resync before start');
    for (const handler of this.stateHandlers) this.replayRetained(handler);
  }

  /**
   * Adds a simulated device, which publishes its (retained) state. For a device that exists already, only
   * the behaviour changes: it keeps the versions and connectivity it has now, so calling this again for an
   * unchanged TeamsDevice never undoes an update.
   */
  upsertDevice(deviceId: string, initial: SimulatedDeviceInit, behaviour: SimulatorBehaviour): void {
    if (!isValidDeviceId(deviceId)) {
      throw new Error(`invalid deviceId ${JSON.stringify(deviceId)}: it must be one MQTT topic level`);
    }
    const existing = this.devices.get(deviceId);
    if (existing) {
      existing.device.setBehaviour(behaviour);
      existing.behaviour = { ...behaviour };
      return;
    }
    const device = new SimulatedDevice(deviceId, initial, behaviour, this.clock, {
      state: (message) => this.publishState(deviceId, encodeMessage(message)),
      event: (event) => this.publishEvent(deviceId, encodeMessage(event)),
    });
    this.devices.set(deviceId, { device, behaviour: { ...behaviour } });
    this.publishState(deviceId, encodeMessage(device.state()));
  }

  /**
   * Removes a device: it stops (an update in progress is dropped), the handlers hear it go offline, and its
   * retained state is cleared so later handlers never hear of it.
   */
  removeDevice(deviceId: string): boolean {
    const entry = this.devices.get(deviceId);
    if (!entry) return false;
    entry.device.halt();
    this.devices.delete(deviceId);
    this.retained.delete(deviceId);
    const payload = encodeMessage({ ...entry.device.state(), online: false });
    if (this.started) this.enqueue(() => this.deliverState(deviceId, payload));
    return true;
  }

  /** Connects or disconnects a device (its state says online:true/false). */
  setOnline(deviceId: string, online: boolean): void {
    this.entry(deviceId).device.setOnline(online);
  }

  device(deviceId: string): SimulatedDeviceSnapshot | undefined {
    const entry = this.devices.get(deviceId);
    if (!entry) return undefined;
    const { device } = entry;
    return {
      deviceId,
      online: device.online,
      firmwareVersion: device.version('Firmware'),
      teamsAppVersion: device.version('TeamsApp'),
      update: device.update(),
      state: device.state(),
      behaviour: { ...entry.behaviour },
    };
  }

  deviceIds(): string[] {
    return [...this.devices.keys()];
  }

  /**
   * Publishes a raw payload on a topic, as a proxy (state, events) or the operator (commands) would: for
   * tests of what a malformed or foreign message does. A topic outside the protocol is counted as
   * malformed. An empty payload on a state topic clears the retained state, as in MQTT.
   */
  publishRaw(topic: string, payload: Payload): void {
    const parsed = parseTopic(topic);
    if (!parsed) {
      this.malformed(topic, {
        reason: 'topic',
        error: 'topic: not tdo/v1/devices/{deviceId}/state|commands|events',
      });
      return;
    }
    const { deviceId, channel } = parsed;
    if (channel === 'state') {
      if (payload.length === 0) {
        this.retained.delete(deviceId);
        return;
      }
      this.publishState(deviceId, payload);
    } else if (channel === 'events') {
      this.publishEvent(deviceId, payload);
    } else {
      this.enqueue(() => this.deliverCommand(deviceId, payload));
    }
  }

  private entry(deviceId: string): Entry {
    const entry = this.devices.get(deviceId);
    if (!entry) throw new Error(`memory transport: no device ${deviceId}`);
    return entry;
  }

  // Published while stopped: nobody is subscribed, so only the retained state survives (replayed on start).
  private publishState(deviceId: string, payload: Payload): void {
    this.retained.set(deviceId, payload);
    if (this.started) this.enqueue(() => this.deliverState(deviceId, payload));
  }

  private publishEvent(deviceId: string, payload: Payload): void {
    if (this.started) this.enqueue(() => this.deliverEvent(deviceId, payload));
  }

  private replayRetained(handler: StateHandler): void {
    for (const [deviceId, payload] of this.retained) {
      this.enqueue(() => this.deliverState(deviceId, payload, [handler]));
    }
  }

  private deliverState(deviceId: string, payload: Payload, handlers = this.stateHandlers): void {
    if (!this.started) return;
    const parsed = parseStateMessage(payload, deviceId);
    if (!parsed.ok) {
      this.malformed(`devices/${deviceId}/state`, parsed);
      return;
    }
    this.stats.received++;
    for (const handler of [...handlers]) this.call(() => handler(deviceId, { ...parsed.value }), 'state');
  }

  private deliverEvent(deviceId: string, payload: Payload): void {
    if (!this.started) return;
    const parsed = parseEvent(payload, deviceId);
    if (!parsed.ok) {
      this.malformed(`devices/${deviceId}/events`, parsed);
      return;
    }
    this.stats.received++;
    for (const handler of [...this.eventHandlers]) {
      this.call(() => handler(deviceId, { ...parsed.value }), 'event');
    }
  }

  private deliverCommand(deviceId: string, payload: Payload): void {
    const parsed = parseCommand(payload, deviceId);
    if (!parsed.ok) {
      this.malformed(`devices/${deviceId}/commands`, parsed);
      return;
    }
    const entry = this.devices.get(deviceId);
    if (!entry) {
      this.log.debug(
        { deviceId, commandId: parsed.value.commandId },
        'command for an unknown device dropped',
      );
      return;
    }
    entry.device.receive(parsed.value);
  }

  private malformed(topic: string, failure: { reason: MalformedReason; error: string }): void {
    dropMalformed(this, this.log, topic, failure);
  }

  private call(fn: () => void, kind: string): void {
    callHandler(this.log, fn, kind);
  }

  /** Runs `fn` after the current synchronous code, in publication order. */
  private enqueue(fn: () => void): void {
    this.queue.push(fn);
    if (this.draining) return;
    this.draining = true;
    queueMicrotask(() => {
      try {
        for (let next = this.queue.shift(); next; next = this.queue.shift()) this.call(next, 'delivery');
      } finally {
        this.draining = false;
      }
    });
  }
}
