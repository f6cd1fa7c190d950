// A MemoryTransport behind fake device proxies: each device's state names the proxy it is assigned to (as a
// real proxy's DeviceState.proxy does) and the test publishes each proxy's retained presence, as a proxy and
// its last will do over MQTT. The memory transport has no proxies of its own; the MQTT end-to-end tests
// cover the real ones.
import type { MemoryTransport } from '../../../src/transport/memory.js';
import { type ProxyName, proxyKey } from '../../../src/transport/protocol.js';
import type {
  DeviceTransport,
  EventHandler,
  PresenceHandler,
  ProxyPresence,
  StateHandler,
  UpdateCommand,
} from '../../../src/transport/types.js';

export class PresenceTransport implements DeviceTransport {
  private readonly proxyOf = new Map<string, string>();
  private readonly presences = new Map<string, { proxy: ProxyName; presence: ProxyPresence }>();
  private readonly presenceHandlers: PresenceHandler[] = [];

  constructor(readonly memory: MemoryTransport) {}

  /** The devices `proxy` serves: their states name it from now on (re-published, as a proxy does). */
  assign(proxy: ProxyName, ...deviceIds: string[]): void {
    for (const id of deviceIds) this.proxyOf.set(id, proxyKey(proxy));
  }

  /** Publishes a proxy's retained presence (a will is the same message with online false). */
  publishPresence(proxy: ProxyName, online: boolean, ts: string, devices = 0): void {
    const presence: ProxyPresence = { online, devices, ts };
    this.presences.set(proxyKey(proxy), { proxy, presence });
    // Like every transport: never delivered synchronously.
    setImmediate(() => {
      for (const handler of this.presenceHandlers) handler(proxy, presence);
    });
  }

  start(): Promise<void> {
    return this.memory.start();
  }
  stop(): Promise<void> {
    return this.memory.stop();
  }
  send(deviceId: string, command: UpdateCommand): Promise<void> {
    return this.memory.send(deviceId, command);
  }
  onState(handler: StateHandler): void {
    this.memory.onState((deviceId, state) => {
      const proxy = this.proxyOf.get(deviceId);
      handler(deviceId, proxy === undefined ? state : { ...state, proxy });
    });
  }
  onEvent(handler: EventHandler): void {
    this.memory.onEvent(handler);
  }
  /** Retained, like state: a new handler first hears every presence published so far. */
  onPresence(handler: PresenceHandler): void {
    this.presenceHandlers.push(handler);
    const known = [...this.presences.values()];
    setImmediate(() => {
      for (const { proxy, presence } of known) handler(proxy, presence);
    });
  }
  requestResync(): Promise<void> {
    return this.memory.requestResync();
  }
  get stats() {
    return this.memory.stats;
  }
  get malformedByReason() {
    return this.memory.malformedByReason;
  }
}
