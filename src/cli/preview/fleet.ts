// Turns loaded documents into the Fleet the core plans over: validated, defaulted, one object per name.
// Devices keep status.reported and the simulator annotations as read: the core picks the running versions
// from them (status.reported field by field, else the annotations).
import {
  type FirmwareRelease,
  namespacedKey,
  type TeamsDevice,
  type UpdatePlan,
  type UpdatePolicy,
} from '../../api/v1alpha1/index.js';
import type { Fleet } from '../../core/rules/timeline.js';
import { admit } from './admission.js';
import { semanticProblems } from './checks.js';
import { describeSource, type SourceRef, UsageError } from './errors.js';
import type { RawObject } from './load.js';
import { classify, displayName, identityKey, where } from './objects.js';

export interface BuiltFleet {
  fleet: Fleet;
  /** Objects read but not planned with, by kind: DeviceProxyPools (validated) and other kinds (not). */
  unused: Map<string, number>;
  /** Things worth knowing that do not stop the preview. */
  warnings: string[];
}

function missingPolicyWarnings(fleet: Fleet): string[] {
  const policies = new Set(fleet.policies.map((p) => namespacedKey(p.metadata.namespace, p.metadata.name)));
  return fleet.devices
    .filter(
      (d) => d.spec.policy !== 'default' && !policies.has(namespacedKey(d.metadata.namespace, d.spec.policy)),
    )
    .map(
      (d) =>
        `warning: TeamsDevice ${d.metadata.namespace}/${d.metadata.name} names UpdatePolicy "${d.spec.policy}", ` +
        'which is not in the input; the UpdatePolicy defaults apply',
    );
}

/** Accepted because a device keeps a phase it had, but refused by the API server on create. */
function keptPhaseWarnings(fleet: Fleet): string[] {
  return fleet.devices
    .filter(
      (d) =>
        d.spec.type === 'TeamsRoomsAndroid' &&
        d.spec.license === 'Basic' &&
        d.spec.firmwareAutoUpdate.phase !== 'General',
    )
    .map(
      (d) =>
        `warning: TeamsDevice ${d.metadata.namespace}/${d.metadata.name} is a Basic TeamsRoomsAndroid in phase ` +
        `${d.spec.firmwareAutoUpdate.phase}: the API server refuses that on create (phase assignment is a Pro ` +
        'feature); preview takes it as the phase the device kept',
    );
}

/** Builds the Fleet one object at a time, so the objects as read need not be kept until all are read. */
export class FleetBuilder {
  readonly #problems: string[] = [];
  readonly #seen = new Map<string, SourceRef>();
  readonly #unused = new Map<string, number>();
  readonly #fleet: Fleet = { devices: [], releases: [], policies: [], plans: [] };

  #count(kind: string): void {
    this.#unused.set(kind, (this.#unused.get(kind) ?? 0) + 1);
  }

  add({ ref, value }: RawObject): void {
    const problems = this.#problems;
    const classified = classify(ref, value);
    if (classified.use === 'invalid') {
      problems.push(...classified.problems);
      return;
    }
    if (classified.use === 'ignored') {
      this.#count(classified.kind);
      return;
    }
    const { id } = classified;
    const key = identityKey(id);
    const first = this.#seen.get(key);
    if (first) {
      problems.push(
        `${where(ref, id)}: duplicate ${displayName(id)}: already defined in ${first.file} (${describeSource(first)})`,
      );
      return;
    }
    this.#seen.set(key, ref);

    const admitted = admit(id.kind, classified.object);
    const objectProblems = [...admitted.problems, ...semanticProblems(id.kind, admitted.object)];
    if (objectProblems.length > 0) {
      const at = where(ref, id);
      problems.push(...objectProblems.map((problem) => `${at}: ${problem}`));
      return;
    }
    const object = admitted.object as unknown;
    const fleet = this.#fleet;
    switch (id.kind) {
      case 'TeamsDevice':
        fleet.devices.push(object as TeamsDevice);
        break;
      case 'FirmwareRelease':
        fleet.releases.push(object as FirmwareRelease);
        break;
      case 'UpdatePolicy':
        fleet.policies.push(object as UpdatePolicy);
        break;
      case 'UpdatePlan':
        fleet.plans.push(object as UpdatePlan);
        break;
      default:
        this.#count(id.kind);
    }
  }

  /** The fleet; throws a UsageError listing every problem of every object added. */
  finish(): BuiltFleet {
    if (this.#problems.length > 0) throw new UsageError(this.#problems);
    const fleet = this.#fleet;
    return {
      fleet,
      unused: this.#unused,
      warnings: [...missingPolicyWarnings(fleet), ...keptPhaseWarnings(fleet)],
    };
  }
}

export function buildFleet(objects: readonly RawObject[]): BuiltFleet {
  const builder = new FleetBuilder();
  for (const object of objects) builder.add(object);
  return builder.finish();
}
