// The operator's view of the devices: send update commands, hear state and command events. Implemented by
// MemoryTransport (an in-process simulated fleet) and by the MQTT transport; both validate every payload with
// src/transport/protocol.ts, so a handler only ever sees well-formed messages.

import type {
  CommandEvent,
  DeviceStateMessage,
  MalformedCounts,
  ProxyName,
  ProxyPresence,
  UpdateCommand,
} from './protocol.js';

export type {
  CommandEvent,
  DeviceStateMessage,
  ProxyName,
  ProxyPresence,
  UpdateCommand,
} from './protocol.js';

export type StateHandler = (deviceId: string, state: DeviceStateMessage) => void;
export type EventHandler = (deviceId: string, event: CommandEvent) => void;
/** A proxy's presence changed; null: its retained presence was cleared (the proxy is gone for good). */
export type PresenceHandler = (proxy: ProxyName, presence: ProxyPresence | null) => void;

export interface TransportStats {
  /** Payloads (or topics) that failed validation: counted and logged, never delivered. */
  malformed: number;
  /** Commands published. */
  sent: number;
  /** Valid state and event messages delivered to the handlers. */
  received: number;
}

export interface DeviceTransport {
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Publishes a command (QoS 1, at least once). Resolves when the broker has it, not when the device acts on
   * it: the outcome comes back as events. Never delivers synchronously.
   */
  send(deviceId: string, command: UpdateCommand): Promise<void>;
  /** State messages are retained: a new handler first receives the current state of every device. */
  onState(handler: StateHandler): void;
  onEvent(handler: EventHandler): void;
  /**
   * Presence is retained, like state: a new handler first receives the presence of every proxy known. The
   * memory transport has no proxies and never calls it.
   */
  onPresence(handler: PresenceHandler): void;
  /** Asks every proxy to publish the state of each of its devices again (QoS 1, not retained). */
  requestResync(): Promise<void>;
  readonly stats: TransportStats;
  /** stats.malformed by reason: the `reason` label of the malformed metric. */
  readonly malformedByReason: MalformedCounts;
}
