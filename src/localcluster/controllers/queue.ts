// A keyed work queue for the built-in controllers: keys added while waiting are merged, work runs on a
// later turn of the event loop (never inside the write that triggered it), errors are logged.
import type { Logger } from 'pino';

export class WorkQueue {
  private pending = new Set<string>();
  private scheduled: NodeJS.Immediate | undefined;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly work: (key: string) => void,
    private readonly logger: Logger,
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    this.pending.add(key);
    this.scheduled ??= setImmediate(() => this.run());
  }

  stop(): void {
    this.stopped = true;
    if (this.scheduled) clearImmediate(this.scheduled);
    this.pending.clear();
  }

  private run(): void {
    this.scheduled = undefined;
    const keys = [...this.pending];
    this.pending.clear();
    for (const key of keys) {
      try {
        this.work(key);
      } catch (error) {
        this.logger.warn({ err: error, controller: this.name, key }, 'reconcile failed');
      }
    }
  }
}
