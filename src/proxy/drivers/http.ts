// The http driver: each device of the proxy is reached through an agent on the device speaking the REST
// contract of docs/device-agent.openapi.yaml, at the device's endpoint (its annotation, else the pool's
// endpoint template with {deviceId} replaced). It reads each device's status when it starts serving it and
// every status interval, reporting changes; an agent that does not answer makes its device offline (with
// the versions last known) until it answers again. An update is POSTed, then followed until it is final;
// the new state is reported before the success. Nothing here throws into the proxy: an agent lost in the
// middle of an update is retried with backoff until the update's deadline, then the update fails with the
// cause.

import type { Logger } from 'pino';
import type { PoolDevice } from '../../core/pool/decide.js';
import type { DeviceStatus, UpdateRequest, UpdateStatus } from '../../device-agent/contract.js';
import { type Clock, setTimerIn, sleep, type TimerHandle } from '../../runtime/clock.js';
import { type BackoffPolicy, reconnectDelayMs } from '../../transport/mqtt/backoff.js';
import type { CommandEvent, DeviceStateMessage, UpdateCommand } from '../../transport/protocol.js';
import { FINAL_EVENT_STATES } from '../../transport/protocol.js';
import type { CheckedArtifact, Driver, DriverListener, InstalledVersions } from '../driver.js';
import { type AgentAnswer, AgentClient } from './http/client.js';
import { mapLimit } from './http/limit.js';

export const HTTP_DRIVER_DEFAULTS = Object.freeze({
  /** How often every device's status is read. */
  statusIntervalMs: 30_000,
  /** How often a running update is read. */
  updatePollIntervalMs: 2_000,
  /** The longest one request may take. */
  requestTimeoutMs: 10_000,
  /** Requests in flight at once while reading the statuses of many devices. */
  concurrency: 16,
  /** How long an update may run after it started before it counts as failed. */
  updateTimeoutMs: 60 * 60_000,
  /** Waits between attempts after an agent did not answer in the middle of an update. */
  backoff: Object.freeze({ initialMs: 1_000, maxMs: 30_000 }) as Readonly<BackoffPolicy>,
});

export interface HttpDriverOptions {
  clock: Clock;
  logger: Logger;
  listener: DriverListener;
  /** Base URL of each device's agent with {deviceId}; a device's own endpoint wins. */
  endpointTemplate?: string | undefined;
  /** Sent as `Authorization: Bearer <token>`; never logged. */
  token?: string | undefined;
  statusIntervalMs?: number;
  updatePollIntervalMs?: number;
  requestTimeoutMs?: number;
  concurrency?: number;
  updateTimeoutMs?: number;
  backoff?: BackoffPolicy;
  /** For the backoff's jitter; default Math.random. */
  random?: () => number;
}

/** What the proxy passes when it builds its driver (src/proxy/drivers/index.ts). */
export interface HttpDriverContext {
  clock: Clock;
  logger: Logger;
  listener: DriverListener;
  httpEndpointTemplate: string | undefined;
  httpToken?: string | undefined;
}

export function createHttpDriver(context: HttpDriverContext): Driver {
  return new HttpDriver({
    clock: context.clock,
    logger: context.logger,
    listener: context.listener,
    endpointTemplate: context.httpEndpointTemplate,
    token: context.httpToken,
  });
}

/** The base URL of a device's agent, without a trailing slash; null when neither endpoint nor template. */
export function endpointOf(
  device: Pick<PoolDevice, 'deviceId' | 'endpoint'>,
  template?: string,
): string | null {
  const base =
    device.endpoint ??
    (template ? template.replaceAll('{deviceId}', encodeURIComponent(device.deviceId)) : null);
  return base ? base.replace(/\/+$/, '') : null;
}

interface Served {
  device: PoolDevice;
  endpoint: string | null;
  /** The state last reported, and its comparison key (without ts). */
  last?: DeviceStateMessage;
  lastKey?: string;
  /** Aborted when the device is removed or the driver stops. */
  abort: AbortController;
}

const stateKey = ({ ts: _ts, ...rest }: DeviceStateMessage): string => JSON.stringify(rest);

export class HttpDriver implements Driver {
  readonly name = 'http' as const;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly listener: DriverListener;
  private readonly client: AgentClient;
  private readonly options: Required<
    Omit<HttpDriverOptions, 'endpointTemplate' | 'token' | 'clock' | 'logger' | 'listener'>
  >;
  private readonly template: string | undefined;
  private readonly served = new Map<string, Served>();
  private pollTimer: TimerHandle | null = null;
  private stopped = false;

  constructor(options: HttpDriverOptions) {
    this.clock = options.clock;
    this.log = options.logger.child({ driver: 'http' });
    this.listener = options.listener;
    this.template = options.endpointTemplate || undefined;
    this.options = {
      statusIntervalMs: options.statusIntervalMs ?? HTTP_DRIVER_DEFAULTS.statusIntervalMs,
      updatePollIntervalMs: options.updatePollIntervalMs ?? HTTP_DRIVER_DEFAULTS.updatePollIntervalMs,
      requestTimeoutMs: options.requestTimeoutMs ?? HTTP_DRIVER_DEFAULTS.requestTimeoutMs,
      concurrency: options.concurrency ?? HTTP_DRIVER_DEFAULTS.concurrency,
      updateTimeoutMs: options.updateTimeoutMs ?? HTTP_DRIVER_DEFAULTS.updateTimeoutMs,
      backoff: options.backoff ?? HTTP_DRIVER_DEFAULTS.backoff,
      random: options.random ?? Math.random,
    };
    this.client = new AgentClient({
      clock: this.clock,
      timeoutMs: this.options.requestTimeoutMs,
      ...(options.token ? { token: options.token } : {}),
    });
  }

  async setDevices(
    devices: readonly PoolDevice[],
    _installed: ReadonlyMap<string, InstalledVersions>,
  ): Promise<void> {
    if (this.stopped) return;
    const wanted = new Map(devices.map((d) => [d.deviceId, d]));
    for (const [deviceId, served] of this.served) {
      if (!wanted.has(deviceId)) {
        served.abort.abort();
        this.served.delete(deviceId);
      }
    }
    const added: Served[] = [];
    for (const device of devices) {
      const endpoint = endpointOf(device, this.template);
      const served = this.served.get(device.deviceId);
      if (served) {
        served.device = device;
        served.endpoint = endpoint;
        continue;
      }
      if (!endpoint) {
        this.log.warn(
          { deviceId: device.deviceId },
          'device has no agent endpoint (no annotation, no template)',
        );
      }
      const fresh: Served = { device, endpoint, abort: new AbortController() };
      this.served.set(device.deviceId, fresh);
      added.push(fresh);
    }
    await mapLimit(added, this.options.concurrency, (s) => this.refresh(s));
    this.schedulePoll();
  }

  async readState(deviceId: string): Promise<DeviceStateMessage | undefined> {
    const served = this.served.get(deviceId);
    return served ? this.refresh(served) : undefined;
  }

  async install(deviceId: string, command: UpdateCommand, _artifact: CheckedArtifact): Promise<void> {
    const served = this.served.get(deviceId);
    const log = this.log.child({ deviceId, commandId: command.commandId });
    try {
      if (!served) return this.emit(deviceId, command, 'rejected', 'this proxy does not serve the device');
      if (!served.endpoint) {
        return this.emit(
          deviceId,
          command,
          'rejected',
          'the device has no agent endpoint (annotation or pool template)',
        );
      }
      await this.runUpdate(served, command, log);
    } catch (err) {
      // A bug here must not reach the proxy: the update ends, with what went wrong.
      log.error({ err }, 'update failed in the driver');
      this.emit(deviceId, command, 'failed', `driver http: ${(err as Error).message}`);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.pollTimer?.cancel();
    this.pollTimer = null;
    for (const served of this.served.values()) served.abort.abort();
    this.served.clear();
  }

  // -------------------------------------------------------------------------------------------------------
  // Status

  private schedulePoll(): void {
    if (this.stopped || this.pollTimer) return;
    this.pollTimer = setTimerIn(this.clock, this.options.statusIntervalMs, async () => {
      await mapLimit([...this.served.values()], this.options.concurrency, (s) => this.refresh(s));
      this.pollTimer = null;
      this.schedulePoll();
    });
  }

  /** Reads the device's status, reports it when it changed, and returns it (offline when unanswered). */
  private async refresh(served: Served): Promise<DeviceStateMessage> {
    const answer = served.endpoint
      ? await this.client.request<DeviceStatus>(
          'GET',
          `${served.endpoint}/v1/status`,
          'DeviceStatus',
          served.abort.signal,
        )
      : ({ kind: 'unreachable', cause: 'no endpoint' } as const);
    let state: DeviceStateMessage;
    if (answer.kind === 'ok') {
      state = this.stateOf(answer.body);
    } else {
      const cause = answer.kind === 'problem' ? answer.detail : answer.cause;
      if (served.last?.online !== false) {
        this.log.warn(
          { deviceId: served.device.deviceId, cause },
          'device agent does not answer: device offline',
        );
      }
      state = this.offline(served);
    }
    if (served.abort.signal.aborted || this.stopped) return state;
    const key = stateKey(state);
    if (key !== served.lastKey) {
      if (served.last?.online === false && state.online)
        this.log.info({ deviceId: served.device.deviceId }, 'device agent answers again');
      served.last = state;
      served.lastKey = key;
      this.listener.state(served.device.deviceId, { ...state });
    }
    return state;
  }

  private stateOf(status: DeviceStatus): DeviceStateMessage {
    const state: DeviceStateMessage = {
      online: status.online,
      manufacturer: status.manufacturer,
      model: status.model,
      autoUpdateSupported: status.autoUpdateSupported,
      ts: this.clock.now().toISOString(),
    };
    if (status.firmwareVersion != null) state.firmwareVersion = status.firmwareVersion;
    if (status.teamsAppVersion != null) state.teamsAppVersion = status.teamsAppVersion;
    return state;
  }

  /** Offline, with what was last known of the device (else what devices.json says). */
  private offline(served: Served): DeviceStateMessage {
    const base = served.last ?? { manufacturer: served.device.manufacturer, model: served.device.model };
    return { ...base, online: false, ts: this.clock.now().toISOString() };
  }

  // -------------------------------------------------------------------------------------------------------
  // Updates

  private async runUpdate(served: Served, command: UpdateCommand, log: Logger): Promise<void> {
    const deviceId = served.device.deviceId;
    const signal = served.abort.signal;
    const request: UpdateRequest = {
      commandId: command.commandId,
      component: command.component,
      version: command.version,
      artifact: command.artifact,
    };
    const url = `${served.endpoint}/v1/updates`;
    // Starting: retried (the POST is idempotent by commandId) until the last instant the update may start.
    const notAfter = Date.parse(command.notAfter);
    let started: UpdateStatus | undefined;
    for (let attempt = 0; !started; attempt++) {
      const answer = await this.client.request<UpdateStatus>('POST', url, 'UpdateStatus', signal, request);
      if (signal.aborted) return;
      if (answer.kind === 'ok') {
        started = answer.body;
        break;
      }
      if (answer.kind === 'problem') {
        const why = answer.status === 409 ? 'the device is busy' : 'the device agent refused the update';
        log.info({ status: answer.status, detail: answer.detail }, 'update rejected by the device agent');
        return this.emit(deviceId, command, 'rejected', `${why}: ${answer.detail}`);
      }
      const delay = reconnectDelayMs(attempt, this.options.backoff, this.options.random);
      if (this.clock.now().getTime() + delay > notAfter) {
        log.warn({ cause: answer.cause }, 'device agent unreachable until notAfter: update failed');
        return this.emit(
          deviceId,
          command,
          'failed',
          `could not start the update before notAfter ${command.notAfter}: ${answer.cause}`,
        );
      }
      log.info({ cause: answer.cause, retryInMs: delay }, 'device agent unreachable: retrying the update');
      await sleep(this.clock, delay, signal);
      if (signal.aborted) return;
    }
    log.info(
      { component: command.component, version: command.version },
      'update started on the device agent',
    );
    await this.follow(served, command, started, log);
  }

  /** Polls the update until it is final, reporting each new state or progress. */
  private async follow(
    served: Served,
    command: UpdateCommand,
    first: UpdateStatus,
    log: Logger,
  ): Promise<void> {
    const deviceId = served.device.deviceId;
    const signal = served.abort.signal;
    const url = `${served.endpoint}/v1/updates/${encodeURIComponent(command.commandId)}`;
    const deadline = this.clock.now().getTime() + this.options.updateTimeoutMs;
    let lastKey = '';
    let failures = 0;
    let answer: AgentAnswer<UpdateStatus> = { kind: 'ok', status: 200, body: first };
    for (;;) {
      if (answer.kind === 'ok') {
        failures = 0;
        const status = answer.body;
        const key = `${status.state}/${status.progress}/${status.message ?? ''}`;
        const final = FINAL_EVENT_STATES.includes(status.state);
        if (final) return this.finish(served, command, status, log);
        if (key !== lastKey) {
          lastKey = key;
          this.emit(deviceId, command, status.state, status.message ?? undefined, status.progress);
        }
      } else if (answer.kind === 'problem') {
        const message =
          answer.status === 404
            ? `the device agent no longer knows command ${command.commandId} (did it restart?)`
            : `the device agent refused to report the update: ${answer.detail}`;
        return this.emit(deviceId, command, 'failed', message);
      } else {
        failures++;
        log.info({ cause: answer.cause, failures }, 'device agent unreachable during the update: retrying');
      }
      const wait =
        answer.kind === 'ok'
          ? this.options.updatePollIntervalMs
          : reconnectDelayMs(failures - 1, this.options.backoff, this.options.random);
      if (this.clock.now().getTime() + wait > deadline) {
        const cause =
          answer.kind === 'unreachable'
            ? `the device agent does not answer (${answer.cause})`
            : 'no final state';
        log.warn({ cause }, 'update deadline passed: update failed');
        return this.emit(
          deviceId,
          command,
          'failed',
          `${cause} within ${Math.round(this.options.updateTimeoutMs / 1000)} s of the start`,
        );
      }
      await sleep(this.clock, wait, signal);
      if (signal.aborted || this.stopped) return;
      answer = await this.client.request<UpdateStatus>('GET', url, 'UpdateStatus', signal);
      if (signal.aborted || this.stopped) return;
    }
  }

  /** A final state: on success the new state is reported first, so no success contradicts the versions. */
  private async finish(
    served: Served,
    command: UpdateCommand,
    status: UpdateStatus,
    log: Logger,
  ): Promise<void> {
    if (status.state === 'succeeded') {
      const state = await this.refresh(served);
      if (!state.online) log.warn('the device agent did not answer its status after the update succeeded');
    }
    if (served.abort.signal.aborted || this.stopped) return;
    log.info({ state: status.state, message: status.message }, 'update finished');
    this.emit(served.device.deviceId, command, status.state, status.message ?? undefined, status.progress);
  }

  private emit(
    deviceId: string,
    command: UpdateCommand,
    state: CommandEvent['state'],
    message?: string,
    progress?: number,
  ): void {
    if (this.stopped) return;
    const event: CommandEvent = { commandId: command.commandId, state, ts: this.clock.now().toISOString() };
    if (progress !== undefined) event.progress = progress;
    if (message !== undefined) event.message = message;
    this.listener.event(deviceId, event);
  }
}
