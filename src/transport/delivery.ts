// What every transport does with a message it cannot deliver, and with a handler that throws: the same
// counters, the same log lines, so the memory and MQTT transports report alike on /metrics and in logs.
import type { Logger } from 'pino';
import type { MalformedReason } from './protocol.js';
import type { DeviceTransport } from './types.js';

/** Counts a payload (or topic) that failed validation by its reason, and logs it; nothing is delivered. */
export function dropMalformed(
  transport: Pick<DeviceTransport, 'stats' | 'malformedByReason'>,
  log: Logger,
  topic: string,
  { reason, error }: { reason: MalformedReason; error: string },
): void {
  transport.stats.malformed++;
  transport.malformedByReason.add(reason);
  log.warn({ topic, reason, error }, 'malformed message dropped');
}

/** Runs a handler; one that throws is the operator's bug, not the device's: logged, and the next one runs. */
export function callHandler(log: Logger, fn: () => void, kind: string): void {
  try {
    fn();
  } catch (err) {
    log.error({ err, kind }, 'transport handler failed');
  }
}
