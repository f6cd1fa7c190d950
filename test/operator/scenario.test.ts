// The "Done when": deploy/examples applied with kubectl, the operator on a FakeClock with simulated
// devices for 120 days, and every update it completed is the one `preview` computes for the same YAML, at
// the instant preview computes, phase after phase, never inside business hours.
import { expect } from 'chai';
import { deviceIdOf, type HistoryEntry, type TeamsDevice } from '../../src/api/v1alpha1/index.js';
import { effectiveZone, policyFor, windowRules } from '../../src/core/rules/policies.js';
import { planTimeline, type TimelineEntry } from '../../src/core/rules/timeline.js';
import { isAllowed } from '../../src/core/rules/windows.js';
import { useLocalCluster } from '../support/cluster.js';
import { addDays, applyExamples, exampleFleet, listDevices } from './fixtures.js';
import { OperatorHarness, type SendRecord } from './harness.js';

const START = new Date('2026-12-01T00:00:00Z');
const END = addDays(START, 120);
/** Pool simulator defaults in the examples: 60 s download + 120 s install. */
const UPDATE_SECONDS = 180;

interface Completed {
  key: string;
  device: TeamsDevice;
  entry: HistoryEntry;
  send: SendRecord;
}

const updateKey = (
  ns: string,
  device: string,
  component: string,
  from: string | null,
  to: string | null,
  source: string,
) => `${ns}/${device} ${component} ${from ?? '-'} -> ${to ?? '-'} (${source})`;

describe('operator scenario: deploy/examples for 120 days on a fake clock', function () {
  this.timeout(300_000);
  const fx = useLocalCluster({ crds: true, bookmarkIntervalMs: 5 });
  let harness: OperatorHarness;
  let expected: TimelineEntry[];
  let completed: Completed[];

  before(async () => {
    await applyExamples(fx.clients);
    const fleet = await exampleFleet();
    expected = planTimeline(fleet, START, END).filter((e) => e.at !== null);

    harness = new OperatorHarness({ kubeConfig: () => fx.kubeConfig(), start: START });
    const wallStart = performance.now();
    await harness.start();
    const steps = await harness.runUntil(END);
    const wallSeconds = (performance.now() - wallStart) / 1000;
    console.log(
      `      120 simulated days in ${wallSeconds.toFixed(1)} s of wall time (${steps} timer steps, ` +
        `${harness.sends.length} commands, ${harness.client.writes().length} API writes)`,
    );
    await harness.stopAll();

    const devices = await listDevices(harness.client);
    completed = [];
    for (const device of devices) {
      const ns = device.metadata.namespace ?? '';
      for (const entry of device.status?.history ?? []) {
        if (entry.result !== 'Succeeded') continue;
        const send = harness.sends.find(
          (s) =>
            s.deviceId === deviceIdOf(device) && s.component === entry.component && s.version === entry.to,
        );
        if (!send) throw new Error(`no command was sent for ${ns}/${device.metadata.name} ${entry.to}`);
        completed.push({
          key: updateKey(ns, device.metadata.name, entry.component, entry.from, entry.to, entry.source),
          device,
          entry,
          send,
        });
      }
    }
  });

  after(async () => {
    await harness?.stopAll();
  });

  it('should complete exactly the updates preview computes: same devices, versions and sources', () => {
    const want = expected.map((e) =>
      updateKey(e.namespace, e.device, e.component, e.fromVersion, e.toVersion, e.source),
    );
    expect(completed.map((c) => c.key).sort()).to.deep.equal([...want].sort());
    expect(want.length).to.be.greaterThan(20);
  });

  it('should send each command at the instant preview computes (or when the update before it on that device finished), and finish it after the simulated download and install', () => {
    // A device runs one update at a time: a plan with Firmware and TeamsApp sends the second when the first
    // is done. preview lists both at the plan's instant.
    const previousFinish = new Map<string, number>();
    const inSendOrder = expected
      .map((e) => ({
        e,
        done: completed.find(
          (c) =>
            c.key === updateKey(e.namespace, e.device, e.component, e.fromVersion, e.toVersion, e.source),
        ),
      }))
      .sort((a, b) => (a.done?.send.at.getTime() ?? 0) - (b.done?.send.at.getTime() ?? 0));
    for (const { e, done } of inSendOrder) {
      expect(done, `${e.device} ${e.toVersion}`).to.not.equal(undefined);
      if (!done) continue;
      const device = `${e.namespace}/${e.device}`;
      // preview prints whole seconds.
      const at = Math.max(Date.parse(e.at ?? ''), previousFinish.get(device) ?? 0);
      const sentAt = done.send.at.getTime();
      expect(sentAt, `${done.key} sent at ${done.send.at.toISOString()}, preview says ${e.at}`).to.be.within(
        at,
        at + 999,
      );
      const finishedAt = Date.parse(done.entry.finishedAt);
      const took = (finishedAt - sentAt) / 1000;
      expect(took, `${done.key} took ${took} s`).to.be.within(UPDATE_SECONDS, UPDATE_SECONDS + 60);
      previousFinish.set(device, finishedAt);
    }
  });

  it('should roll each release out phase after phase: Test, then General, then Final', () => {
    const order = { Test: 0, General: 1, Final: 2 } as const;
    const byVersion = new Map<string, Array<{ phase: number; at: number; key: string }>>();
    for (const c of completed) {
      if (c.entry.source !== 'Auto') continue;
      const phase = order[c.device.spec.firmwareAutoUpdate?.phase ?? 'General'];
      const list = byVersion.get(c.entry.to) ?? [];
      list.push({ phase, at: c.send.at.getTime(), key: c.key });
      byVersion.set(c.entry.to, list);
    }
    let releasesInSeveralPhases = 0;
    for (const [version, list] of byVersion) {
      if (new Set(list.map((l) => l.phase)).size > 1) releasesInSeveralPhases++;
      for (const a of list) {
        for (const b of list) {
          if (a.phase < b.phase) expect(a.at, `${version}: ${a.key} before ${b.key}`).to.be.below(b.at);
        }
      }
    }
    expect(releasesInSeveralPhases).to.be.greaterThan(0);
  });

  it('should start no automatic update inside business hours or a blackout, in the device zone', async () => {
    const { policies } = await exampleFleet();
    let checked = 0;
    for (const c of completed) {
      if (c.entry.source !== 'Auto') continue;
      const policy = policyFor(c.device, policies);
      const rules = windowRules(policy, effectiveZone(c.device.spec, policy));
      const where = `${c.key} at ${c.send.at.toISOString()} (${rules.zone})`;
      expect(isAllowed(c.send.at, rules), where).to.equal(true);
      checked++;
    }
    expect(checked).to.be.greaterThan(10);
  });

  it('should send each command once: no duplicate for an update that went through', () => {
    const perCommand = new Map<string, number>();
    for (const s of harness.sends) perCommand.set(s.commandId, (perCommand.get(s.commandId) ?? 0) + 1);
    const duplicates = [...perCommand].filter(([, n]) => n > 1);
    expect(duplicates).to.deep.equal([]);
  });
});
