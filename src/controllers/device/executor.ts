// The device side of the TeamsDevice controller: it hears the devices (state and command events from the
// transport, kept in a DeviceStateStore), maps each message to its TeamsDevice and wakes it, and hands
// commands to the transport.
//
// Ordering contract (see src/controllers/types.ts): the reconciler writes status.update Sent with the command
// id FIRST, then calls send(). Command ids are deterministic (src/core/device/command-id.ts), so sending again after
// a crash or a restart is harmless: the proxy answers a command id it knows with its latest event.
import type { Logger } from 'pino';
import type { UpdateToSend } from '../../core/device/decide.js';
import type { Clock } from '../../runtime/clock.js';
import { proxyKey } from '../../transport/protocol.js';
import type { DeviceTransport, UpdateCommand } from '../../transport/types.js';
import { DeviceIdIndex } from './device-ids.js';
import { PresenceStore } from './presence-store.js';
import { DeviceStateStore } from './state-store.js';

export interface UpdateExecutorOptions {
  transport: DeviceTransport;
  clock: Clock;
  log: Logger;
}

/** The protocol command (src/transport/protocol.ts UpdateCommand) for an update to send. */
export function updateCommand(update: UpdateToSend, issuedAt: Date): UpdateCommand {
  return {
    commandId: update.commandId,
    type: 'update',
    component: update.component,
    version: update.version,
    artifact: {
      url: update.artifact.url,
      sha256: update.artifact.sha256,
      sizeBytes: update.artifact.sizeBytes,
    },
    issuedAt: issuedAt.toISOString(),
    // Decided with the update (src/core/device/not-after.ts): the end of its window, at most a TTL away.
    notAfter: update.notAfter.toISOString(),
  };
}

export class UpdateExecutor {
  readonly store = new DeviceStateStore();
  readonly ids = new DeviceIdIndex();
  readonly presence = new PresenceStore();
  private readonly transport: DeviceTransport;
  private readonly clock: Clock;
  private readonly log: Logger;
  private enqueue: ((key: string) => void) | undefined;
  private attached = false;

  constructor(options: UpdateExecutorOptions) {
    this.transport = options.transport;
    this.clock = options.clock;
    this.log = options.log;
  }

  /**
   * Subscribes to the transport (once): every state message and command event wakes its device; a proxy's
   * presence change wakes every device whose latest state names that proxy (each once: the queue dedupes).
   */
  attach(enqueue: (key: string) => void): void {
    this.enqueue = enqueue;
    if (this.attached) return;
    this.attached = true;
    this.transport.onState((deviceId, state) => {
      if (this.store.setState(deviceId, state)) this.presence.setDeviceProxy(deviceId, state.proxy);
      this.wake(deviceId);
    });
    this.transport.onEvent((deviceId, event) => {
      this.store.recordEvent(deviceId, event);
      this.wake(deviceId);
    });
    this.transport.onPresence((proxy, presence) => {
      const key = proxyKey(proxy);
      if (!this.presence.setPresence(key, presence, this.clock.now())) return;
      const devices = this.presence.devicesOf(key);
      this.log.info(
        { proxy: key, online: presence?.online ?? null, devices: devices.size },
        'proxy presence changed',
      );
      for (const deviceId of devices) this.wake(deviceId);
    });
  }

  private wake(deviceId: string): void {
    const key = this.ids.keyOf(deviceId);
    if (key === undefined) {
      this.log.debug({ deviceId }, 'message from a device with no TeamsDevice');
      return;
    }
    this.enqueue?.(key);
  }

  /** Hands a command to the transport and remembers when (or that it failed, so it is sent again at once). */
  async send(deviceId: string, update: UpdateToSend, now: Date): Promise<void> {
    try {
      await this.transport.send(deviceId, updateCommand(update, now));
      this.store.markSent(update.commandId, now);
    } catch (err) {
      this.store.markSendFailed(update.commandId);
      throw err;
    }
  }
}
