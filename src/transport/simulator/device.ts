// A simulated Teams device, as the simulator driver of a device proxy (and `run --transport memory`) runs it.
// Time comes from the injected Clock: an update arms one timer at a time (the middle, then the end, of the
// current phase), so a fleet of thousands of idle devices holds no timers at all.
//
// An update command walks: accepted → downloading 0/50/100 → sha256 check → installing 0/50/100 →
// state (new version) → succeeded; or ends failed / rejected. What it does is deterministic given the
// commands, the clock and the seed, so tests are reproducible.

import { hash } from 'node:crypto';
import type { Component } from '../../api/v1alpha1/teamsdevice.js';
import { compareVersions } from '../../core/rules/versions.js';
import type { Clock, TimerHandle } from '../../runtime/clock.js';
import type { CommandEvent, CommandEventState, DeviceStateMessage, UpdateCommand } from '../protocol.js';

/** What the device runs when it starts. */
export interface SimulatedDeviceInit {
  manufacturer: string;
  model: string;
  /** Running versions; null: the device does not report one. */
  firmwareVersion: string | null;
  teamsAppVersion: string | null;
  autoUpdateSupported: boolean;
  /** Default true. */
  online?: boolean;
  /** Components this device can be updated on; default both. A command for another one is rejected. */
  updatableComponents?: readonly Component[];
}

/** How updates go (DeviceProxyPool spec.simulator, plus a seed). */
export interface SimulatorBehaviour {
  downloadSeconds: number;
  installSeconds: number;
  /** 0–100: share of installations that fail, decided by a hash of (seed, commandId). */
  failurePercent: number;
  /** 0–100: share of devices that are disconnected, decided by a hash of (seed, deviceId). Default 0. */
  offlinePercent?: number;
  /** Changes which commands fail at a given failurePercent. Default ''. */
  seed?: string | number;
}

export interface SimulatedDeviceListener {
  state(message: DeviceStateMessage): void;
  event(event: CommandEvent): void;
}

export type UpdatePhase = 'downloading' | 'installing';

/** The update a device is running. */
export interface RunningUpdate {
  commandId: string;
  component: Component;
  version: string;
  phase: UpdatePhase;
  progress: number;
}

/** The artifact checksum the simulator treats as a download that does not match (any all-zero digest). */
export const SHA256_MISMATCH_MARKER = '0'.repeat(64);

export const MESSAGES = {
  shaMismatch: 'sha256 mismatch',
  installFailed: 'installation failed (simulated failure)',
} as const;

/** How many finished command ids a device remembers (and answers with their final event). */
const FINISHED_MEMORY = 1000;

/** Whether the simulator accepts the downloaded artifact: 64 hex digits, and not the mismatch marker. */
export function checksumMatches(sha256: string): boolean {
  return /^[0-9a-f]{64}$/i.test(sha256) && !/^0{64}$/.test(sha256);
}

/** Whether a stable hash of `key` falls in the lowest `percent` of the range. */
function inShare(key: unknown[], percent: number): boolean {
  if (percent <= 0) return false;
  if (percent >= 100) return true;
  const digest = hash('sha256', JSON.stringify(key), 'buffer');
  return (digest.readUInt32BE(0) / 2 ** 32) * 100 < percent;
}

/** Whether the installation of `commandId` fails at `failurePercent`: stable for (seed, commandId). */
export function installFails(commandId: string, failurePercent: number, seed: string | number = ''): boolean {
  return inShare([String(seed), commandId], failurePercent);
}

/** Whether `deviceId` is one of the disconnected devices at `offlinePercent`: stable for (seed, deviceId). */
export function startsOffline(deviceId: string, offlinePercent = 0, seed: string | number = ''): boolean {
  return inShare(['offline', String(seed), deviceId], offlinePercent);
}

export function validateBehaviour(b: SimulatorBehaviour): SimulatorBehaviour {
  const seconds = (v: number) => Number.isFinite(v) && v >= 0;
  if (!seconds(b.downloadSeconds) || !seconds(b.installSeconds)) {
    throw new RangeError('simulator: downloadSeconds and installSeconds must be numbers >= 0');
  }
  if (!(b.failurePercent >= 0 && b.failurePercent <= 100)) {
    throw new RangeError('simulator: failurePercent must be between 0 and 100');
  }
  if (b.offlinePercent !== undefined && !(b.offlinePercent >= 0 && b.offlinePercent <= 100)) {
    throw new RangeError('simulator: offlinePercent must be between 0 and 100');
  }
  return { ...b };
}

interface Running extends RunningUpdate {
  command: UpdateCommand;
  last: CommandEvent;
}

export class SimulatedDevice {
  readonly deviceId: string;
  private readonly clock: Clock;
  private readonly listener: SimulatedDeviceListener;
  private behaviour: SimulatorBehaviour;
  private readonly manufacturer: string;
  private readonly model: string;
  private readonly versions: Record<Component, string | null>;
  private readonly autoUpdateSupported: boolean;
  private readonly updatable: readonly Component[];
  private isOnline: boolean;
  private running: Running | null = null;
  private timer: TimerHandle | null = null;
  /** Final event of each finished command id, oldest first. */
  private readonly finished = new Map<string, CommandEvent>();

  constructor(
    deviceId: string,
    init: SimulatedDeviceInit,
    behaviour: SimulatorBehaviour,
    clock: Clock,
    listener: SimulatedDeviceListener,
  ) {
    this.deviceId = deviceId;
    this.clock = clock;
    this.listener = listener;
    this.behaviour = validateBehaviour(behaviour);
    this.manufacturer = init.manufacturer;
    this.model = init.model;
    this.versions = { Firmware: init.firmwareVersion, TeamsApp: init.teamsAppVersion };
    this.autoUpdateSupported = init.autoUpdateSupported;
    this.updatable = [...(init.updatableComponents ?? ['Firmware', 'TeamsApp'])];
    this.isOnline =
      init.online ?? !startsOffline(deviceId, this.behaviour.offlinePercent, this.behaviour.seed);
  }

  get online(): boolean {
    return this.isOnline;
  }

  /** Running version of a component, null when the device reports none. */
  version(component: Component): string | null {
    return this.versions[component];
  }

  /** The update in progress, if any. */
  update(): RunningUpdate | null {
    const r = this.running;
    return r
      ? {
          commandId: r.commandId,
          component: r.component,
          version: r.version,
          phase: r.phase,
          progress: r.progress,
        }
      : null;
  }

  /** Whether the device has finished (succeeded or failed) this command id. */
  hasFinished(commandId: string): boolean {
    return this.finished.has(commandId);
  }

  /** The state message the device would publish now. */
  state(): DeviceStateMessage {
    const message: DeviceStateMessage = {
      online: this.isOnline,
      manufacturer: this.manufacturer,
      model: this.model,
      autoUpdateSupported: this.autoUpdateSupported,
      ts: this.now(),
    };
    if (this.versions.Firmware !== null) message.firmwareVersion = this.versions.Firmware;
    if (this.versions.TeamsApp !== null) message.teamsAppVersion = this.versions.TeamsApp;
    return message;
  }

  /**
   * New behaviour for the phases that start from now on; a new offlinePercent connects or disconnects the
   * device as its share says.
   */
  setBehaviour(behaviour: SimulatorBehaviour): void {
    const before = this.behaviour;
    this.behaviour = validateBehaviour(behaviour);
    if ((before.offlinePercent ?? 0) !== (this.behaviour.offlinePercent ?? 0)) {
      this.setOnline(!startsOffline(this.deviceId, this.behaviour.offlinePercent, this.behaviour.seed));
    }
  }

  /**
   * Handles one delivery of a command (at least once: duplicates are expected). A finished command id gets
   * its final event again and nothing else; the running one gets its latest event again. Otherwise the
   * command is rejected when the device is offline, busy, cannot update the component, or the version is
   * older than the running one (a downgrade needs a factory reset). The running version itself succeeds at
   * once ("already running"), so a retry after a lost success event converges. Rejections are not
   * remembered: a redelivery is judged again.
   */
  receive(command: UpdateCommand): void {
    const done = this.finished.get(command.commandId);
    if (done) {
      this.emit(done);
      return;
    }
    if (this.running?.commandId === command.commandId) {
      this.emit(this.running.last);
      return;
    }
    const reason = this.rejection(command);
    if (reason !== null) {
      this.emit({ commandId: command.commandId, state: 'rejected', message: reason, ts: this.now() });
      return;
    }
    const current = this.versions[command.component];
    if (current !== null && compareVersions(command.version, current) === 0) {
      const message = `already running ${command.component} ${current}`;
      this.remember(command.commandId, {
        commandId: command.commandId,
        state: 'succeeded',
        progress: 100,
        message,
        ts: this.now(),
      });
      return;
    }
    this.start(command);
  }

  /** Why the device refuses a new command, or null. */
  private rejection(command: UpdateCommand): string | null {
    if (!this.isOnline) return 'device is offline';
    const r = this.running;
    if (r) return `another update is in progress: ${r.component} ${r.version} (command ${r.commandId})`;
    if (!this.updatable.includes(command.component)) {
      return `this device cannot be updated remotely on component ${command.component}`;
    }
    const current = this.versions[command.component];
    if (current !== null && compareVersions(command.version, current) < 0) {
      return `downgrade from ${current} to ${command.version} requires a factory reset`;
    }
    return null;
  }

  /**
   * Connects or disconnects the device and publishes its state. Going offline during an update fails it
   * (the proxy reports it: the device is gone, not the proxy).
   */
  setOnline(online: boolean): void {
    if (online === this.isOnline) return;
    if (!online && this.running) this.finish('failed', `device went offline while ${this.running.phase}`);
    this.isOnline = online;
    this.listener.state(this.state());
  }

  /** Stops the device without a word (proxy shut down): the update in progress is forgotten, not finished. */
  halt(): void {
    this.timer?.cancel();
    this.timer = null;
    this.running = null;
  }

  private start(command: UpdateCommand): void {
    this.running = {
      command,
      commandId: command.commandId,
      component: command.component,
      version: command.version,
      phase: 'downloading',
      progress: 0,
      last: { commandId: command.commandId, state: 'accepted', ts: this.now() },
    };
    this.emit(this.running.last);
    this.runPhase('downloading', this.behaviour.downloadSeconds, () => this.downloaded());
  }

  /**
   * Emits progress 0 now, 50 halfway and 100 at the end, then calls `next`. A phase of zero seconds has no
   * progress to show: it emits nothing and ends on the next tick of the clock (a fleet updating at install
   * time zero sends only what the operator needs: accepted, the new state, succeeded).
   */
  private runPhase(phase: UpdatePhase, seconds: number, next: () => void): void {
    const running = this.running;
    if (!running) return;
    running.phase = phase;
    const start = this.clock.now().getTime();
    const end = new Date(start + seconds * 1000);
    if (seconds === 0) {
      this.timer = this.clock.setTimer(end, () => {
        this.timer = null;
        next();
      });
      return;
    }
    this.progress(0);
    const atEnd = () => {
      this.timer = null;
      this.progress(100);
      next();
    };
    this.timer = this.clock.setTimer(new Date(start + seconds * 500), () => {
      this.progress(50);
      this.timer = this.clock.setTimer(end, atEnd);
    });
  }

  private progress(percent: number): void {
    const r = this.running;
    if (!r) return;
    r.progress = percent;
    r.last = { commandId: r.commandId, state: r.phase, progress: percent, ts: this.now() };
    this.emit(r.last);
  }

  private downloaded(): void {
    const r = this.running;
    if (!r) return;
    if (!checksumMatches(r.command.artifact.sha256)) {
      this.finish('failed', MESSAGES.shaMismatch);
      return;
    }
    this.runPhase('installing', this.behaviour.installSeconds, () => this.installed());
  }

  private installed(): void {
    const r = this.running;
    if (!r) return;
    if (installFails(r.commandId, this.behaviour.failurePercent, this.behaviour.seed)) {
      this.finish('failed', MESSAGES.installFailed);
      return;
    }
    this.versions[r.component] = r.version;
    // The new state goes out first, so the operator never sees a success the reported version contradicts.
    this.listener.state(this.state());
    this.finish('succeeded', `installed ${r.component} ${r.version}`, 100);
  }

  private finish(
    state: Extract<CommandEventState, 'succeeded' | 'failed'>,
    message: string,
    progress?: number,
  ) {
    const r = this.running;
    if (!r) return;
    this.timer?.cancel();
    this.timer = null;
    this.running = null;
    const event: CommandEvent = { commandId: r.commandId, state, message, ts: this.now() };
    if (progress !== undefined) event.progress = progress;
    this.remember(r.commandId, event);
  }

  private remember(commandId: string, event: CommandEvent): void {
    this.finished.set(commandId, event);
    if (this.finished.size > FINISHED_MEMORY) {
      const oldest = this.finished.keys().next();
      if (!oldest.done) this.finished.delete(oldest.value);
    }
    this.emit(event);
  }

  private emit(event: CommandEvent): void {
    this.listener.event({ ...event });
  }

  private now(): string {
    return this.clock.now().toISOString();
  }
}
