// Kubernetes Events (core/v1), as client-go's record.EventRecorder writes them: the first occurrence is
// created; a repeat of the same (object, type, reason, message) bumps count and lastTimestamp of that Event
// instead of creating another. Recording is best effort: failures are logged, never thrown.

import pino, { type Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import { toIsoSeconds } from '../core/shared/instant.js';
import type { KubeClient } from './client.js';
import { isNotFound } from './errors.js';
import type { KubeObject } from './object.js';
import { EVENTS, resourcePath } from './resource.js';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorderOptions {
  client: KubeClient;
  /** source.component and reportingComponent, e.g. 'teams-device-operator'. */
  component: string;
  /** reportingInstance and source.host, e.g. the pod name. */
  instance?: string;
  clock: Clock;
  logger?: Logger;
  /** Distinct events remembered for aggregation; default 4096 (least recently used dropped). */
  cacheSize?: number;
}

interface CoreEvent extends KubeObject {
  involvedObject: {
    apiVersion?: string;
    kind?: string;
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
  };
  reason: string;
  message: string;
  type: EventType;
  count: number;
  firstTimestamp: string;
  lastTimestamp: string;
  source: { component: string; host?: string };
  reportingComponent: string;
  reportingInstance?: string;
}

interface Seen {
  namespace: string;
  name: string;
  count: number;
}

const MESSAGE_LIMIT = 1024;

export class EventRecorder {
  private readonly client: KubeClient;
  private readonly component: string;
  private readonly instance: string | undefined;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly cacheSize: number;
  private readonly seen = new Map<string, Seen>();
  /** One write at a time per aggregation key, so repeats cannot race into two Events. */
  private readonly pending = new Map<string, Promise<void>>();
  private sequence = 0;

  constructor(options: EventRecorderOptions) {
    this.client = options.client;
    this.component = options.component;
    this.instance = options.instance;
    this.clock = options.clock;
    this.log = (options.logger ?? pino({ level: 'silent' })).child({ component: 'events' });
    this.cacheSize = options.cacheSize ?? 4096;
  }

  /** Records an Event about `obj`; resolves once written (or given up), never rejects. */
  record(obj: KubeObject, type: EventType, reason: string, message: string): Promise<void> {
    const text = message.length > MESSAGE_LIMIT ? `${message.slice(0, MESSAGE_LIMIT - 3)}...` : message;
    const meta = obj.metadata ?? {};
    const key = JSON.stringify([
      obj.apiVersion,
      obj.kind,
      meta.namespace,
      meta.name,
      meta.uid,
      type,
      reason,
      text,
    ]);
    const previous = this.pending.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.write(key, obj, type, reason, text));
    this.pending.set(key, next);
    void next.finally(() => {
      if (this.pending.get(key) === next) this.pending.delete(key);
    });
    return next;
  }

  private async write(
    key: string,
    obj: KubeObject,
    type: EventType,
    reason: string,
    message: string,
  ): Promise<void> {
    const now = toIsoSeconds(this.clock.now());
    const seen = this.seen.get(key);
    try {
      if (seen) {
        try {
          await this.client.mergePatch(resourcePath(EVENTS, seen), {
            count: seen.count + 1,
            lastTimestamp: now,
          });
          seen.count += 1;
          this.remember(key, seen);
          return;
        } catch (err) {
          if (!isNotFound(err)) throw err;
          this.seen.delete(key);
        }
      }
      const created = await this.client.create<CoreEvent>(
        resourcePath(EVENTS, { namespace: this.namespaceOf(obj) }),
        this.newEvent(obj, type, reason, message, now),
      );
      this.remember(key, {
        namespace: created.metadata?.namespace ?? this.namespaceOf(obj),
        name: created.metadata?.name ?? '',
        count: created.count ?? 1,
      });
    } catch (err) {
      this.log.warn({ err, reason, object: `${obj.kind}/${obj.metadata?.name}` }, 'could not record event');
    }
  }

  private newEvent(
    obj: KubeObject,
    type: EventType,
    reason: string,
    message: string,
    now: string,
  ): CoreEvent {
    const meta = obj.metadata ?? {};
    // client-go names Events <object>.<unix nanoseconds in hex>; a sequence keeps same-millisecond ones apart.
    const nanos = BigInt(this.clock.now().getTime()) * 1_000_000n + BigInt(this.sequence++ % 1_000_000);
    return {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${meta.name ?? 'unknown'}.${nanos.toString(16)}`, namespace: this.namespaceOf(obj) },
      involvedObject: {
        ...(obj.apiVersion ? { apiVersion: obj.apiVersion } : {}),
        ...(obj.kind ? { kind: obj.kind } : {}),
        ...(meta.name ? { name: meta.name } : {}),
        ...(meta.namespace ? { namespace: meta.namespace } : {}),
        ...(meta.uid ? { uid: meta.uid } : {}),
        ...(meta.resourceVersion ? { resourceVersion: meta.resourceVersion } : {}),
      },
      reason,
      message,
      type,
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
      source: { component: this.component, ...(this.instance ? { host: this.instance } : {}) },
      reportingComponent: this.component,
      ...(this.instance ? { reportingInstance: this.instance } : {}),
    };
  }

  /** Events of cluster-scoped objects go to "default", as client-go does. */
  private namespaceOf(obj: KubeObject): string {
    return obj.metadata?.namespace || 'default';
  }

  private remember(key: string, seen: Seen): void {
    this.seen.delete(key);
    this.seen.set(key, seen);
    if (this.seen.size > this.cacheSize) {
      const oldest = this.seen.keys().next();
      if (!oldest.done) this.seen.delete(oldest.value);
    }
  }
}
