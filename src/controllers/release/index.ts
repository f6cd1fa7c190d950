// The FirmwareRelease controller (cluster-scoped; key = name): the rollout of a release per phase and the
// namespaces where its failure threshold halted the automatic rollout (src/core/release/decide.ts). The
// TeamsDevice controller reads status.halted (isHaltedIn) and starts no automatic update of the release
// there.
//
// Resuming a halted rollout is declarative, so it works from Git like everything else:
//   kubectl annotate fwr <release> --overwrite teamsdevices.io/rollout-resumed-at="$(date -u +%FT%TZ)"
// A halt whose `since` is at or before that instant is lifted, and automatic attempts finished at or before it
// no longer count towards the threshold. Moving the annotation forward again resumes a later halt.
import {
  type FirmwareRelease,
  modelKey,
  RESUME_ANNOTATION,
  type TeamsDevice,
} from '../../api/v1alpha1/index.js';
import { decideReleaseStatus } from '../../core/release/decide.js';
import { releaseAppliesTo } from '../../core/rules/applicability.js';
import { indexPolicies } from '../../core/rules/policies.js';
import type { Reconciler } from '../../runtime/controller.js';
import { applyStatus } from '../apply-status.js';
import { changedBeyondStatus } from '../status-echo.js';
import {
  AGGREGATE_DEBOUNCE_MS,
  type ControllerFactory,
  DEVICE_MODEL_INDEX,
  type Enqueue,
  type OperatorContext,
  type OperatorInformers,
} from '../types.js';

export const RELEASE_CONTROLLER = 'firmwarerelease';

/** The work-queue key of a (cluster-scoped) release: its name. */
const keyOf = (release: FirmwareRelease) => release.metadata.name;

/**
 * The devices `release` may apply to: by the manufacturer/model index when the release names both (Firmware
 * releases always do), else all of them. decideReleaseStatus still checks releaseAppliesTo on each.
 */
function candidateDevices(informers: OperatorInformers, release: FirmwareRelease): TeamsDevice[] {
  const { manufacturer } = release.spec.appliesTo ?? {};
  const models = release.spec.appliesTo?.models as readonly string[] | undefined;
  const { devices } = informers;
  if (manufacturer === undefined || !models || models.length === 0 || !devices.hasIndex(DEVICE_MODEL_INDEX)) {
    return devices.list();
  }
  const keys = new Set(models.map((model) => modelKey(manufacturer, model)));
  return [...keys].flatMap((key) => devices.byIndex(DEVICE_MODEL_INDEX, key));
}

function releaseReconciler(ctx: OperatorContext): Reconciler {
  const { informers } = ctx;
  return {
    async reconcile(key, rc) {
      const release = informers.releases.getByKey(key);
      if (!release) return;
      const now = ctx.clock.now();
      const decision = decideReleaseStatus({
        release,
        devices: candidateDevices(informers, release),
        policies: indexPolicies(informers.policies.list()),
        resumedAt: release.metadata.annotations?.[RESUME_ANNOTATION],
        now,
      });
      return applyStatus(ctx, release, decision, rc, {
        message: 'release status written',
        fields: (status) => ({ halted: status.halted?.map((h) => h.namespace) }),
      });
    },
  };
}

function watchReleases(ctx: OperatorContext, enqueue: Enqueue): void {
  const { informers } = ctx;
  const later = (key: string) => enqueue.after(key, AGGREGATE_DEBOUNCE_MS);
  informers.releases.addEventHandler({
    add: (release) => enqueue(keyOf(release)),
    update: (old, release) =>
      changedBeyondStatus(old, release) ? enqueue(keyOf(release)) : later(keyOf(release)),
  });
  // A device counts for the releases that apply to it (before and after the change).
  const releasesOf = (...devices: TeamsDevice[]) => {
    const keys = new Set<string>();
    for (const release of informers.releases.list()) {
      if (devices.some((d) => releaseAppliesTo(release, d.spec))) keys.add(keyOf(release));
    }
    keys.forEach(later);
  };
  informers.devices.addEventHandler({
    add: (device) => releasesOf(device),
    update: (old, device) => releasesOf(old, device),
    delete: (device) => releasesOf(device),
  });
  // Policies decide phase starts and failure thresholds.
  const all = () => {
    for (const release of informers.releases.list()) later(keyOf(release));
  };
  informers.policies.addEventHandler({ add: all, update: all, delete: all });
}

export const releaseController: ControllerFactory = (ctx) => ({
  name: RELEASE_CONTROLLER,
  reconciler: releaseReconciler(ctx),
  watch: (enqueue) => watchReleases(ctx, enqueue),
});
