// What the embedder tells the local pod runner: which images it runs as processes and how.
import type { Logger } from 'pino';

/** A container as the runner hands it to `command`: its args already rewritten to local paths and ports. */
export interface LocalContainer {
  name: string;
  image: string;
  command: string[];
  args: string[];
}

/** The process of a container: an executable and its arguments, and environment added to the pod's. */
export interface LocalCommand {
  file: string;
  args: string[];
  env?: Record<string, string>;
}

export interface LocalPodsOptions {
  /** True for an image this machine runs as a process; a pod runs here only when all its containers pass. */
  images(image: string): boolean;
  /** The process of a container whose image passed `images`. */
  command(container: LocalContainer): LocalCommand;
  /** Where each pod gets its folder (volumes, logs); created if absent. */
  dir: string;
  /** First crash-loop back-off; default 10 s, doubled per crash (the kubelet's). */
  backoffInitialMs?: number;
  /** Longest back-off; default 5 min. */
  backoffMaxMs?: number;
  /** Caps the readiness probes' periodSeconds (tests, a quick Ready); default no cap. */
  probePeriodMaxMs?: number;
  /** How often projected ConfigMap and Secret volumes are compared with their source; default 1 s. */
  volumeSyncMs?: number;
  /** Caps terminationGracePeriodSeconds when the whole cluster stops; default 10 s. */
  stopGraceMaxMs?: number;
  logger?: Logger;
}

export interface RunnerTiming {
  backoffInitialMs: number;
  backoffMaxMs: number;
  probePeriodMaxMs: number;
  volumeSyncMs: number;
  stopGraceMaxMs: number;
}

export function timingOf(options: LocalPodsOptions): RunnerTiming {
  return {
    backoffInitialMs: options.backoffInitialMs ?? 10_000,
    backoffMaxMs: options.backoffMaxMs ?? 300_000,
    probePeriodMaxMs: options.probePeriodMaxMs ?? Number.POSITIVE_INFINITY,
    volumeSyncMs: options.volumeSyncMs ?? 1000,
    stopGraceMaxMs: options.stopGraceMaxMs ?? 10_000,
  };
}
