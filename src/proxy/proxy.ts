// One device proxy: the pod of a DeviceProxyPool between the MQTT broker and its devices. It publishes each
// device's retained state and its own presence, relays commands to its driver, and guards what reaches a
// device: every payload validated, a command id it finished answered from its ledger and never run twice, a
// command past its notAfter rejected, the artifact fetched and checked (size, sha256) before any install.
//
// With several replicas, a proxy serves the devices for which proxyFor(deviceId, online pods of its pool) is
// itself, re-evaluated whenever the pool's presence changes, so pods split the pool without a coordinator.

import type { Logger } from 'pino';
import type { PoolDevice } from '../core/pool/decide.js';
import { type Clock, setTimerIn, sleep, type TimerHandle } from '../runtime/clock.js';
import {
  type CommandEvent,
  commandsTopic,
  type DeviceStateMessage,
  encodeMessage,
  eventsTopic,
  FINAL_EVENT_STATES,
  type MalformedReason,
  type ProxyName,
  type ProxyPresence,
  parseCommand,
  parsePresence,
  parsePresenceTopic,
  parseResync,
  parseTopic,
  presenceFilter,
  presenceTopic,
  proxyFor,
  proxyKey,
  RESYNC_TOPIC,
  stateTopic,
  type UpdateCommand,
} from '../transport/protocol.js';
import { ArtifactError, type ArtifactStore } from './artifacts.js';
import type { PoolConfig } from './config-watch.js';
import type { ProxyConnection } from './connection.js';
import type { CheckedArtifact, Driver, DriverListener } from './driver.js';
import type { Ledger } from './ledger.js';
import type { CommandResult, ProxyMetrics } from './metrics.js';
import { PendingAccepts } from './pending-accepts.js';

export interface DeviceProxyOptions {
  name: ProxyName;
  /** The proxy's clock: notAfter, event times, simulated phases (accelerated with --clock-speed). */
  clock: Clock;
  /** Real time, for debouncing the reassignment of devices. */
  realClock: Clock;
  logger: Logger;
  metrics: ProxyMetrics;
  ledger: Ledger;
  artifacts: ArtifactStore;
  /** Builds the driver with the listener the proxy hands it. */
  driver: (listener: DriverListener) => Driver;
  /** Builds the connection with the proxy's handlers. */
  connection: (handlers: {
    will: () => { topic: string; payload: string };
    onConnect: (sessionPresent: boolean) => void;
    onClose: () => void;
    onMessage: (topic: string, payload: Buffer) => void;
  }) => ProxyConnection;
  /** How long presence changes gather before devices are reassigned. */
  reassignDebounceMs?: number;
  /** How long a new connection waits for the pool's retained presences before taking its share. */
  presenceSettleMs?: number;
}

interface Running {
  deviceId: string;
  last: CommandEvent;
  /** Real ms when it was received, for the duration metric. */
  receivedAt: number;
}

const isFinal = (event: CommandEvent) => FINAL_EVENT_STATES.includes(event.state);

export class DeviceProxy {
  private readonly options: DeviceProxyOptions;
  private readonly name: ProxyName;
  private readonly key: string;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly metrics: ProxyMetrics;
  private readonly ledger: Ledger;
  readonly driver: Driver;
  private readonly connection: ProxyConnection;
  private readonly accepts: PendingAccepts;
  private config: PoolConfig | undefined;
  /** The devices this proxy serves now, by deviceId. */
  private readonly served = new Map<string, PoolDevice>();
  /** Online pods of the pool other than this one. */
  private readonly peers = new Set<string>();
  private readonly running = new Map<string, Running>();
  /** The command running on each busy device. */
  private readonly busy = new Map<string, string>();
  private reassignTimer: TimerHandle | undefined;
  /** Serialises reassignments (each awaits the driver and subscriptions). */
  private reassigning: Promise<void> = Promise.resolve();
  private uncheckedLogged = false;
  /** While a new connection learns the pool's presence: commands wait in `held`. */
  private settling = false;
  private readonly held: Array<[string, Buffer]> = [];
  private connectedOnce = false;
  private stopping = false;

  constructor(options: DeviceProxyOptions) {
    this.options = options;
    this.name = options.name;
    this.key = proxyKey(options.name);
    this.clock = options.clock;
    this.metrics = options.metrics;
    this.ledger = options.ledger;
    this.log = options.logger.child({ proxy: this.key });
    this.accepts = new PendingAccepts(options.realClock, (deviceId, event) =>
      this.publishEvent(deviceId, event),
    );
    this.driver = options.driver({
      state: (deviceId, state) => this.onDriverState(deviceId, state),
      event: (deviceId, event) => this.onDriverEvent(deviceId, event),
    });
    this.connection = options.connection({
      will: () => ({ topic: presenceTopic(this.name), payload: this.presence(false) }),
      onConnect: (sessionPresent) => this.onConnect(sessionPresent),
      onClose: () => this.metrics.connected.set(0),
      onMessage: (topic, payload) => this.onMessage(topic, payload),
    });
  }

  get connected(): boolean {
    return this.connection.connected;
  }

  /** Devices served now. */
  get deviceIds(): string[] {
    return [...this.served.keys()];
  }

  start(): void {
    this.connection.start();
  }

  /** The pool's files changed (or were read for the first time). */
  setConfig(config: PoolConfig): void {
    this.config = config;
    if (this.driver.name === 'simulator' && !config.simulator.fetchArtifacts && !this.uncheckedLogged) {
      this.uncheckedLogged = true;
      this.log.warn('simulator.fetchArtifacts is false: artifacts are neither fetched nor checked');
    }
    const setBehaviour = (this.driver as Partial<{ setBehaviour(b: PoolConfig['simulator']): void }>)
      .setBehaviour;
    setBehaviour?.call(this.driver, config.simulator);
    void this.reassign();
  }

  /** Says it is going (retained presence online:false), stops the driver, writes the ledger, disconnects. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.reassignTimer?.cancel();
    this.accepts.clear();
    await this.driver.stop();
    await this.ledger.flush();
    await this.connection.stop({ topic: presenceTopic(this.name), payload: this.presence(false) });
    this.metrics.connected.set(0);
  }

  private presence(online: boolean): string {
    const presence: ProxyPresence = {
      online,
      devices: this.served.size,
      driver: this.driver.name,
      ts: this.clock.now().toISOString(),
    };
    return encodeMessage(presence);
  }

  /**
   * On every connection: say it is online, learn who else of the pool is (their retained presences arrive
   * right after the subscription), take its share of the devices, and only then subscribe their commands
   * and publish their states, so a proxy joining a pool never claims devices another one keeps. Commands the
   * broker queued for it arrive meanwhile and wait for the share to be known.
   */
  private async onConnect(sessionPresent: boolean): Promise<void> {
    if (this.connectedOnce) this.metrics.reconnects.inc();
    this.connectedOnce = true;
    this.metrics.connected.set(1);
    this.settling = true;
    try {
      await this.connection.publish(presenceTopic(this.name), this.presence(true), true);
      // Subscribing again even with the session present: a broker that lost its sessions still gets them.
      await this.connection.subscribe([RESYNC_TOPIC, presenceFilter(this.name)]);
      await sleep(this.options.realClock, this.options.presenceSettleMs ?? 300);
      this.reassignTimer?.cancel();
      this.reassignTimer = undefined;
      await this.reassign();
      await this.connection.subscribe([...this.served.keys()].map(commandsTopic));
      // The broker may have lost retained states (a restart without persistence): publish them again.
      await this.publishAllStates();
      this.log.info({ sessionPresent, devices: this.served.size, peers: this.peers.size }, 'proxy online');
    } catch (err) {
      this.log.warn(
        { error: (err as Error).message },
        'setting up the connection failed; waiting to reconnect',
      );
    } finally {
      this.settling = false;
      const held = this.held.splice(0);
      for (const [deviceId, payload] of held) this.onMessage(commandsTopic(deviceId), payload);
    }
  }

  private onMessage(topic: string, payload: Buffer): void {
    try {
      if (topic === RESYNC_TOPIC) {
        void this.onResync(payload);
        return;
      }
      const proxy = parsePresenceTopic(topic);
      if (proxy) {
        this.onPresence(proxy, payload);
        return;
      }
      const parsed = parseTopic(topic);
      if (parsed?.channel === 'commands' && this.settling) {
        this.held.push([parsed.deviceId, payload]);
        return;
      }
      if (parsed?.channel === 'commands') {
        this.onCommand(parsed.deviceId, payload);
        return;
      }
      this.malformed(topic, 'topic', 'not a topic this proxy subscribes to');
    } catch (err) {
      // A bug of ours must not take the proxy down with every device it serves.
      this.log.error({ err, topic }, 'handling a message failed');
    }
  }

  private malformed(topic: string, reason: MalformedReason, error: string): void {
    this.metrics.malformedMessage(reason);
    this.log.warn({ topic, reason, error }, 'malformed message dropped');
  }

  // -------------------------------------------------------------------------------------------------------
  // Presence and sharding

  private onPresence(proxy: ProxyName, payload: Buffer): void {
    if (proxy.namespace !== this.name.namespace || proxy.pool !== this.name.pool) return;
    if (proxy.pod === this.name.pod) return;
    let online = false;
    if (payload.byteLength > 0) {
      const parsed = parsePresence(payload);
      if (!parsed.ok) {
        this.malformed(presenceTopic(proxy), parsed.reason, parsed.error);
        return;
      }
      online = parsed.value.online;
    }
    const changed = online ? !this.peers.has(proxy.pod) : this.peers.has(proxy.pod);
    if (!changed) return;
    if (online) this.peers.add(proxy.pod);
    else this.peers.delete(proxy.pod);
    this.log.info({ peer: proxy.pod, online, peers: this.peers.size }, 'pool presence changed');
    this.reassignTimer?.cancel();
    this.reassignTimer = setTimerIn(this.options.realClock, this.options.reassignDebounceMs ?? 200, () => {
      this.reassignTimer = undefined;
      void this.reassign();
    });
  }

  /** Recomputes this proxy's share of the pool and follows it. */
  private reassign(): Promise<void> {
    this.reassigning = this.reassigning
      .then(() => this.reassignOnce())
      .catch((err: unknown) => {
        this.log.error({ err }, 'reassigning devices failed');
      });
    return this.reassigning;
  }

  private async reassignOnce(): Promise<void> {
    const config = this.config;
    if (!config || this.stopping) return;
    const pods = [this.name.pod, ...this.peers];
    const mine = config.devices.filter((d) => proxyFor(d.deviceId, pods) === this.name.pod);
    const wanted = new Map(mine.map((d) => [d.deviceId, d]));
    const leaving = [...this.served.keys()].filter((id) => !wanted.has(id));
    const arriving = mine.filter((d) => !this.served.has(d.deviceId)).map((d) => d.deviceId);
    const countBefore = this.served.size;
    for (const id of leaving) {
      this.served.delete(id);
      // The driver forgets the device (its update with it): the proxy that takes it over answers a redelivery.
      const commandId = this.busy.get(id);
      if (commandId !== undefined) {
        this.busy.delete(id);
        this.running.delete(commandId);
        this.accepts.drop(commandId);
        this.log.info({ deviceId: id, commandId }, 'device moved to another proxy during an update');
      }
    }
    for (const d of mine) this.served.set(d.deviceId, d);
    if (this.connected && leaving.length > 0) await this.connection.unsubscribe(leaving.map(commandsTopic));
    // New devices report their state through the listener, now that they are in `served`.
    await this.driver.setDevices(mine, this.ledger.installed());
    if (this.connected && arriving.length > 0) await this.connection.subscribe(arriving.map(commandsTopic));
    this.metrics.devices.set(this.served.size);
    if (leaving.length > 0 || arriving.length > 0) {
      this.log.info(
        { devices: this.served.size, arriving: arriving.length, leaving: leaving.length, pods: pods.length },
        'devices assigned',
      );
    }
    if (this.connected && countBefore !== this.served.size) {
      await this.connection.publish(presenceTopic(this.name), this.presence(true), true);
    }
  }

  // -------------------------------------------------------------------------------------------------------
  // States

  private async onResync(payload: Buffer): Promise<void> {
    const parsed = parseResync(payload);
    if (!parsed.ok) {
      this.malformed(RESYNC_TOPIC, parsed.reason, parsed.error);
      return;
    }
    this.log.info({ requestId: parsed.value.requestId, devices: this.served.size }, 'resync requested');
    await this.publishAllStates();
  }

  private async publishAllStates(): Promise<void> {
    for (const deviceId of [...this.served.keys()]) {
      const state = await this.driver.readState(deviceId);
      if (state) this.publishState(deviceId, state);
    }
  }

  private onDriverState(deviceId: string, state: DeviceStateMessage): void {
    if (!this.served.has(deviceId) || this.stopping) return;
    if (this.driver.name === 'simulator') {
      // A simulated device's versions live in the ledger: a version it installed is reported only once it
      // is on disk, so the operator never sees a version that a restart of this proxy would take back.
      const versions = { Firmware: state.firmwareVersion ?? null, TeamsApp: state.teamsAppVersion ?? null };
      const known = this.ledger.installed().has(deviceId);
      const written = this.ledger.setInstalled(deviceId, versions);
      if (known) {
        void written.then(() => this.publishState(deviceId, state));
        return;
      }
    }
    this.publishState(deviceId, state);
  }

  private publishState(deviceId: string, state: DeviceStateMessage): void {
    // Before the first connection every state goes out once the pool's share is known (onConnect). After
    // it, a state is queued while disconnected, like the events, so it still goes out before the success
    // that follows it.
    if (!this.connectedOnce) return;
    // QoS 0, retained: the operator subscribes states at QoS 0 anyway, so QoS 1 bought only the broker's
    // PUBACK, a packet each way per state. A state lost with a dropped connection is published again on the
    // next one (onConnect publishes every state), and an operator that hears `succeeded` before the new
    // version waits for the device to report it.
    const message: DeviceStateMessage = { ...state, deviceId, proxy: this.key };
    this.connection.publishAtMostOnce(stateTopic(deviceId), encodeMessage(message), true);
  }

  // -------------------------------------------------------------------------------------------------------
  // Commands

  private onCommand(deviceId: string, payload: Buffer): void {
    const parsed = parseCommand(payload, deviceId);
    if (!parsed.ok) {
      this.malformed(commandsTopic(deviceId), parsed.reason, parsed.error);
      return;
    }
    const command = parsed.value;
    const log = this.log.child({ deviceId, commandId: command.commandId });
    const finished = this.ledger.finishedEvent(command.commandId);
    if (finished && finished.deviceId === deviceId) {
      this.count('finished_before');
      log.info({ state: finished.event.state }, 'command already finished; its final event sent again');
      void this.ledger.stored(command.commandId).then(() => this.publishEvent(deviceId, finished.event));
      return;
    }
    const running = this.running.get(command.commandId);
    if (running && running.deviceId === deviceId) {
      this.count('running');
      if (!this.accepts.release(command.commandId)) this.publishEvent(deviceId, running.last);
      return;
    }
    if (!this.served.has(deviceId)) {
      this.count('not_served');
      log.info('command for a device this proxy does not serve (now); ignored');
      return;
    }
    const now = this.clock.now();
    if (now.getTime() > Date.parse(command.notAfter)) {
      this.count('rejected_not_after');
      log.info({ notAfter: command.notAfter }, 'command rejected: arrived after its notAfter');
      this.publishEvent(deviceId, {
        commandId: command.commandId,
        state: 'rejected',
        message: `arrived at ${now.toISOString()}, after its notAfter ${command.notAfter}`,
        ts: now.toISOString(),
      });
      return;
    }
    const other = this.busy.get(deviceId);
    if (other !== undefined) {
      this.count('rejected_busy');
      this.publishEvent(deviceId, {
        commandId: command.commandId,
        state: 'rejected',
        message: `another update is in progress on this device (command ${other})`,
        ts: now.toISOString(),
      });
      return;
    }
    this.count('accepted');
    const accepted: CommandEvent = { commandId: command.commandId, state: 'accepted', ts: now.toISOString() };
    this.running.set(command.commandId, { deviceId, last: accepted, receivedAt: this.realNow() });
    this.busy.set(deviceId, command.commandId);
    log.info({ update: `${command.component} ${command.version}` }, 'command accepted');
    this.accepts.hold(deviceId, accepted);
    void this.run(deviceId, command, log);
  }

  private async run(deviceId: string, command: UpdateCommand, log: Logger): Promise<void> {
    let artifact: CheckedArtifact;
    const fetch = this.driver.name !== 'simulator' || (this.config?.simulator.fetchArtifacts ?? true);
    if (fetch) {
      // Downloading is news only when there is something to download.
      if (!this.options.artifacts.has(command.artifact)) {
        this.onDriverEvent(deviceId, this.event(command, 'downloading', 0));
      }
      try {
        artifact = await this.options.artifacts.fetch(command.artifact);
      } catch (err) {
        const message = err instanceof ArtifactError ? err.message : `artifact: ${(err as Error).message}`;
        log.warn({ error: message }, 'artifact refused; nothing installed');
        this.onDriverEvent(deviceId, { ...this.event(command, 'failed'), message });
        return;
      }
    } else {
      artifact = { sha256: command.artifact.sha256, sizeBytes: command.artifact.sizeBytes };
    }
    if (this.stopping || !this.running.has(command.commandId)) return;
    try {
      await this.driver.install(deviceId, command, artifact);
    } catch (err) {
      const message = `driver ${this.driver.name}: ${(err as Error).message}`;
      log.warn({ error: message }, 'install failed');
      this.onDriverEvent(deviceId, { ...this.event(command, 'failed'), message });
    }
  }

  private event(command: UpdateCommand, state: CommandEvent['state'], progress?: number): CommandEvent {
    const event: CommandEvent = { commandId: command.commandId, state, ts: this.clock.now().toISOString() };
    if (progress !== undefined) event.progress = progress;
    return event;
  }

  /**
   * An event of a command (from the driver, or the proxy's own fetch): repeats of the last one are dropped
   * (the proxy said or holds accepted, and downloading 0 when it fetched), a final one is written to the
   * ledger before it is published. Rejections are not recorded: a redelivery is judged again.
   */
  private onDriverEvent(deviceId: string, event: CommandEvent): void {
    const running = this.running.get(event.commandId);
    if (running && !isFinal(event)) {
      if (event.state === 'accepted') return;
      if (running.last.state === event.state && running.last.progress === event.progress) return;
      running.last = event;
      this.accepts.release(event.commandId);
      this.publishEvent(deviceId, event);
      return;
    }
    if (running && running.deviceId === deviceId) {
      // Finished within the grace: the final event says all that `accepted` would have.
      this.accepts.drop(event.commandId);
      this.running.delete(event.commandId);
      if (this.busy.get(deviceId) === event.commandId) this.busy.delete(deviceId);
      this.metrics.commandDuration.observe(
        { state: event.state },
        (this.realNow() - running.receivedAt) / 1000,
      );
      this.log.info(
        { deviceId, commandId: event.commandId, state: event.state, message: event.message },
        'command finished',
      );
    }
    if (event.state === 'rejected' || !isFinal(event)) {
      this.publishEvent(deviceId, event);
      return;
    }
    this.ledger.record(deviceId, event).then(() => this.publishEvent(deviceId, event));
  }

  private publishEvent(deviceId: string, event: CommandEvent): void {
    this.connection.publish(eventsTopic(deviceId), encodeMessage(event)).catch((err: unknown) => {
      this.log.warn(
        { deviceId, commandId: event.commandId, error: (err as Error).message },
        'event not published',
      );
    });
  }

  private count(result: CommandResult): void {
    this.metrics.commands.inc({ result });
  }

  private realNow(): number {
    return this.options.realClock.now().getTime();
  }
}
