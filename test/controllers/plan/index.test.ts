import { expect } from 'chai';
import type { PlanPhase, UpdatePlan } from '../../../src/api/v1alpha1/index.js';
import { planController } from '../../../src/controllers/plan/index.js';
import { plan, release, reported } from '../../support/builders/index.js';
import { PLANS, RELEASES } from '../../support/controllers/harness.js';
import {
  addDeviceRunning,
  applyPolicy,
  condition,
  firmwareOutcome,
  useController,
} from '../../support/controllers/scenario.js';

const START = '2026-12-01T09:00:00Z';

const ready = (p: UpdatePlan) => condition(p, 'Ready');

describe('UpdatePlan controller against the embedded control plane', () => {
  const { fx, h, clock } = useController(planController, START);

  before(async () => {
    // Out since November (General starts on 2026-12-02, so no automatic time comes before the schedules below).
    for (const r of [
      release({ version: '122.15.0.36', releaseDate: '2026-09-01T00:00:00Z', models: ['MP56'] }),
      release({ version: '122.15.0.40', releaseDate: '2026-11-20T00:00:00Z', models: ['MP56'] }),
    ]) {
      await h.seen(RELEASES, await h.create(RELEASES, r));
    }
  });

  /** A namespace with phone-1 running `firmware`, as the device controller reports it. */
  async function namespaceWithPhone(namespace: string, firmware: string) {
    await h.createNamespace(namespace);
    await addDeviceRunning(h, { name: 'phone-1', namespace }, firmware);
  }

  /** Waits until plan `name` is in `phase`; returns it. */
  const untilPhase = (name: string, namespace: string, phase: PlanPhase) =>
    h.until<UpdatePlan>(PLANS, name, namespace, (p) => p.status?.phase === phase, phase);

  /**
   * phone-1 has installed 122.15.0.40 for plan `name`: the device controller clears the update and records how
   * it went. The plan controller aggregates device changes, so the debounce has to pass before it looks.
   */
  async function phoneUpdatedBy(name: string, namespace: string) {
    await h.setDeviceStatus(namespace, 'phone-1', {
      ...reported('122.15.0.40'),
      update: null,
      history: [
        firmwareOutcome(clock, {
          from: '122.15.0.36',
          to: '122.15.0.40',
          source: `UpdatePlan/${name}`,
          result: 'Succeeded',
        }),
      ],
    });
    await h.debounce();
  }

  it('should show an immediate plan Pending, then Sent, then Succeeded as the device status moves, with Events', async () => {
    const ns = 'plan-now';
    await namespaceWithPhone(ns, '122.15.0.36');
    await h.create(PLANS, plan('now', { devices: { names: ['phone-1'] } }, ns));

    const pending = await untilPhase('now', ns, 'Pending');
    expect(pending.status?.devices).to.deep.equal([
      {
        device: 'phone-1',
        component: 'Firmware',
        currentVersion: '122.15.0.36',
        newVersion: '122.15.0.40',
        effectiveAt: START,
        state: 'Pending',
      },
    ]);
    expect(pending.status?.scheduledFor, 'an immediate plan applies from when it was seen').to.equal(START);
    expect(pending.status?.summary).to.deep.equal({ total: 1, succeeded: 0, failed: 0, skipped: 0 });
    expect(pending.status?.observedGeneration).to.equal(pending.metadata.generation);
    expect(ready(pending)).to.include({ status: 'True', reason: 'Pending' });

    // The device controller writes Sent before the command goes out.
    const sentAt = clock.now().toISOString();
    await h.setDeviceStatus(ns, 'phone-1', {
      ...reported('122.15.0.36'),
      update: {
        commandId: 'cmd-1',
        component: 'Firmware',
        version: '122.15.0.40',
        source: 'UpdatePlan/now',
        state: 'Sent',
        attempt: 1,
        startedAt: sentAt,
      },
    });
    await h.debounce();
    const sent = await untilPhase('now', ns, 'InProgress');
    expect(sent.status?.devices?.[0]).to.include({
      state: 'Sent',
      newVersion: '122.15.0.40',
      effectiveAt: START,
    });

    // It finishes: the update is cleared and a history entry says how it went.
    await clock.advance(10 * 60_000);
    await phoneUpdatedBy('now', ns);
    const done = await untilPhase('now', ns, 'Succeeded');
    expect(done.status?.devices).to.deep.equal([
      {
        device: 'phone-1',
        component: 'Firmware',
        currentVersion: '122.15.0.40',
        newVersion: '122.15.0.40',
        effectiveAt: START,
        state: 'Succeeded',
      },
    ]);
    expect(done.status?.summary).to.deep.equal({ total: 1, succeeded: 1, failed: 0, skipped: 0 });
    expect(ready(done)).to.include({ status: 'True', reason: 'Succeeded' });

    const table = await fx.clients.kubectlOk(['get', 'uplan', 'now', '-n', ns]);
    expect(table).to.match(/^now\s+2026-12-01T09:00:00Z\s+1\s+1\s+0\s+Succeeded\s/m);
    const reasons = (await h.events(ns, 'now', 'Pending', 'InProgress', 'Succeeded')).map((e) => e.reason);
    expect(reasons).to.include.members(['Pending', 'InProgress', 'Succeeded']);
  });

  it('should not update again a plan created again after it succeeded, and say so', async () => {
    const ns = 'plan-again';
    await namespaceWithPhone(ns, '122.15.0.36');
    await h.create(PLANS, plan('again', { devices: { names: ['phone-1'] } }, ns));
    await untilPhase('again', ns, 'Pending');
    await phoneUpdatedBy('again', ns);
    await untilPhase('again', ns, 'Succeeded');

    await h.remove(PLANS, 'again', ns);
    await h.create(PLANS, plan('again', { devices: { names: ['phone-1'] } }, ns));
    const again = await h.until<UpdatePlan>(
      PLANS,
      'again',
      ns,
      (p) => p.status?.phase === 'Succeeded' && p.status.devices?.[0]?.state === 'Skipped',
      'the re-created plan settled',
    );
    expect(again.status?.devices?.[0]).to.include({
      state: 'Skipped',
      reason: 'UpToDate',
      currentVersion: '122.15.0.40',
      newVersion: '122.15.0.40',
    });
    expect(again.status?.summary).to.deep.equal({ total: 1, succeeded: 0, failed: 0, skipped: 1 });
    expect(ready(again)).to.include({ status: 'True', reason: 'UpToDate' });
    expect(ready(again)?.message).to.match(/already runs the requested versions: nothing is sent/);
  });

  it('should skip a downgrade with DowngradeRequiresFactoryReset and report the plan Failed', async () => {
    const ns = 'plan-down';
    await namespaceWithPhone(ns, '122.15.0.40');
    await h.create(
      PLANS,
      plan(
        'down',
        { devices: { names: ['phone-1'] }, updates: [{ component: 'Firmware', version: '122.15.0.36' }] },
        ns,
      ),
    );
    const down = await untilPhase('down', ns, 'Failed');
    expect(down.status?.devices).to.deep.equal([
      {
        device: 'phone-1',
        component: 'Firmware',
        currentVersion: '122.15.0.40',
        newVersion: '122.15.0.36',
        state: 'Skipped',
        reason: 'DowngradeRequiresFactoryReset',
      },
    ]);
    expect(down.status?.summary).to.deep.equal({ total: 1, succeeded: 0, failed: 0, skipped: 1 });
    expect(ready(down)).to.include({ status: 'False', reason: 'DowngradeRequiresFactoryReset' });
    const warning = (await h.events(ns, 'down', 'DowngradeRequiresFactoryReset')).find(
      (e) => e.type === 'Warning',
    );
    expect(warning?.reason).to.equal('DowngradeRequiresFactoryReset');
  });

  it('should show a plan scheduled at a Berlin wall time as Scheduled in UTC, and Pending once that time comes', async () => {
    const ns = 'plan-later';
    await namespaceWithPhone(ns, '122.15.0.36');
    await h.create(
      PLANS,
      plan(
        'later',
        {
          devices: { names: ['phone-1'] },
          schedule: { at: '2026-12-05T22:00:00', timeZone: 'Europe/Berlin' },
        },
        ns,
      ),
    );
    const scheduled = await untilPhase('later', ns, 'Scheduled');
    expect(scheduled.status?.scheduledFor).to.equal('2026-12-05T21:00:00Z');
    expect(scheduled.status?.devices?.[0]).to.include({
      state: 'Scheduled',
      newVersion: '122.15.0.40',
      effectiveAt: '2026-12-05T21:00:00Z',
    });
    expect(ready(scheduled)?.message).to.match(/^scheduled for 2026-12-05T21:00:00Z/);

    // Nothing polls: the controller asked to come back at scheduledFor.
    await clock.advanceTo(new Date('2026-12-05T21:00:00Z'));
    const due = await untilPhase('later', ns, 'Pending');
    expect(due.status?.devices?.[0]).to.include({ state: 'Pending', effectiveAt: '2026-12-05T21:00:00Z' });
  });

  it('should say in a condition that nothing is sent in GCC-High', async () => {
    const ns = 'plan-gcch';
    await namespaceWithPhone(ns, '122.15.0.36');
    await applyPolicy(h, ns, { cloud: 'GCCHigh' });
    await h.create(PLANS, plan('gcch', { devices: { names: ['phone-1'] } }, ns));
    const gcch = await h.until<UpdatePlan>(
      PLANS,
      'gcch',
      ns,
      (p) => p.status?.devices?.[0]?.reason === 'RemoteUpdateUnavailable',
      'the row refused in GCC-High',
    );
    const remote = condition(gcch, 'RemoteUpdateAvailable');
    expect(remote).to.include({ status: 'False', reason: 'RemoteUpdateUnavailable' });
    expect(remote?.message).to.match(/GCC-High.*nothing is sent to 1 device/);
    expect(gcch.status?.devices?.[0]).to.include({ state: 'Skipped' });
    expect(gcch.status?.phase).to.equal('Failed');
  });
});
