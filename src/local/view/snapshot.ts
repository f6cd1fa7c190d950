// What the live view shows, as plain data gathered from the caches at one simulated instant: the clock, each
// release's rollout per phase, each namespace's update window (the same rules the operator and preview
// apply), the updates in flight, the plans and the latest Events. Pure: objects and `now` come in.
import type {
  FirmwareRelease,
  TeamsDevice,
  UpdatePlan,
  UpdatePolicy,
  UpdatePolicySpec,
} from '../../api/v1alpha1/index.js';
import { windowRules } from '../../core/rules/policies.js';
import { isAllowed, nextAllowedInstant } from '../../core/rules/windows.js';

/** Update states of a command the device is working on. */
const IN_FLIGHT_STATES: ReadonlySet<string> = new Set(['Sent', 'Downloading', 'Installing']);

export interface PhaseRow {
  phase: string;
  targeted: number;
  updated: number;
  inFlight: number;
  failed: number;
  waiting: number;
}

export interface ReleaseRow {
  name: string;
  component: string;
  version: string;
  /** Only Verified releases are installed automatically. */
  verified: boolean;
  phases: PhaseRow[];
}

export interface WindowRow {
  namespace: string;
  zone: string;
  /** open: automatic updates may start now. */
  state: 'open' | 'business hours' | 'blackout';
  /** The blackout's reason. */
  reason?: string;
  /** When the next window opens (state not open); null: none within three years. */
  nextOpen?: Date | null;
}

export interface InFlightRow {
  device: string;
  component: string;
  version: string;
  state: string;
  progress: number | undefined;
}

export interface PlanRow {
  plan: string;
  phase: string;
  total: number;
  succeeded: number;
  failed: number;
  skipped: number;
}

export interface EventRow {
  time: Date;
  type: string;
  object: string;
  reason: string;
  message: string;
}

export interface Snapshot {
  now: Date;
  speed: number;
  paused: boolean;
  devices: number;
  online: number;
  releases: ReleaseRow[];
  windows: WindowRow[];
  inFlight: InFlightRow[];
  plans: PlanRow[];
  events: EventRow[];
}

/** A core/v1 Event as the view reads it. */
export interface EventObject {
  metadata: { namespace?: string; name?: string };
  type?: string;
  reason?: string;
  message?: string;
  involvedObject?: { kind?: string; name?: string; namespace?: string };
  lastTimestamp?: string | null;
  eventTime?: string | null;
}

export interface SnapshotInput {
  now: Date;
  speed: number;
  paused: boolean;
  devices: readonly TeamsDevice[];
  releases: readonly FirmwareRelease[];
  plans: readonly UpdatePlan[];
  policies: readonly UpdatePolicy[];
  events: readonly EventObject[];
  /** Events listed at most (newest). Default 5. */
  maxEvents?: number;
}

const key = (meta: { namespace?: string; name?: string }) =>
  meta.namespace ? `${meta.namespace}/${meta.name}` : (meta.name ?? '');

export function buildSnapshot(input: SnapshotInput): Snapshot {
  const { now, devices } = input;
  const active = devices.filter((d) => d.status?.update && IN_FLIGHT_STATES.has(d.status.update.state));
  return {
    now,
    speed: input.speed,
    paused: input.paused,
    devices: devices.length,
    online: devices.filter((d) => d.status?.online === true).length,
    releases: releaseRows(input.releases, active),
    windows: windowRows(input.policies, now),
    inFlight: active
      .map((d) => ({
        device: key(d.metadata),
        component: d.status?.update?.component ?? '',
        version: d.status?.update?.version ?? '',
        state: d.status?.update?.state ?? '',
        progress: d.status?.update?.progress,
      }))
      .sort((a, b) => a.device.localeCompare(b.device)),
    plans: input.plans
      .map((p) => ({
        plan: key(p.metadata),
        phase: p.status?.phase ?? 'Pending',
        total: p.status?.summary?.total ?? 0,
        succeeded: p.status?.summary?.succeeded ?? 0,
        failed: p.status?.summary?.failed ?? 0,
        skipped: p.status?.summary?.skipped ?? 0,
      }))
      .sort((a, b) => a.plan.localeCompare(b.plan)),
    events: eventRows(input.events, input.maxEvents ?? 5),
  };
}

function releaseRows(releases: readonly FirmwareRelease[], active: readonly TeamsDevice[]): ReleaseRow[] {
  const rows: ReleaseRow[] = [];
  for (const release of releases) {
    const phases = (release.status?.phases ?? [])
      .filter((p) => p.targeted > 0)
      .map((p) => {
        const inFlight = active.filter(
          (d) =>
            d.status?.update?.component === release.spec.component &&
            d.status.update.version === release.spec.version &&
            (d.spec.firmwareAutoUpdate?.phase ?? 'General') === p.phase,
        ).length;
        const waiting = Math.max(0, p.targeted - p.updated - p.failed - inFlight);
        return {
          phase: p.phase,
          targeted: p.targeted,
          updated: p.updated,
          inFlight,
          failed: p.failed,
          waiting,
        };
      });
    if (phases.length === 0) continue;
    rows.push({
      name: release.metadata.name ?? '',
      component: release.spec.component,
      version: release.spec.version,
      verified: release.spec.verification === 'Verified',
      phases,
    });
  }
  return rows.sort((a, b) => a.name.localeCompare(b.name));
}

function windowRows(policies: readonly UpdatePolicy[], now: Date): WindowRow[] {
  return policies
    .filter((p) => p.metadata.name === 'default')
    .map((p) => windowRow(p.metadata.namespace ?? 'default', p.spec, now))
    .sort((a, b) => a.namespace.localeCompare(b.namespace));
}

function windowRow(namespace: string, spec: UpdatePolicySpec, now: Date): WindowRow {
  const zone = spec.defaultTimeZone || 'UTC';
  const rules = windowRules(spec, zone);
  if (isAllowed(now, rules)) return { namespace, zone, state: 'open' };
  const today = localDate(now, zone);
  const blackout = rules.blackouts.find((b) => b.from <= today && today <= b.to);
  return {
    namespace,
    zone,
    state: blackout ? 'blackout' : 'business hours',
    ...(blackout?.reason ? { reason: blackout.reason } : {}),
    nextOpen: nextAllowedInstant(now, rules),
  };
}

/** The local date YYYY-MM-DD of `instant` in `zone`. */
function localDate(instant: Date, zone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant);
}

function eventRows(events: readonly EventObject[], max: number): EventRow[] {
  return events
    .map((e) => ({
      time: new Date(e.lastTimestamp || e.eventTime || 0),
      type: e.type ?? 'Normal',
      object: `${e.involvedObject?.kind ?? ''}/${key({ namespace: e.involvedObject?.namespace ?? '', name: e.involvedObject?.name ?? '' })}`,
      reason: e.reason ?? '',
      message: e.message ?? '',
    }))
    .sort((a, b) => b.time.getTime() - a.time.getTime())
    .slice(0, max);
}
