// The Ready and RemoteUpdateAvailable conditions of an UpdatePlan, worded from its rows.
import { BlockedReason, ConditionType, PlanReason } from '../../api/v1alpha1/reasons.js';
import type { PlanDeviceRow, PlanPhase } from '../../api/v1alpha1/updateplan.js';
import { lookupPolicy, type PolicyIndex, remoteUpdatesAvailable } from '../rules/policies.js';
import type { ConditionInput } from '../shared/conditions.js';
import type { RowCounts } from './rows.js';

const MAX_LISTED = 5;

function listRows(rows: readonly PlanDeviceRow[]): string {
  const names = rows.slice(0, MAX_LISTED).map((r) => `${r.device}/${r.component}`);
  return rows.length > MAX_LISTED
    ? `${names.join(', ')} and ${rows.length - MAX_LISTED} more`
    : names.join(', ');
}

/** "1 succeeded, 0 failed, 1 skipped (DowngradeRequiresFactoryReset: phone-2/Firmware)". */
function describeRows(rows: readonly PlanDeviceRow[], counts: RowCounts): string {
  const skippedBy = new Map<string, PlanDeviceRow[]>();
  for (const row of rows) {
    if (row.state !== 'Skipped') continue;
    const reason = row.reason ?? 'Skipped';
    skippedBy.set(reason, [...(skippedBy.get(reason) ?? []), row]);
  }
  const skipped = [...skippedBy].map(([reason, list]) => `${reason}: ${listRows(list)}`).join('; ');
  const waiting = counts.inFlight + counts.pending + counts.scheduled;
  return (
    `${counts.total} row(s): ${counts.succeeded} succeeded, ${counts.failed} failed, ` +
    `${counts.skipped} skipped${skipped ? ` (${skipped})` : ''}${waiting ? `, ${waiting} to go` : ''}`
  );
}

export function readyCondition(
  phase: PlanPhase,
  rows: readonly PlanDeviceRow[],
  counts: RowCounts,
  invalid: { reason: string; message: string } | null,
  scheduledFor: string | undefined,
  namespace: string,
): ConditionInput {
  if (invalid) return { type: ConditionType.Ready, status: 'False', ...invalid };
  if (counts.total === 0) {
    return {
      type: ConditionType.Ready,
      status: 'False',
      reason: PlanReason.NoDevices,
      message: `no TeamsDevice in namespace ${namespace} is named in devices.names or matches devices.selector`,
    };
  }
  const summary = describeRows(rows, counts);
  if (phase === 'Succeeded' && counts.succeeded === 0) {
    return {
      type: ConditionType.Ready,
      status: 'True',
      reason: PlanReason.UpToDate,
      message: `every device already runs the requested versions: nothing is sent; ${summary}`,
    };
  }
  if (phase === 'Failed' || phase === 'PartiallyFailed') {
    const reasons = new Set(rows.filter((r) => r.state === 'Skipped').map((r) => r.reason));
    const only = counts.failed === 0 && reasons.size === 1 ? [...reasons][0] : undefined;
    return { type: ConditionType.Ready, status: 'False', reason: only ?? phase, message: summary };
  }
  const when = phase === 'Scheduled' && scheduledFor ? `scheduled for ${scheduledFor}; ` : '';
  return { type: ConditionType.Ready, status: 'True', reason: phase, message: `${when}${summary}` };
}

export function remoteUpdateCondition(
  rows: readonly PlanDeviceRow[],
  policies: PolicyIndex,
  namespace: string,
): ConditionInput {
  const unavailable = new Set(
    rows.filter((r) => r.reason === BlockedReason.RemoteUpdateUnavailable).map((r) => r.device),
  );
  if (
    unavailable.size > 0 ||
    (rows.length === 0 && !remoteUpdatesAvailable(lookupPolicy(policies, namespace)))
  ) {
    return {
      type: ConditionType.RemoteUpdateAvailable,
      status: 'False',
      reason: BlockedReason.RemoteUpdateUnavailable,
      message:
        'remote updates are not available in GCC-High (UpdatePolicy cloud: GCCHigh): nothing is sent' +
        (unavailable.size > 0 ? ` to ${unavailable.size} device(s)` : ''),
    };
  }
  return {
    type: ConditionType.RemoteUpdateAvailable,
    status: 'True',
    reason: PlanReason.Available,
    message: 'remote updates are available for the devices of this plan',
  };
}
