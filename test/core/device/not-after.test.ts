// notAfter: an automatic command may start only inside the window it was sent in; an UpdatePlan's command
// within the command TTL. Default policy: business hours Monday to Friday 08:00-18:00 local time.
import { expect } from 'chai';
import type { InFlightUpdate } from '../../../src/api/v1alpha1/teamsdevice.js';
import type { UpdatePolicySpec } from '../../../src/api/v1alpha1/updatepolicy.js';
import { commandId } from '../../../src/core/device/command-id.js';
import { COMMAND_TTL_MS, decideDevice } from '../../../src/core/device/decide.js';
import { buildCatalog } from '../../../src/core/rules/catalog.js';
import { nextForbiddenInstant, type WindowRules } from '../../../src/core/rules/windows.js';
import { at, device, plan, policySpec, type ReleaseOptions, release } from '../fixtures.js';

const R36: ReleaseOptions = { version: '122.15.0.36', releaseDate: '2026-09-01T10:00:00Z' };
const R40: ReleaseOptions = { version: '122.15.0.40', releaseDate: '2026-11-02T10:00:00Z' };

function notAfterOf(o: {
  now: string;
  policy?: Partial<UpdatePolicySpec>;
  plan?: boolean;
  update?: InFlightUpdate;
}): string | null {
  const d = device({ name: 'phone-1', phase: 'Test', timeZone: 'Europe/Berlin' });
  if (o.update) d.status = { ...d.status, update: o.update };
  const decision = decideDevice({
    device: d,
    observed: {
      online: true,
      manufacturer: 'Yealink',
      model: 'MP56',
      firmwareVersion: '122.15.0.36',
      autoUpdateSupported: true,
      ts: o.now,
    },
    catalog: buildCatalog([R36, R40].map(release)),
    policy: policySpec({ rolloutSpreadDays: 0, ...o.policy }),
    plans: o.plan ? [plan('now', { devices: { names: ['phone-1'] } })] : [],
    slotAvailable: true,
    now: at(o.now),
  });
  return decision.send ? decision.send.notAfter.toISOString() : null;
}

describe('decideDevice: notAfter of the command it sends', () => {
  const cases: Array<{ name: string; setup: Parameters<typeof notAfterOf>[0]; notAfter: string }> = [
    {
      name: 'should let an automatic update sent at 18:00 in Berlin start within the command TTL, the evening being free',
      setup: { now: '2026-11-02T17:00:00Z' },
      notAfter: '2026-11-02T18:00:00.000Z',
    },
    {
      name: 'should end an automatic update sent at 07:30 in Berlin at 08:00, when business hours open',
      setup: { now: '2026-11-03T06:30:00Z' },
      notAfter: '2026-11-03T07:00:00.000Z',
    },
    {
      name: 'should end an automatic update sent at 23:30 on the eve of a blackout at the local midnight',
      setup: {
        now: '2026-11-06T22:30:00Z',
        policy: { blackouts: [{ from: '2026-11-07', to: '2026-11-08' }] },
      },
      notAfter: '2026-11-06T23:00:00.000Z',
    },
    {
      name: 'should give an immediate UpdatePlan inside business hours the command TTL (windows ignored, rule 9)',
      setup: { now: '2026-11-02T12:00:00Z', plan: true },
      notAfter: '2026-11-02T13:00:00.000Z',
    },
    {
      name: 'should end an automatic command sent again inside business hours at once, so a proxy that never got it rejects it',
      setup: {
        now: '2026-11-03T07:10:00Z',
        update: {
          commandId: commandId('phone-1', 'Firmware', '122.15.0.40', 1),
          component: 'Firmware',
          version: '122.15.0.40',
          source: 'Auto',
          state: 'Sent',
          attempt: 1,
          startedAt: '2026-11-03T06:50:00Z',
        },
      },
      notAfter: '2026-11-03T07:10:00.000Z',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(notAfterOf(c.setup)).to.equal(c.notAfter);
    });
  }

  it('should keep the command TTL at one hour', () => {
    expect(COMMAND_TTL_MS).to.equal(3_600_000);
  });
});

describe('nextForbiddenInstant', () => {
  const NEW_YORK: WindowRules = {
    zone: 'America/New_York',
    businessHours: { days: ['Sunday'], start: '02:30', end: '05:00' },
    blackouts: [],
  };
  const cases: Array<{ name: string; from: string; until: string; rules: WindowRules; at: string | null }> = [
    {
      name: 'should open business hours that start in the spring-forward gap at 03:00 EDT',
      from: '2027-03-14T06:30:00Z', // 01:30 EST
      until: '2027-03-14T08:00:00Z',
      rules: NEW_YORK,
      at: '2027-03-14T07:00:00.000Z',
    },
    {
      name: 'should answer null when the whole span is allowed',
      from: '2027-03-13T06:30:00Z',
      until: '2027-03-13T07:30:00Z',
      rules: NEW_YORK,
      at: null,
    },
    {
      name: 'should answer the start itself inside business hours',
      from: '2027-03-14T08:00:00Z',
      until: '2027-03-14T09:00:00Z',
      rules: NEW_YORK,
      at: '2027-03-14T08:00:00.000Z',
    },
    {
      name: 'should find hours that wrap past midnight opening the evening before',
      from: '2026-11-02T19:00:00Z', // 20:00 CET Monday
      until: '2026-11-02T23:00:00Z',
      rules: {
        zone: 'Europe/Berlin',
        businessHours: { days: ['Monday'], start: '22:00', end: '02:00' },
        blackouts: [],
      },
      at: '2026-11-02T21:00:00.000Z',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const found = nextForbiddenInstant(at(c.from), at(c.until), c.rules);
      expect(found?.toISOString() ?? null).to.equal(c.at);
    });
  }
});

describe('decideDevice: a command that arrived after its notAfter', () => {
  const SENT = commandId('phone-1', 'Firmware', '122.15.0.40', 1);
  const late = {
    commandId: SENT,
    state: 'rejected' as const,
    message: 'arrived at 2026-11-03T07:20:00Z, after its notAfter 2026-11-03T07:00:00Z',
    ts: '2026-11-03T07:20:00Z',
  };
  function decideLate(o: { now: string; source?: string; history?: number }) {
    const d = device({ name: 'phone-1', phase: 'Test', timeZone: 'Europe/Berlin' });
    const source = o.source ?? 'Auto';
    const expired = Array.from({ length: o.history ?? 0 }, () => ({
      component: 'Firmware' as const,
      from: '122.15.0.36',
      to: '122.15.0.40',
      source,
      result: 'Expired' as const,
      finishedAt: '2026-11-02T18:00:00Z',
    }));
    const attempt = 1 + expired.length;
    d.status = {
      ...d.status,
      history: expired,
      update: {
        commandId: commandId('phone-1', 'Firmware', '122.15.0.40', attempt),
        component: 'Firmware',
        version: '122.15.0.40',
        source,
        state: 'Sent',
        attempt,
        startedAt: '2026-11-03T06:50:00Z',
      },
    };
    return decideDevice({
      device: d,
      observed: {
        online: true,
        manufacturer: 'Yealink',
        model: 'MP56',
        firmwareVersion: '122.15.0.36',
        autoUpdateSupported: true,
        ts: o.now,
      },
      catalog: buildCatalog([R36, R40].map(release)),
      policy: policySpec({ rolloutSpreadDays: 0 }),
      plans: source === 'Auto' ? [] : [plan('now', { devices: { names: ['phone-1'] } })],
      event: { ...late, commandId: commandId('phone-1', 'Firmware', '122.15.0.40', attempt) },
      slotAvailable: true,
      now: at(o.now),
    });
  }

  it('should record it as Expired, not Failed, and wait for the next window for an automatic update', () => {
    const d = decideLate({ now: '2026-11-03T07:20:00Z' }); // 08:20 in Berlin: business hours
    expect(d.status.history?.[0]).to.include({ result: 'Expired', to: '122.15.0.40' });
    expect(d.send).to.equal(undefined);
    expect(d.finished?.result).to.equal('Expired');
    expect(d.events.map((e) => e.reason)).to.deep.equal(['UpdateExpired']);
    expect(d.events[0]?.message).to.match(
      /was not started: .*after its notAfter.*sent again in its next window/,
    );
    // Woken when business hours end (18:00 in Berlin).
    expect(new Date(Date.parse('2026-11-03T07:20:00Z') + (d.requeueAfterMs ?? 0)).toISOString()).to.equal(
      '2026-11-03T17:00:00.000Z',
    );
  });

  it('should send an automatic update again at the end of business hours as a new attempt (a new command id)', () => {
    const d = decideLate({ now: '2026-11-03T07:20:00Z' });
    const device2 = device({ name: 'phone-1', phase: 'Test', timeZone: 'Europe/Berlin' });
    device2.status = d.status;
    const next = decideDevice({
      device: device2,
      observed: {
        online: true,
        manufacturer: 'Yealink',
        model: 'MP56',
        firmwareVersion: '122.15.0.36',
        autoUpdateSupported: true,
        ts: '2026-11-03T17:00:00Z',
      },
      catalog: buildCatalog([R36, R40].map(release)),
      policy: policySpec({ rolloutSpreadDays: 0 }),
      plans: [],
      slotAvailable: true,
      now: at('2026-11-03T17:00:00Z'),
    });
    expect(next.send).to.include({
      attempt: 2,
      commandId: commandId('phone-1', 'Firmware', '122.15.0.40', 2),
    });
    expect(next.send?.notAfter.toISOString()).to.equal('2026-11-03T18:00:00.000Z');
  });

  it('should never give an update up for lateness, even after more expirations than retry.maxAttempts', () => {
    const d = decideLate({ now: '2026-11-03T07:20:00Z', source: 'UpdatePlan/now', history: 4 });
    expect(d.send).to.include({ attempt: 6, source: 'UpdatePlan/now' });
    expect(d.status.conditions?.find((c) => c.type === 'AutoUpdateBlocked')?.reason).to.not.equal(
      'RetriesExhausted',
    );
  });
});
