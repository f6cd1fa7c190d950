// What a proxy must remember across its own restarts: the command ids it finished, each with its final event
// (so a redelivered command is answered with that event and never run twice, also after a SIGKILL), and the
// versions each simulated device has installed (so a simulated device keeps them). One JSON file in the state
// directory, written whole, atomically (a temp file renamed over it: a crash leaves the old file or the new,
// never half of one), and debounced, so 2,000 devices finishing together cost a few writes, not 2,000.
//
// A final event is published only once it is on disk (record() resolves then): an operator that has seen a
// command succeed never sees it run again.

import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { type Clock, setTimerIn, type TimerHandle } from '../runtime/clock.js';
import type { CommandEvent } from '../transport/protocol.js';
import type { InstalledVersions } from './driver.js';

export const LEDGER_FILE = 'ledger.json';
const FORMAT = 1;

export interface FinishedCommand {
  deviceId: string;
  event: CommandEvent;
}

interface LedgerFile {
  format: number;
  finished: Array<[string, FinishedCommand]>;
  installed: Record<string, InstalledVersions>;
}

export interface LedgerOptions {
  dir: string;
  logger: Logger;
  /** Paces the writes: a real clock (an accelerated one would squeeze the debounce to nothing). */
  clock: Clock;
  /** How long changes gather before one write. */
  debounceMs?: number;
  /** Finished command ids kept, oldest forgotten first. */
  maxFinished?: number;
}

export class Ledger {
  private readonly file: string;
  private readonly log: Logger;
  private readonly debounceMs: number;
  private readonly maxFinished: number;
  private readonly finished = new Map<string, FinishedCommand>();
  private readonly installedVersions = new Map<string, InstalledVersions>();
  /** Finished commands recorded but not yet on disk: what stored() waits for. */
  private readonly unsaved = new Map<string, Promise<void>>();
  private readonly clock: Clock;
  private timer: TimerHandle | undefined;
  private dirty = false;
  /** Resolvers of record() calls waiting for the next write. */
  private waiting: Array<() => void> = [];
  private writing: Promise<void> = Promise.resolve();
  private writes = 0;

  private constructor(options: LedgerOptions) {
    this.file = join(options.dir, LEDGER_FILE);
    this.log = options.logger.child({ ledger: this.file });
    this.clock = options.clock;
    this.debounceMs = options.debounceMs ?? 50;
    this.maxFinished = options.maxFinished ?? 20_000;
  }

  /**
   * The ledger of `dir`, as its file says; an absent file is an empty ledger. An unreadable one is logged
   * and set aside (renamed *.corrupt) rather than stopping the proxy: the cost is that finished commands may
   * be answered again by the device, which judges them idempotently.
   */
  static async open(options: LedgerOptions): Promise<Ledger> {
    const ledger = new Ledger(options);
    await mkdir(options.dir, { recursive: true });
    let text: string | undefined;
    try {
      text = await readFile(ledger.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (text !== undefined) {
      try {
        ledger.load(JSON.parse(text) as LedgerFile);
      } catch (err) {
        const aside = `${ledger.file}.corrupt`;
        await rename(ledger.file, aside);
        ledger.log.error({ err, movedTo: aside }, 'ledger unreadable; starting from an empty one');
      }
    }
    return ledger;
  }

  private load(data: LedgerFile): void {
    if (data?.format !== FORMAT || !Array.isArray(data.finished) || typeof data.installed !== 'object') {
      throw new Error(`not a ledger of format ${FORMAT}`);
    }
    for (const [id, entry] of data.finished) this.finished.set(id, entry);
    for (const [id, versions] of Object.entries(data.installed ?? {}))
      this.installedVersions.set(id, versions);
  }

  /** The final event of a finished command id, if it finished. */
  finishedEvent(commandId: string): FinishedCommand | undefined {
    return this.finished.get(commandId);
  }

  get finishedCount(): number {
    return this.finished.size;
  }

  /** Completed writes of the file since the ledger was opened. */
  get writeCount(): number {
    return this.writes;
  }

  /** Versions each device had installed, by deviceId. */
  installed(): ReadonlyMap<string, InstalledVersions> {
    return this.installedVersions;
  }

  /** Records a final event; resolves once it is on disk. */
  record(deviceId: string, event: CommandEvent): Promise<void> {
    this.finished.delete(event.commandId);
    this.finished.set(event.commandId, { deviceId, event: { ...event } });
    while (this.finished.size > this.maxFinished) {
      const oldest = this.finished.keys().next();
      if (oldest.done) break;
      this.finished.delete(oldest.value);
    }
    const stored = this.changed(true);
    this.unsaved.set(event.commandId, stored);
    void stored.then(() => {
      if (this.unsaved.get(event.commandId) === stored) this.unsaved.delete(event.commandId);
    });
    return stored;
  }

  /**
   * Resolves once the final event of `commandId` is on disk (at once if it already is, or was never
   * recorded): a redelivered command is answered from the ledger only then, so an operator never hears of a
   * finish that a restart of this proxy would forget.
   */
  stored(commandId: string): Promise<void> {
    return this.unsaved.get(commandId) ?? Promise.resolve();
  }

  /**
   * Records the versions a device runs now; resolves once they are on disk (at once when unchanged), so a
   * state that reports them can be published knowing a restarted proxy still has them.
   */
  setInstalled(deviceId: string, versions: InstalledVersions): Promise<void> {
    const before = this.installedVersions.get(deviceId);
    if (before && JSON.stringify(before) === JSON.stringify(versions)) return Promise.resolve();
    this.installedVersions.set(deviceId, { ...versions });
    return this.changed(true);
  }

  /** Writes pending changes now; resolves when they are on disk. */
  async flush(): Promise<void> {
    this.timer?.cancel();
    this.timer = undefined;
    if (this.dirty) await this.write();
    await this.writing;
  }

  private changed(wait: boolean): Promise<void> {
    this.dirty = true;
    const done = wait ? new Promise<void>((resolve) => this.waiting.push(resolve)) : Promise.resolve();
    this.timer ??= setTimerIn(this.clock, this.debounceMs, () => {
      this.timer = undefined;
      void this.write();
    });
    return done;
  }

  private write(): Promise<void> {
    this.writing = this.writing.then(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      const waiting = this.waiting;
      this.waiting = [];
      const data: LedgerFile = {
        format: FORMAT,
        finished: [...this.finished],
        installed: Object.fromEntries(this.installedVersions),
      };
      const temp = `${this.file}.${process.pid}.tmp`;
      try {
        await writeFile(temp, JSON.stringify(data));
        await rename(temp, this.file);
        this.writes++;
      } catch (err) {
        // The disk refused: keep the changes for the next attempt, and do not hold events back forever.
        this.log.error({ err }, 'ledger write failed');
        this.dirty = true;
      }
      for (const resolve of waiting) resolve();
    });
    return this.writing;
  }
}
