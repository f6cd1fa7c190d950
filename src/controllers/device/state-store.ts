// What the devices last said, in memory: the latest state message of each device and the latest event of
// each of its recent commands, as the transport delivers them (already validated by src/transport/protocol.ts),
// and when this process last handed a command to the transport. Lost on restart by design: state messages
// are retained (re-delivered on subscribe), status.reported keeps the rest, and a command with no news is
// re-sent under the same id.
import type { CommandEvent, DeviceStateMessage } from '../../transport/types.js';

/** Commands remembered per device (the one in flight and a few finished ones). */
const COMMANDS_PER_DEVICE = 8;
/** Deliveries remembered in all. */
const DELIVERIES = 100_000;

const RANK: Record<CommandEvent['state'], number> = {
  accepted: 0,
  downloading: 1,
  installing: 2,
  succeeded: 3,
  failed: 3,
  rejected: 3,
};

function ms(ts: string): number {
  const t = Date.parse(ts);
  return Number.isNaN(t) ? 0 : t;
}

export interface Delivery {
  /** When the command was last handed to the transport successfully. */
  lastSentAt?: Date;
  /** The last try to hand it over failed: send it again at once. */
  failed?: boolean;
}

export class DeviceStateStore {
  private readonly states = new Map<string, DeviceStateMessage>();
  private readonly events = new Map<string, Map<string, CommandEvent>>();
  private readonly deliveries = new Map<string, Delivery>();

  /** Keeps a state message unless an older one arrives after a newer one. Returns whether it was kept. */
  setState(deviceId: string, state: DeviceStateMessage): boolean {
    const previous = this.states.get(deviceId);
    if (previous && ms(state.ts) < ms(previous.ts)) return false;
    this.states.set(deviceId, state);
    return true;
  }

  state(deviceId: string): DeviceStateMessage | undefined {
    return this.states.get(deviceId);
  }

  /**
   * Keeps the event that says most about its command: an outcome (succeeded, failed, rejected) is final, and
   * otherwise the later step (accepted < downloading < installing) or the later message of the same step.
   */
  recordEvent(deviceId: string, event: CommandEvent): boolean {
    let commands = this.events.get(deviceId);
    if (!commands) {
      commands = new Map();
      this.events.set(deviceId, commands);
    }
    const previous = commands.get(event.commandId);
    if (previous) {
      const rank = RANK[event.state];
      const before = RANK[previous.state];
      if (before === 3 || rank < before || (rank === before && ms(event.ts) < ms(previous.ts))) return false;
      commands.delete(event.commandId);
    }
    commands.set(event.commandId, event);
    while (commands.size > COMMANDS_PER_DEVICE) {
      const oldest = commands.keys().next();
      if (oldest.done) break;
      commands.delete(oldest.value);
    }
    return true;
  }

  event(deviceId: string, commandId: string): CommandEvent | undefined {
    return this.events.get(deviceId)?.get(commandId);
  }

  markSent(commandId: string, at: Date): void {
    this.deliveries.delete(commandId);
    this.deliveries.set(commandId, { lastSentAt: at });
    this.bound();
  }

  markSendFailed(commandId: string): void {
    this.deliveries.delete(commandId);
    this.deliveries.set(commandId, { failed: true });
    this.bound();
  }

  delivery(commandId: string): Delivery | undefined {
    return this.deliveries.get(commandId);
  }

  forgetDelivery(commandId: string): void {
    this.deliveries.delete(commandId);
  }

  private bound(): void {
    while (this.deliveries.size > DELIVERIES) {
      const oldest = this.deliveries.keys().next();
      if (oldest.done) break;
      this.deliveries.delete(oldest.value);
    }
  }
}
