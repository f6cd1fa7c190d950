// Follows devices.json and simulator.json in the pool's ConfigMap volume. The kubelet never rewrites a file in
// place: it writes a new `..<timestamp>` directory, points a temporary symlink at it and renames that over
// `..data` (devices.json itself is a symlink to `..data/devices.json`), so the files' inodes never change and
// a watch on the files would miss every update. The directory is watched instead (the rename is an event in
// it), re-reading both files after a short debounce; a slow periodic re-read is the safety net for platforms
// where fs.watch misses events. A file that is missing or malformed is reported and the last good one kept.

import { type FSWatcher, watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { DEVICES_FILE, SIMULATOR_FILE } from '../controllers/pool/objects.js';
import type { PoolDevice } from '../core/pool/decide.js';
import { type Clock, setTimerIn, type TimerHandle } from '../runtime/clock.js';
import { PoolFileError, parseDevicesFile, parseSimulatorFile, type SimulatorSettings } from './pool-files.js';

export interface PoolConfig {
  devices: readonly PoolDevice[];
  simulator: SimulatorSettings;
}

export interface PoolConfigWatcherOptions {
  dir: string;
  clock: Clock;
  logger: Logger;
  /** Called with the new config whenever what the files say changed (and once after the first good read). */
  onChange: (config: PoolConfig) => void;
  /** Called for each read of a file that was rejected (missing, unreadable, malformed). */
  onRejected?: (file: string, problem: string) => void;
  debounceMs?: number;
  /** The safety-net re-read, in ms of the real clock. */
  resyncMs?: number;
}

export class PoolConfigWatcher {
  private readonly options: PoolConfigWatcherOptions;
  private readonly log: Logger;
  private watcher: FSWatcher | undefined;
  private debounce: TimerHandle | undefined;
  private periodic: TimerHandle | undefined;
  private current: PoolConfig | undefined;
  private lastText = '';
  /** Why the last read failed, per file; empty when both read well. */
  private readonly problems = new Map<string, string>();
  private reading: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(options: PoolConfigWatcherOptions) {
    this.options = options;
    this.log = options.logger.child({ configDir: options.dir });
  }

  /** The last good config; undefined until both files were read well once. */
  get config(): PoolConfig | undefined {
    return this.current;
  }

  /** Why the files are not (all) read, for /healthz; undefined when the config in use is the files' latest. */
  problem(): string | undefined {
    if (this.problems.size > 0) return [...this.problems.values()].join('; ');
    return this.current ? undefined : 'pool files not read yet';
  }

  /** Reads the files once (resolving after that read) and starts following them. */
  async start(): Promise<void> {
    try {
      this.watcher = watch(this.options.dir, { persistent: false }, () => this.schedule());
      this.watcher.on('error', (err) => this.log.warn({ err }, 'watching the pool config directory failed'));
    } catch (err) {
      // A missing directory is reported by the read below and retried by the periodic re-read.
      this.log.warn({ err }, 'cannot watch the pool config directory; re-reading it periodically');
    }
    await this.read();
    this.armPeriodic();
  }

  stop(): void {
    this.stopped = true;
    this.watcher?.close();
    this.debounce?.cancel();
    this.periodic?.cancel();
  }

  /** Re-reads now (for tests and the periodic safety net); resolves when done. */
  reread(): Promise<void> {
    return this.read();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.debounce?.cancel();
    this.debounce = setTimerIn(this.options.clock, this.options.debounceMs ?? 100, () => {
      this.debounce = undefined;
      void this.read();
    });
  }

  private armPeriodic(): void {
    if (this.stopped) return;
    this.periodic = setTimerIn(this.options.clock, this.options.resyncMs ?? 60_000, async () => {
      await this.read();
      this.armPeriodic();
    });
  }

  private read(): Promise<void> {
    // One read at a time, so a slow read never overwrites the result of a newer one.
    this.reading = this.reading.then(() => this.readOnce());
    return this.reading;
  }

  private async readOnce(): Promise<void> {
    if (this.stopped) return;
    const devices = await this.readFile(DEVICES_FILE, parseDevicesFile);
    const simulator = await this.readFile(SIMULATOR_FILE, parseSimulatorFile);
    const next: PoolConfig = {
      devices: devices ?? this.current?.devices ?? [],
      simulator: simulator ?? this.current?.simulator ?? parseSimulatorFile('{}'),
    };
    // Without one good read of devices.json the proxy would claim to serve nobody: wait for it.
    if (devices === undefined && this.current === undefined) return;
    const text = JSON.stringify(next);
    if (text === this.lastText) return;
    this.lastText = text;
    this.current = next;
    this.log.info({ devices: next.devices.length, simulator: next.simulator }, 'pool config read');
    this.options.onChange(next);
  }

  private async readFile<T>(file: string, parse: (text: string, file: string) => T): Promise<T | undefined> {
    try {
      const value = parse(await readFile(join(this.options.dir, file), 'utf8'), file);
      if (this.problems.delete(file)) this.log.info({ file }, 'pool file is good again');
      return value;
    } catch (err) {
      const message =
        err instanceof PoolFileError
          ? err.message
          : `${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
      if (this.problems.get(file) !== message) {
        this.log.error({ file, error: message }, 'pool file rejected; keeping the last good one');
      }
      this.problems.set(file, message);
      this.options.onRejected?.(file, message);
      return undefined;
    }
  }
}
