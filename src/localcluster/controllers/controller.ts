// What the built-in controllers share: the object API, a logger, and helpers to write as the server.
import type { Logger } from 'pino';
import type { LocalPodRunner } from '../pods/runner.js';
import type { Served } from '../registry.js';
import type { JsonObject } from '../resource-type.js';
import type { ObjectApi, WriteResult } from '../rest/objects.js';
import type { Change } from '../store/store.js';

export interface Controller {
  /** Sees every committed change (synchronously: queue work, do not write here). */
  observe?(change: Change): void;
  /** Runs once at start, after the state is loaded. */
  start?(): void;
  stop?(): void;
}

export interface ControllerContext {
  api: ObjectApi;
  logger: Logger;
  /** Set when Pods of local images run here as processes (startLocalCluster's localPods). */
  localPods?: LocalPodRunner;
}

/** Waits for nothing, but logs a write that could not be made durable. */
export function settle(ctx: ControllerContext, result: WriteResult | undefined): void {
  result?.durable.catch((error: unknown) => ctx.logger.error({ err: error }, 'controller write failed'));
}

export function servedFor(ctx: ControllerContext, key: string): Served | undefined {
  return ctx.api.registry.storageOf(key);
}

/** `namespace/name`, or `name` for cluster-scoped objects. */
export function objectKey(namespace: string, name: string): string {
  return namespace === '' ? name : `${namespace}/${name}`;
}

export function splitKey(key: string): [string, string] {
  const slash = key.indexOf('/');
  return slash < 0 ? ['', key] : [key.slice(0, slash), key.slice(slash + 1)];
}

export function finalizersOf(meta: JsonObject): string[] {
  return Array.isArray(meta.finalizers) ? (meta.finalizers as string[]) : [];
}
