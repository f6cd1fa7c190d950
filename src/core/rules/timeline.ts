import type { FirmwareRelease } from '../../api/v1alpha1/firmwarerelease.js';
import { namespacedKey } from '../../api/v1alpha1/keys.js';
import { BlockedReason } from '../../api/v1alpha1/reasons.js';
import { COMPONENTS, type Component, type TeamsDevice } from '../../api/v1alpha1/teamsdevice.js';
import type { UpdatePlan } from '../../api/v1alpha1/updateplan.js';
import type { UpdatePolicy } from '../../api/v1alpha1/updatepolicy.js';
import { toIsoSeconds } from '../shared/instant.js';
import { nextAutomaticUpdate } from './automatic.js';
import { buildCatalog, type Catalog } from './catalog.js';
import { type DeviceView, deviceView, type RunningVersions } from './device-view.js';
import { deviceAutoBlock, type Reason, releaseAutoBlock } from './eligibility.js';
import {
  checkPlanTarget,
  type PlanRow,
  type PlanUpdate,
  resolvePlanRow,
  selectPlanDevices,
} from './manual.js';
import { indexPolicies, lookupPolicy, namespaceOf, type PolicyIndex } from './policies.js';
import { formatLocal, isValidZone } from './windows.js';

/** Defaulted API objects, as the API server (or `kubectl get -o yaml`) gives them. */
export interface Fleet {
  devices: TeamsDevice[];
  releases: FirmwareRelease[];
  policies: UpdatePolicy[];
  plans: UpdatePlan[];
}

export interface TimelineEntry {
  namespace: string;
  /** TeamsDevice metadata.name. */
  device: string;
  component: Component;
  fromVersion: string | null;
  toVersion: string | null;
  /** ISO 8601 UTC with seconds, e.g. 2026-12-05T17:00:00Z; null when blocked. */
  at: string | null;
  /** `at` in the device's zone (formatLocal); null when blocked or the zone is invalid. */
  localTime: string | null;
  /** The device's effective zone. */
  timeZone: string;
  source: 'Auto' | `UpdatePlan/${string}`;
  /** A BlockedReason when the update will not happen; null when it is scheduled. */
  reason: string | null;
}

/** Refusals that depend on what the device runs when the plan runs, so they are checked again then. */
const VERSION_DEPENDENT = new Set<Reason>([
  BlockedReason.UpToDate,
  BlockedReason.DowngradeRequiresFactoryReset,
]);
const FINISHED_ROW_STATES = new Set(['Succeeded', 'Failed']);

interface PlanEvent {
  at: Date;
  plan: string;
  update: PlanUpdate;
  row: PlanRow;
}

const deviceKey = namespacedKey;

function compareEntries(a: TimelineEntry, b: TimelineEntry): number {
  if (a.at !== b.at) {
    if (a.at === null) return 1;
    if (b.at === null) return -1;
    return a.at < b.at ? -1 : 1;
  }
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  if (a.device !== b.device) return a.device < b.device ? -1 : 1;
  if (a.component !== b.component) return a.component < b.component ? -1 : 1;
  if (a.source !== b.source) return a.source < b.source ? -1 : 1;
  return 0;
}

function groupByNamespace<T extends { metadata: { namespace?: string; name: string } }>(
  items: readonly T[],
): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const ns = namespaceOf(item.metadata);
    let group = groups.get(ns);
    if (!group) {
      group = [];
      groups.set(ns, group);
    }
    group.push(item);
  }
  return groups;
}

class TimelineBuilder {
  readonly entries: TimelineEntry[] = [];
  readonly catalog: Catalog;
  readonly policies: PolicyIndex;
  readonly views = new Map<string, DeviceView>();
  readonly events = new Map<string, PlanEvent[]>();

  constructor(
    private readonly fleet: Fleet,
    private readonly now: Date,
    private readonly until: Date,
  ) {
    this.catalog = buildCatalog(fleet.releases);
    this.policies = indexPolicies(fleet.policies);
  }

  build(): TimelineEntry[] {
    const devicesByNamespace = groupByNamespace(this.fleet.devices);
    for (const device of this.fleet.devices) {
      this.views.set(
        deviceKey(namespaceOf(device.metadata), device.metadata.name),
        deviceView(device, this.policies),
      );
    }
    for (const plan of this.fleet.plans) {
      this.addPlan(plan, devicesByNamespace.get(namespaceOf(plan.metadata)) ?? []);
    }
    for (const view of this.views.values()) this.simulate(view);
    // Sort on the instant as a number first: far cheaper than comparing ISO strings.
    const keyed = this.entries.map((entry) => ({
      entry,
      ms: entry.at === null ? Infinity : Date.parse(entry.at),
    }));
    keyed.sort((a, b) => a.ms - b.ms || compareEntries(a.entry, b.entry));
    return keyed.map((k) => k.entry);
  }

  private entry(
    view: Pick<DeviceView, 'namespace' | 'name' | 'zone'>,
    component: Component,
    fromVersion: string | null,
    toVersion: string | null,
    at: Date | null,
    source: TimelineEntry['source'],
    reason: string | null,
  ): void {
    this.entries.push({
      namespace: view.namespace,
      device: view.name,
      component,
      fromVersion,
      toVersion,
      at: at ? toIsoSeconds(at) : null,
      localTime: at && isValidZone(view.zone) ? formatLocal(at, view.zone) : null,
      timeZone: view.zone,
      source,
      reason,
    });
  }

  /** Rows refused for good become entries now; the others become events at their time. */
  private addPlan(plan: UpdatePlan, namespaceDevices: readonly TeamsDevice[]): void {
    const namespace = namespaceOf(plan.metadata);
    const source = `UpdatePlan/${plan.metadata.name}` as const;
    const finished = new Set(
      (plan.status?.devices ?? [])
        .filter((r) => FINISHED_ROW_STATES.has(r.state))
        .map((r) => `${r.device}/${r.component}`),
    );
    const { selected, missing } = selectPlanDevices(plan, namespaceDevices);
    const targets: Array<[string, DeviceView | undefined]> = [
      ...selected.map((d): [string, DeviceView | undefined] => [
        d.metadata.name,
        this.views.get(deviceKey(namespace, d.metadata.name)),
      ]),
      ...missing.map((name): [string, undefined] => [name, undefined]),
    ];
    for (const [name, view] of targets) {
      for (const update of plan.spec.updates) {
        if (finished.has(`${name}/${update.component}`)) continue;
        const row = resolvePlanRow(plan, view, name, update, this.catalog, this.now);
        const at = row.effectiveAt ?? row.runAt;
        if (view && at && (row.reason === null || VERSION_DEPENDENT.has(row.reason))) {
          if (at.getTime() > this.until.getTime()) continue;
          const key = deviceKey(namespace, name);
          let list = this.events.get(key);
          if (!list) {
            list = [];
            this.events.set(key, list);
          }
          list.push({ at, plan: plan.metadata.name, update, row });
          continue;
        }
        const zone = view?.zone ?? lookupPolicy(this.policies, namespace).defaultTimeZone;
        this.entry(
          { namespace, name, zone },
          update.component,
          row.currentVersion,
          row.newVersion ?? update.version ?? null,
          null,
          source,
          row.reason,
        );
      }
    }
  }

  /** Plans at their time and automatic firmware updates in between, in time order; then what stays blocked. */
  private simulate(initial: DeviceView): void {
    const events = (this.events.get(deviceKey(initial.namespace, initial.name)) ?? []).sort(
      (a, b) => a.at.getTime() - b.at.getTime() || (a.plan < b.plan ? -1 : a.plan > b.plan ? 1 : 0),
    );
    // A private copy whose running versions follow the simulation.
    const running: RunningVersions = { ...initial.running };
    const view: DeviceView = { ...initial, running };
    let t = this.now;
    let i = 0;
    for (;;) {
      const event = events[i];
      const auto = nextAutomaticUpdate(view, this.catalog, t, event ? event.at : this.until);
      if (auto && (!event || auto.at.getTime() < event.at.getTime())) {
        const to = auto.release.spec.version;
        this.entry(view, 'Firmware', running.Firmware, to, auto.at, 'Auto', null);
        running.Firmware = to;
        t = auto.at;
      } else if (event) {
        const { component } = event.update;
        const to = event.row.newVersion as string;
        const refused = checkPlanTarget(running[component], to, event.update.version !== undefined);
        this.entry(
          view,
          component,
          running[component],
          refused === BlockedReason.UpToDate ? running[component] : to,
          refused ? null : event.at,
          `UpdatePlan/${event.plan}`,
          refused,
        );
        if (!refused) running[component] = to;
        t = event.at;
        i++;
      } else {
        break;
      }
    }
    for (const component of COMPONENTS) {
      const newest = this.catalog.newerVerified(view, component, running[component])[0];
      if (!newest) continue;
      const reason =
        deviceAutoBlock(view, component, this.catalog) ?? releaseAutoBlock(newest, view.namespace);
      if (reason) this.entry(view, component, running[component], newest.spec.version, null, 'Auto', reason);
    }
  }
}

/**
 * What will happen to every device of the fleet from `now` to `until`, with the same rules the operator
 * uses: automatic firmware updates (chained: after 1.0 -> 1.1 the device runs 1.1 and 1.1 -> 1.2 follows
 * when it comes due, a newer release taking over as rule 5 says) and UpdatePlan rows at their time
 * (immediate plans at `now`), automatic updates continuing from the version a plan installed. Every update
 * that will not happen gets one entry with its reason and no time; updates due after `until` are not listed.
 * Plan rows whose status says Succeeded or Failed are finished and not listed.
 * Sorted by time (blocked last), then namespace, device, component and source.
 */
export function planTimeline(fleet: Fleet, now: Date, until: Date): TimelineEntry[] {
  return new TimelineBuilder(fleet, now, until).build();
}
