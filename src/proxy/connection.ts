// The proxy's one MQTT connection (MQTT 3.1.1, QoS 1). A fixed client id per pod with clean:false, so the
// commands published to its devices while it was away are queued by the broker and arrive when it is back.
// Its last will is its retained presence with online:false: the broker publishes it when the proxy dies
// without a word (SIGKILL, a lost node), so the operator learns the proxy's devices are unreachable.
// Reconnection is ours, with backoff and jitter (mqtt.js's fixed period would hammer a broker that is down).

import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { type Clock, setTimerIn, type TimerHandle } from '../runtime/clock.js';
import { DEFAULT_BACKOFF, reconnectDelayMs } from '../transport/mqtt/backoff.js';
import type { MqttTlsOptions } from '../transport/mqtt/options.js';

/** Topics per SUBSCRIBE or UNSUBSCRIBE packet: thousands of devices in a few packets, none too big. */
export const SUBSCRIBE_BATCH = 500;

/** The QoS of a SUBACK entry the broker refused. */
const SUBACK_FAILURE = 128;

export interface ProxyConnectionOptions {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  tls?: MqttTlsOptions;
  keepaliveSeconds: number;
  /** Real time: backoff delays are real whatever the simulated clock does. */
  clock: Clock;
  logger: Logger;
  /** The last will (retained, QoS 1) for the next connection attempt. */
  will: () => { topic: string; payload: string };
  onConnect: (sessionPresent: boolean) => void;
  onClose: () => void;
  onMessage: (topic: string, payload: Buffer) => void;
  random?: () => number;
}

/** A client id a broker accepts: the pod's name with anything outside a safe set replaced. */
export function proxyClientId(namespace: string, pool: string, pod: string): string {
  return `tdo-proxy/${namespace}/${pool}/${pod}`.replace(/[^A-Za-z0-9._/-]/g, '_').slice(0, 256);
}

export class ProxyConnection {
  private readonly options: ProxyConnectionOptions;
  private readonly log: Logger;
  private client: MqttClient | undefined;
  private reconnectTimer: TimerHandle | undefined;
  private failedAttempts = 0;
  private stopping = false;

  constructor(options: ProxyConnectionOptions) {
    this.options = options;
    this.log = options.logger.child({ clientId: options.clientId });
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /** Starts connecting (and reconnecting, until stop()); onConnect says when it is up. */
  start(): void {
    if (this.client) return;
    const { url, clientId, username, password, tls, keepaliveSeconds } = this.options;
    const clientOptions: IClientOptions = {
      protocolVersion: 4,
      clientId,
      clean: false,
      username,
      password,
      ca: tls?.ca,
      cert: tls?.cert,
      key: tls?.key,
      keepalive: keepaliveSeconds,
      connectTimeout: 10_000,
      reconnectPeriod: 0,
      resubscribe: false,
      manualConnect: true,
      will: this.will(),
    };
    const client = mqtt.connect(url, clientOptions);
    this.client = client;
    client.on('connect', (connack) => {
      this.failedAttempts = 0;
      this.log.info({ sessionPresent: connack.sessionPresent }, 'mqtt connected');
      this.options.onConnect(connack.sessionPresent);
    });
    client.on('close', () => this.onClose(client));
    // The message says what failed (refused, unreachable); credentials are never part of it.
    client.on('error', (err) => this.log.warn({ error: err.message }, 'mqtt connection error'));
    client.on('message', (topic, payload) => this.options.onMessage(topic, payload));
    client.connect();
  }

  private will(): IClientOptions['will'] {
    const { topic, payload } = this.options.will();
    return { topic, payload: Buffer.from(payload), qos: 1, retain: true };
  }

  private onClose(client: MqttClient): void {
    if (this.stopping || client !== this.client) return;
    this.options.onClose();
    this.reconnectTimer?.cancel();
    const delayMs = reconnectDelayMs(
      this.failedAttempts,
      DEFAULT_BACKOFF,
      this.options.random ?? Math.random,
    );
    this.failedAttempts++;
    this.log.warn({ delayMs, attempt: this.failedAttempts }, 'mqtt connection lost, reconnecting');
    this.reconnectTimer = setTimerIn(this.options.clock, delayMs, () => {
      this.reconnectTimer = undefined;
      if (this.stopping || client !== this.client) return;
      // The will is set per connection: refresh it so its device count and time are current.
      client.options.will = this.will();
      client.reconnect({ incomingStore: client.incomingStore, outgoingStore: client.outgoingStore });
    });
  }

  /** Publishes at QoS 1; resolves on the broker's PUBACK (mqtt.js keeps it while disconnected). */
  async publish(topic: string, payload: string, retain = false): Promise<void> {
    const client = this.client;
    if (!client) return;
    await client.publishAsync(topic, payload, { qos: 1, retain });
  }

  /**
   * Publishes at QoS 0, without waiting for anything (mqtt.js queues it while disconnected). No callback on
   * purpose: mqtt.js adds a `drain` listener per publish that has one while the socket is full, and removing
   * thousands of them one by one cost the proxy more than the publishes.
   */
  publishAtMostOnce(topic: string, payload: string, retain = false): void {
    this.client?.publish(topic, payload, { qos: 0, retain });
  }

  /** Subscribes at QoS 1 in batches; refused topics are logged. */
  async subscribe(topics: readonly string[]): Promise<void> {
    const client = this.client;
    if (!client) return;
    for (let i = 0; i < topics.length; i += SUBSCRIBE_BATCH) {
      const batch = Object.fromEntries(
        topics.slice(i, i + SUBSCRIBE_BATCH).map((t) => [t, { qos: 1 as const }]),
      );
      const granted = await client.subscribeAsync(batch);
      for (const { topic, qos } of granted) {
        if (qos === SUBACK_FAILURE) this.log.error({ topic }, 'mqtt subscription refused by the broker');
      }
    }
  }

  async unsubscribe(topics: readonly string[]): Promise<void> {
    const client = this.client;
    if (!client) return;
    for (let i = 0; i < topics.length; i += SUBSCRIBE_BATCH) {
      await client.unsubscribeAsync(topics.slice(i, i + SUBSCRIBE_BATCH));
    }
  }

  /**
   * Publishes `last` (the offline presence) if connected and disconnects cleanly: a clean DISCONNECT
   * discards the will, so the proxy says it is going itself.
   */
  async stop(last?: { topic: string; payload: string }): Promise<void> {
    this.stopping = true;
    this.reconnectTimer?.cancel();
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    if (client.connected && last) {
      try {
        await withTimeout(client.publishAsync(last.topic, last.payload, { qos: 1, retain: true }), 5_000);
      } catch (err) {
        this.log.warn({ error: (err as Error).message }, 'offline presence not acknowledged');
      }
    }
    await client.endAsync(!client.connected);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
