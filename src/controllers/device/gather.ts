// Gather: the input of decideDevice for one TeamsDevice, read from the informer caches (its policy, the
// plans of its namespace that select it, the releases as a catalog), from what the device last said (the
// DeviceStateStore), the presence of the proxy serving it (PresenceStore) and from the concurrency slots. Synchronous on purpose: the slot check it reads must be
// followed by the reservation with no await in between (see slots.ts).
import type { TeamsDevice } from '../../api/v1alpha1/index.js';
import { deviceIdOf } from '../../api/v1alpha1/index.js';
import type { DeviceDecisionInput, DeviceDecisionOptions } from '../../core/device/decide.js';
import { buildCatalog, type Catalog } from '../../core/rules/catalog.js';
import { planSelects } from '../../core/rules/manual.js';
import { namespaceOf, policyFor } from '../../core/rules/policies.js';
import type { OperatorInformers } from '../types.js';
import type { PresenceStore } from './presence-store.js';
import type { UpdateSlots } from './slots.js';
import type { DeviceStateStore } from './state-store.js';

export class DeviceGatherer {
  /** Built from the release cache on first use; dropped whenever a release changes. */
  private catalog: Catalog | undefined;

  constructor(
    private readonly informers: OperatorInformers,
    private readonly store: DeviceStateStore,
    private readonly slots: UpdateSlots,
    private readonly presence: PresenceStore,
    private readonly options: DeviceDecisionOptions = {},
  ) {}

  /** Releases changed: the next gather builds a new catalog. */
  invalidateCatalog(): void {
    this.catalog = undefined;
  }

  /** What decideDevice needs to decide `device` (key `key`) at `now`. */
  input(key: string, device: TeamsDevice, now: Date): DeviceDecisionInput {
    const { informers, store } = this;
    const namespace = namespaceOf(device.metadata);
    const policy = policyFor(device, informers.policies.list(namespace));
    const plans = informers.plans.list(namespace).filter((plan) => planSelects(plan, device));
    const deviceId = deviceIdOf(device);
    const commandId = device.status?.update?.commandId;
    const observed = store.state(deviceId);
    this.catalog ??= buildCatalog(informers.releases.list());
    return {
      device,
      observed,
      proxy: this.presence.presence(observed?.proxy),
      catalog: this.catalog,
      policy,
      plans,
      event: commandId ? store.event(deviceId, commandId) : undefined,
      slotAvailable: this.slots.available(namespace, key, policy.maxConcurrentUpdates),
      delivery: commandId ? store.delivery(commandId) : undefined,
      now,
      options: this.options,
    };
  }
}
