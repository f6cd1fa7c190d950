// The operator's side of the device protocol over a real MQTT broker. MQTT 3.1.1, so every broker works.
//
// One fixed client id per installation with clean:false: the broker keeps this session's subscriptions and
// the QoS 1 events published while the operator was away (a broker restart, a reconnect, a leader change),
// and delivers them on the next connection under the same id. Reconnection is ours, not mqtt.js's fixed
// period: exponential backoff with jitter on the injected clock. Every incoming payload goes through the
// parse functions of src/transport/protocol.ts; a malformed one is counted and logged, never thrown and never
// delivered, so a handler only sees what the protocol allows.
//
// States are subscribed at QoS 0, the rest at QoS 1. A broker replays every retained state on subscribing,
// and counts QoS 1 replays against its per-client queue: mosquitto with its default limits (20 in flight,
// 1,000 queued) delivers 1,020 of 2,000 retained states at QoS 1 and drops the rest, but all 20,000 of
// 20,000 at QoS 0. Nothing is lost by QoS 0: a state is retained, every connection subscribes again and so
// hears the current state of every device, and a connection without its old session also asks the proxies
// to publish their states again (a resync). The state handlers are synchronous and cheap, so the replay
// drains as fast as the socket delivers it.
//
// Commands are paced per proxy (./pacing.ts), so no proxy has more waiting at the broker than it queues.

import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import pino, { type Logger } from 'pino';
import { type Clock, setTimerIn, type TimerHandle } from '../../runtime/clock.js';
import { callHandler, dropMalformed } from '../delivery.js';
import { MalformedCommandError } from '../memory.js';
import type { LinkMetricsSource, MessageKind } from '../metrics.js';
import {
  channelFilter,
  commandsTopic,
  type DeviceStateMessage,
  encodeMessage,
  MalformedCounts,
  type MalformedReason,
  type ProxyPresence,
  parseCommand,
  parseEvent,
  parsePresence,
  parsePresenceTopic,
  parseStateMessage,
  parseTopic,
  presenceFilter,
  proxyKey,
  RESYNC_TOPIC,
  type UpdateCommand,
} from '../protocol.js';
import type {
  DeviceTransport,
  EventHandler,
  PresenceHandler,
  ProxyName,
  StateHandler,
  TransportStats,
} from '../types.js';
import { type BackoffPolicy, DEFAULT_BACKOFF, reconnectDelayMs } from './backoff.js';
import {
  DEFAULT_ACK_TIMEOUT_MS,
  DEFAULT_KEEPALIVE_SECONDS,
  DEFAULT_MAX_IN_FLIGHT_PER_PROXY,
  type MqttTransportOptions,
} from './options.js';
import { Pacer, UNKNOWN_PROXY } from './pacing.js';

/**
 * What the transport subscribes to: every device's state (QoS 0: see the top of this file), and every
 * device's events and every proxy's presence at least once.
 */
const SUBSCRIPTIONS = {
  [channelFilter('state')]: { qos: 0 },
  [channelFilter('events')]: { qos: 1 },
  [presenceFilter()]: { qos: 1 },
} as const;

/** The QoS of a SUBACK entry the broker refused. */
const SUBACK_FAILURE = 128;

export class MqttTransport implements DeviceTransport, LinkMetricsSource {
  readonly stats: TransportStats = { malformed: 0, sent: 0, received: 0 };
  /** Messages by `${kind} ${direction}`, malformed ones included. */
  readonly messages = new Map<string, number>();
  /** Connections lost and attempted again. */
  reconnects = 0;
  private readonly pacer: Pacer;
  private readonly roundTripListeners: Array<(ms: number) => void> = [];
  readonly malformedByReason = new MalformedCounts();
  private readonly options: MqttTransportOptions;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly backoff: BackoffPolicy;
  private readonly random: () => number;
  /** The last valid state of each device, as its retained topic says: replayed to a handler added late. */
  private readonly states = new Map<string, DeviceStateMessage>();
  private readonly stateHandlers: StateHandler[] = [];
  private readonly eventHandlers: EventHandler[] = [];
  /** The last valid presence of each proxy (by proxyKey), as its retained topic says. */
  private readonly presences = new Map<string, { proxy: ProxyName; presence: ProxyPresence }>();
  private readonly presenceHandlers: PresenceHandler[] = [];
  private resyncs = 0;
  /** The request id of the latest resync request. */
  lastResyncRequestId: string | undefined;
  private client: MqttClient | undefined;
  private reconnectTimer: TimerHandle | undefined;
  private failedAttempts = 0;
  private stopping = false;
  /** Resolves start() once the first connection's subscriptions are granted. */
  private firstSubscribed: (() => void) | undefined;

  constructor(options: MqttTransportOptions) {
    this.options = options;
    this.clock = options.clock;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.random = options.random ?? Math.random;
    this.log = (options.logger ?? pino({ level: 'silent' })).child({
      transport: 'mqtt',
      clientId: options.clientId,
    });
    this.pacer = new Pacer({
      limit: options.maxInFlightPerProxy ?? DEFAULT_MAX_IN_FLIGHT_PER_PROXY,
      ackTimeoutMs: options.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS,
      clock: this.clock,
      onAnswered: (ms) => {
        for (const listener of this.roundTripListeners) listener(ms);
      },
      onTimeout: (commandId, proxy) =>
        this.log.warn({ commandId, proxy }, 'no event for a command in time; its slot is free again'),
    });
  }

  /** Commands published and not yet answered by an event, over all proxies. */
  get commandsInFlight(): number {
    return this.pacer.inFlight;
  }

  /** Commands waiting for their proxy to answer earlier ones. */
  get commandsWaiting(): number {
    return this.pacer.waiting;
  }

  /** Un-answered commands of one proxy (its `namespace/pool/pod`; '' for devices whose state names none). */
  commandsInFlightOf(proxy: string): number {
    return this.pacer.inFlightOf(proxy);
  }

  /** Calls `listener` with the milliseconds from publishing a command to its first event. */
  onRoundTrip(listener: (ms: number) => void): void {
    this.roundTripListeners.push(listener);
  }

  /** Whether the transport has a live connection to the broker now. */
  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /**
   * Connects and subscribes; resolves once the first connection is up and its subscriptions are granted, so
   * nothing published after start() is missed (retrying with backoff until then). Rejects only when stop()
   * is called first.
   */
  async start(): Promise<void> {
    if (this.client) return;
    this.stopping = false;
    const client = mqtt.connect(this.options.url, this.clientOptions());
    this.client = client;
    const subscribed = new Promise<void>((resolve, reject) => {
      const onEnd = () => reject(new Error('mqtt transport: stopped before it connected'));
      client.once('end', onEnd);
      this.firstSubscribed = () => {
        client.removeListener('end', onEnd);
        resolve();
      };
    });
    client.on('connect', (connack) => this.onConnect(client, connack.sessionPresent));
    client.on('close', () => this.onClose(client));
    client.on('error', (err) => this.log.warn({ err }, 'mqtt connection error'));
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    client.connect();
    await subscribed;
  }

  /** Disconnects cleanly; the broker keeps the session (and queues QoS 1 events) for the next start. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.reconnectTimer?.cancel();
    this.reconnectTimer = undefined;
    const client = this.client;
    this.client = undefined;
    this.pacer.close(new Error('mqtt transport: stopped before the command could be sent'));
    if (!client) return;
    // A connected client waits for its in-flight messages; a disconnected one has nobody to wait for.
    await client.endAsync(!client.connected);
  }

  /**
   * Publishes a command at QoS 1 once its proxy has a free slot, and resolves on the broker's PUBACK. While
   * disconnected, mqtt.js keeps it and sends it on reconnection, so the promise resolves then.
   */
  async send(deviceId: string, command: UpdateCommand): Promise<void> {
    if (!this.client) throw new Error('mqtt transport: send before start');
    const topic = commandsTopic(deviceId);
    const payload = encodeMessage(command);
    const checked = parseCommand(payload);
    if (!checked.ok) {
      this.malformed(topic, checked);
      throw new MalformedCommandError(`command for ${deviceId}: ${checked.error}`);
    }
    const { commandId } = command;
    await this.pacer.acquire(this.states.get(deviceId)?.proxy ?? UNKNOWN_PROXY, commandId);
    const client = this.client;
    try {
      if (!client) throw new Error('mqtt transport: stopped before the command could be sent');
      this.count('commands', 'out');
      await client.publishAsync(topic, payload, { qos: 1 });
    } catch (err) {
      this.pacer.abandon(commandId);
      throw err;
    }
    this.stats.sent++;
    this.log.debug({ deviceId, commandId: command.commandId }, 'command published');
  }

  onState(handler: StateHandler): void {
    this.stateHandlers.push(handler);
    // The broker sends retained states only when subscribing: a handler added later hears them from here.
    const current = [...this.states];
    if (current.length === 0) return;
    queueMicrotask(() => {
      for (const [deviceId, state] of current) this.call(() => handler(deviceId, { ...state }), 'state');
    });
  }

  onEvent(handler: EventHandler): void {
    this.eventHandlers.push(handler);
  }

  onPresence(handler: PresenceHandler): void {
    this.presenceHandlers.push(handler);
    const current = [...this.presences.values()];
    if (current.length === 0) return;
    queueMicrotask(() => {
      for (const { proxy, presence } of current) {
        this.call(() => handler({ ...proxy }, { ...presence }), 'presence');
      }
    });
  }

  /**
   * Publishes a resync request (QoS 1, not retained); resolves on the broker's PUBACK. Its id
   * (lastResyncRequestId) is unique per request, also across restarts, so a proxy's logs tell them apart.
   */
  async requestResync(): Promise<void> {
    const client = this.client;
    if (!client) throw new Error('mqtt transport: resync before start');
    this.resyncs++;
    const now = this.clock.now();
    const requestId = `${this.options.clientId}-${now.getTime().toString(36)}-${this.resyncs}`;
    this.lastResyncRequestId = requestId;
    const payload = encodeMessage({ requestId, ts: now.toISOString() });
    this.count('resync', 'out');
    await client.publishAsync(RESYNC_TOPIC, payload, { qos: 1 });
    this.log.info({ requestId }, 'resync requested');
  }

  /** The last valid state the transport has heard from a device. */
  state(deviceId: string): DeviceStateMessage | undefined {
    const state = this.states.get(deviceId);
    return state ? { ...state } : undefined;
  }

  private clientOptions(): IClientOptions {
    const { clientId, username, password, tls } = this.options;
    return {
      protocolVersion: 4,
      clientId,
      clean: false,
      username,
      password,
      ca: tls?.ca,
      cert: tls?.cert,
      key: tls?.key,
      keepalive: this.options.keepaliveSeconds ?? DEFAULT_KEEPALIVE_SECONDS,
      connectTimeout: this.options.connectTimeoutMs ?? 10_000,
      // The transport reconnects itself, with backoff; it subscribes on every connection (see onConnect).
      reconnectPeriod: 0,
      resubscribe: false,
      manualConnect: true,
    };
  }

  private onConnect(client: MqttClient, sessionPresent: boolean): void {
    this.failedAttempts = 0;
    this.log.info({ sessionPresent }, 'mqtt connected');
    // Subscribing again, even with the session present, makes the broker resend every retained state, so the
    // store catches up on whatever changed while the connection was down.
    client.subscribe(SUBSCRIPTIONS, (err, granted) => {
      if (err) {
        this.log.error({ err }, 'mqtt subscribe failed');
        return;
      }
      for (const { topic, qos } of granted ?? []) {
        if (qos === SUBACK_FAILURE) this.log.error({ topic }, 'mqtt subscription refused by the broker');
      }
      if (!sessionPresent) {
        // A new session (the first ever, or the broker lost it): states the broker no longer retains come
        // back only if the proxies publish them again; asked once subscribed, so none of them is missed.
        this.requestResync().catch((err) => this.log.warn({ err }, 'resync request failed'));
      }
      this.firstSubscribed?.();
      this.firstSubscribed = undefined;
    });
  }

  private onClose(client: MqttClient): void {
    if (this.stopping || client !== this.client) return;
    this.reconnectTimer?.cancel();
    const delayMs = reconnectDelayMs(this.failedAttempts, this.backoff, this.random);
    this.failedAttempts++;
    this.reconnects++;
    this.log.warn({ delayMs, attempt: this.failedAttempts }, 'mqtt connection lost, reconnecting');
    this.reconnectTimer = setTimerIn(this.clock, delayMs, () => {
      this.reconnectTimer = undefined;
      if (this.stopping || client !== this.client) return;
      // reconnect() without stores starts from empty ones, dropping the QoS 1 commands not yet acknowledged:
      // handing it the current stores makes them go out on the new connection.
      client.reconnect({ incomingStore: client.incomingStore, outgoingStore: client.outgoingStore });
    });
  }

  private onMessage(topic: string, payload: Buffer): void {
    const proxy = parsePresenceTopic(topic);
    if (proxy) {
      this.count('presence', 'in');
      this.deliverPresence(topic, proxy, payload);
      return;
    }
    const parsed = parseTopic(topic);
    if (!parsed || parsed.channel === 'commands') {
      this.malformed(topic, { reason: 'topic', error: 'topic: not tdo/v1/devices/{deviceId}/state|events' });
      return;
    }
    const { deviceId, channel } = parsed;
    this.count(channel, 'in');
    if (channel === 'state') this.deliverState(topic, deviceId, payload);
    else this.deliverEvent(topic, deviceId, payload);
  }

  private deliverState(topic: string, deviceId: string, payload: Buffer): void {
    // An empty retained message is how MQTT clears a topic: the device's state is no longer known.
    if (payload.byteLength === 0) {
      this.states.delete(deviceId);
      return;
    }
    const parsed = parseStateMessage(payload, deviceId);
    if (!parsed.ok) {
      this.malformed(topic, parsed);
      return;
    }
    this.stats.received++;
    this.states.set(deviceId, parsed.value);
    for (const handler of [...this.stateHandlers]) {
      this.call(() => handler(deviceId, { ...parsed.value }), 'state');
    }
  }

  private deliverPresence(topic: string, proxy: ProxyName, payload: Buffer): void {
    const key = proxyKey(proxy);
    if (payload.byteLength === 0) {
      if (!this.presences.delete(key)) return;
      for (const handler of [...this.presenceHandlers])
        this.call(() => handler({ ...proxy }, null), 'presence');
      return;
    }
    const parsed = parsePresence(payload);
    if (!parsed.ok) {
      this.malformed(topic, parsed);
      return;
    }
    this.stats.received++;
    this.presences.set(key, { proxy, presence: parsed.value });
    for (const handler of [...this.presenceHandlers]) {
      this.call(() => handler({ ...proxy }, { ...parsed.value }), 'presence');
    }
  }

  private deliverEvent(topic: string, deviceId: string, payload: Buffer): void {
    const parsed = parseEvent(payload, deviceId);
    if (!parsed.ok) {
      this.malformed(topic, parsed);
      return;
    }
    this.stats.received++;
    this.pacer.answered(parsed.value.commandId);
    for (const handler of [...this.eventHandlers]) {
      this.call(() => handler(deviceId, { ...parsed.value }), 'event');
    }
  }

  private count(kind: MessageKind, direction: 'in' | 'out'): void {
    const key = `${kind} ${direction}`;
    this.messages.set(key, (this.messages.get(key) ?? 0) + 1);
  }

  private malformed(topic: string, failure: { reason: MalformedReason; error: string }): void {
    dropMalformed(this, this.log, topic, failure);
  }

  private call(fn: () => void, kind: string): void {
    callHandler(this.log, fn, kind);
  }
}
