// Events expire an hour after they were last seen (kube-apiserver's --event-ttl, which counts from the last
// write; Events carry that time as lastTimestamp/eventTime), so a long-running cluster (and its data
// directory) does not grow with every Event the operator records.
import type { Logger } from 'pino';
import type { ObjectApi } from '../rest/objects.js';
import { type Controller, servedFor, settle } from './controller.js';

const TTL_MS = 60 * 60 * 1000;
const SWEEP_MS = 60 * 1000;

/** When the Event was last seen: its latest timestamp, or its creation when it carries none. */
function lastSeen(event: Record<string, unknown>): number {
  const meta = (event.metadata ?? {}) as Record<string, unknown>;
  const series = (event.series ?? {}) as Record<string, unknown>;
  let latest = Number.NaN;
  for (const value of [event.lastTimestamp, event.eventTime, series.lastObservedTime, event.firstTimestamp]) {
    const time = typeof value === 'string' ? Date.parse(value) : Number.NaN;
    if (!Number.isNaN(time) && !(time <= latest)) latest = time;
  }
  if (!Number.isNaN(latest)) return latest;
  const created =
    typeof meta.creationTimestamp === 'string' ? Date.parse(meta.creationTimestamp) : Number.NaN;
  return Number.isNaN(created) ? Number.POSITIVE_INFINITY : created;
}

export class EventReaper implements Controller {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ctx: { api: ObjectApi; logger: Logger }) {}

  start(): void {
    this.sweep();
    this.timer = setInterval(() => this.sweep(), SWEEP_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  sweep(): void {
    const { api } = this.ctx;
    const served = servedFor(this.ctx, 'events');
    if (!served) return;
    const cutoff = api.now().getTime() - TTL_MS;
    for (const entry of api.db.store.list('events')) {
      if (lastSeen(entry.object()) < cutoff)
        settle(this.ctx, api.delete(served, entry.namespace, entry.name));
    }
  }
}
