// What the MQTT transport is given: where the broker is, who the operator is to it, and how it proves it.
// Filled from parsed config by the caller (the flags and the chart's Secrets), never read from the
// environment here.

import type { Logger } from 'pino';
import type { Clock } from '../../runtime/clock.js';
import type { BackoffPolicy } from './backoff.js';

/**
 * Commands one proxy may leave un-answered when the options say nothing: below mosquitto's default queue of
 * 1,000 messages per client (beyond which it drops them silently).
 */
export const DEFAULT_MAX_IN_FLIGHT_PER_PROXY = 500;

/** How long a command holds its proxy's slot without an event, when the options say nothing. */
export const DEFAULT_ACK_TIMEOUT_MS = 60_000;

export const DEFAULT_KEEPALIVE_SECONDS = 30;

export interface MqttTlsOptions {
  /** PEM of the certificate authorities the broker's certificate must chain to. */
  ca?: string | Buffer;
  /** PEM of the client certificate and its key, for brokers that authenticate clients by certificate. */
  cert?: string | Buffer;
  key?: string | Buffer;
}

export interface MqttTransportOptions {
  /** `mqtt://host:1883` or `mqtts://host:8883`. */
  url: string;
  /**
   * One fixed id per installation: with a persistent session, the broker keeps the subscriptions and the
   * QoS 1 events queued while the operator was away for whichever replica connects next under this id.
   */
  clientId: string;
  username?: string;
  password?: string;
  tls?: MqttTlsOptions;
  /** Reconnection delays; DEFAULT_BACKOFF when absent. */
  backoff?: BackoffPolicy;
  /** Seconds between keepalive pings; the broker drops a silent client after 1.5 times this. */
  keepaliveSeconds?: number;
  /** How long one connection attempt may take before it counts as failed. */
  connectTimeoutMs?: number;
  /** Commands one proxy may leave un-answered by an event; DEFAULT_MAX_IN_FLIGHT_PER_PROXY when absent. */
  maxInFlightPerProxy?: number;
  /** How long an un-answered command holds its slot; DEFAULT_ACK_TIMEOUT_MS when absent. */
  ackTimeoutMs?: number;
  /** Real time: reconnection delays, command timeouts, round-trip latency and resync timestamps. */
  clock: Clock;
  logger?: Logger;
  /** The jitter's source of randomness; Math.random when absent (tests pin it). */
  random?: () => number;
}
