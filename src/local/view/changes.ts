// The view without a terminal (stdout piped, or --quiet): one plain line per state change, no escape codes.
// A state is what a user follows: a device's update (component, version, state; not its percentage), a plan's
// phase, a release's counts per phase. Pure: objects come in, lines come out.
import type { FirmwareRelease, TeamsDevice, UpdatePlan } from '../../api/v1alpha1/index.js';
import { formatInstant } from './render.js';

type Tracked =
  | { kind: 'TeamsDevice'; obj: TeamsDevice }
  | { kind: 'UpdatePlan'; obj: UpdatePlan }
  | { kind: 'FirmwareRelease'; obj: FirmwareRelease };

/** The state of an object as one line of text; undefined when it has none worth a line yet. */
export function stateOf(tracked: Tracked): string | undefined {
  switch (tracked.kind) {
    case 'TeamsDevice': {
      const update = tracked.obj.status?.update;
      if (update) return `update ${update.component} ${update.version} ${update.state}`;
      const last = tracked.obj.status?.history?.[0];
      return last ? `update ${last.component} ${last.to} ${last.result}` : undefined;
    }
    case 'UpdatePlan':
      return tracked.obj.status?.phase ? `phase ${tracked.obj.status.phase}` : undefined;
    case 'FirmwareRelease': {
      const phases = (tracked.obj.status?.phases ?? []).filter((p) => p.targeted > 0);
      if (phases.length === 0) return undefined;
      return phases
        .map((p) => `${p.phase} ${p.updated}/${p.targeted} updated, ${p.failed} failed`)
        .join('; ');
    }
  }
}

/** Remembers the last state of each object and gives a line when it changes. */
export class ChangeLog {
  private readonly last = new Map<string, string>();

  /** The line for `tracked` at simulated instant `now`, or undefined when its state did not change. */
  observe(tracked: Tracked, now: Date): string | undefined {
    const { namespace, name } = tracked.obj.metadata;
    const id = `${tracked.kind} ${namespace ? `${namespace}/` : ''}${name}`;
    const state = stateOf(tracked);
    if (state === undefined || this.last.get(id) === state) return undefined;
    this.last.set(id, state);
    return `${formatInstant(now)} ${id} ${state}`;
  }
}
