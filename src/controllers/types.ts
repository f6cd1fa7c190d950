// What every controller of the operator is built from, and how the operator wires it.
//
// The contract between controllers (one writer per thing):
// - Only the TeamsDevice controller sends commands to devices and writes TeamsDevice status. It is the single
//   executor of updates, automatic or from an UpdatePlan; the UpdatePlan controller never sends anything.
// - TeamsDevice.status.update is the update in flight (or waiting to be retried); status.history gets one entry
//   per finished attempt (Succeeded or Failed), newest first, at most 10. The attempt number of a retry is
//   1 + the number of consecutive Failed entries at the head of history for the same (component, to, source).
//   commandId = commandId(deviceId, component, version, attempt) from src/core/device/command-id.ts.
// - Status writes per update: Sent (written BEFORE the command goes out, so a restart never loses it); the
//   progress (Downloading, Installing, the reported percentage) at most once per --progress-interval
//   (default 30 s of the operator's clock) from the last write of status.update (progressAt, else
//   startedAt), so a fast update may show none; and the final Succeeded/Failed with its history entry
//   (update cleared to null), at once.
// - Events per update: one per finished attempt (UpdateSucceeded, or a Warning UpdateFailed that says the
//   retry or giving up); none when it starts, none while it waits for a concurrency slot.
// - UpdatePlan rows derive their state from device status: the matching status.update (component, version,
//   source UpdatePlan/<name>), else the newest matching history entry, else the plan-time state.
// - FirmwareRelease.status.halted is written by the FirmwareRelease controller and read by the TeamsDevice
//   controller (src/core eligibility: isHaltedIn). A halt is lifted declaratively by annotating the release
//   `teamsdevices.io/rollout-resumed-at: "<RFC 3339 instant>"`: failures finished before it no longer count.
// - Controllers that aggregate many devices (UpdatePlan, FirmwareRelease, DeviceProxyPool) are enqueued with a
//   short delay on device changes and on the echo of their own status writes (AGGREGATE_DEBOUNCE_MS, see
//   status-echo.ts), so a burst of device writes costs them one write.
import type { Logger } from 'pino';
import type {
  DeviceProxyPool,
  FirmwareRelease,
  TeamsDevice,
  UpdatePlan,
  UpdatePolicy,
} from '../api/v1alpha1/index.js';
import type { KubeClient } from '../k8s/client.js';
import type { EventRecorder } from '../k8s/events.js';
import type { Clock } from '../runtime/clock.js';
import type { Reconciler } from '../runtime/controller.js';
import type { Informer } from '../runtime/informer.js';
import type { OperatorMetrics } from '../runtime/metrics.js';
import type { DeviceTransport } from '../transport/types.js';

export const AGGREGATE_DEBOUNCE_MS = 2_000;

/**
 * An optional index of the devices informer: manufacturer and model (trimmed, lower case, as releases match
 * them), so a controller finds the devices a release may apply to without scanning every device.
 */
export const DEVICE_MODEL_INDEX = 'manufacturerModel';

/** A Kubernetes object the operator reads but has no schema for (Deployment, ConfigMap). */
export interface PlainObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

export interface OperatorInformers {
  devices: Informer<TeamsDevice>;
  releases: Informer<FirmwareRelease>;
  plans: Informer<UpdatePlan>;
  policies: Informer<UpdatePolicy>;
  pools: Informer<DeviceProxyPool>;
  deployments: Informer<PlainObject>;
  configMaps: Informer<PlainObject>;
}

/** Everything a controller may use; built once by src/operator and passed to each controller factory. */
export interface OperatorContext {
  client: KubeClient;
  /** The operator's clock (possibly simulated or accelerated): every decision uses clock.now(). */
  clock: Clock;
  log: Logger;
  recorder: EventRecorder;
  metrics: OperatorMetrics;
  informers: OperatorInformers;
  transport: DeviceTransport;
  /** The operator's own image, the default image of device proxy pods. */
  image: string;
  /**
   * The progress of an update in flight is written to TeamsDevice status at most this often, in ms of the
   * operator's clock (--progress-interval; 0: every change). Default 30 s.
   */
  progressIntervalMs?: number;
}

export interface Enqueue {
  (key: string): void;
  after(key: string, ms: number): void;
}

/** One controller: its reconciler, and the informer (and transport) events that enqueue its keys. */
export interface ControllerRegistration {
  name: string;
  reconciler: Reconciler;
  /** Workers reconciling different keys in parallel. */
  concurrency?: number;
  /** Called once by the operator with this controller's queue: subscribe to what should enqueue which key. */
  watch(enqueue: Enqueue): void;
}

export type ControllerFactory = (ctx: OperatorContext) => ControllerRegistration;
