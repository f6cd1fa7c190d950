import { expect } from 'chai';
import { DEFAULT_UPDATE_POLICY_SPEC } from '../../../src/api/v1alpha1/defaults.js';
import { UpdatePolicySpec } from '../../../src/api/v1alpha1/updatepolicy.js';
import { deviceFacts, deviceView, runningState } from '../../../src/core/rules/device-view.js';
import {
  effectiveZone,
  indexPolicies,
  policyFor,
  remoteUpdatesAvailable,
  windowRules,
} from '../../../src/core/rules/policies.js';
import { device, policy } from '../fixtures.js';

/** The defaults the CRD schema declares, collected from the TypeBox schema. */
function schemaDefaults(schema: Record<string, unknown>): unknown {
  if (schema.type === 'object' && schema.properties) {
    const out: Record<string, unknown> = {};
    for (const [k, child] of Object.entries(schema.properties as Record<string, Record<string, unknown>>)) {
      const value = schemaDefaults(child);
      if (value !== undefined) out[k] = value;
    }
    return out;
  }
  return schema.default;
}

describe('policy', () => {
  it('should hold exactly the defaults of the UpdatePolicy CRD schema', () => {
    const { blackouts, ...rest } = DEFAULT_UPDATE_POLICY_SPEC;
    expect(blackouts).to.deep.equal([]);
    expect(rest).to.deep.equal(schemaDefaults(UpdatePolicySpec as unknown as Record<string, unknown>));
  });

  it('should keep the default policy from being changed by accident', () => {
    expect(Object.isFrozen(DEFAULT_UPDATE_POLICY_SPEC.phaseDelayDays)).to.equal(true);
    expect(() => {
      (DEFAULT_UPDATE_POLICY_SPEC.phaseDelayDays as { general: number }).general = 1;
    }).to.throw(TypeError);
  });

  describe('policyFor', () => {
    const mine = policy({ rolloutSpreadDays: 3 }, { name: 'default', namespace: 'berlin' });
    const lab = policy({ rolloutSpreadDays: 0 }, { name: 'lab', namespace: 'berlin' });
    const elsewhere = policy({ rolloutSpreadDays: 7 }, { name: 'default', namespace: 'sydney' });
    const cases: Array<[string, Parameters<typeof device>[0], number]> = [
      ['should use the policy named by the device in its namespace', { policy: 'lab' }, 0],
      ['should use the default policy of its namespace', {}, 3],
      ['should use the defaults when the named policy does not exist', { policy: 'missing' }, 14],
      ['should not use a policy of another namespace', { namespace: 'paris' }, 14],
    ];
    for (const [name, options, spread] of cases) {
      it(name, () => {
        expect(policyFor(device(options), [mine, lab, elsewhere]).rolloutSpreadDays).to.equal(spread);
        expect(policyFor(device(options), indexPolicies([mine, lab, elsewhere])).rolloutSpreadDays).to.equal(
          spread,
        );
      });
    }
  });

  describe('effectiveZone', () => {
    const cases: Array<[string, string | undefined, string | undefined, string]> = [
      ["should use the device's own zone first", 'Asia/Kolkata', 'Europe/Berlin', 'Asia/Kolkata'],
      ["should fall back to the policy's default zone", undefined, 'Australia/Sydney', 'Australia/Sydney'],
      ['should fall back to UTC without a policy', undefined, undefined, 'UTC'],
    ];
    for (const [name, own, policyZone, expected] of cases) {
      it(name, () => {
        expect(
          effectiveZone(
            own ? { timeZone: own } : {},
            policyZone ? { defaultTimeZone: policyZone } : undefined,
          ),
        ).to.equal(expected);
      });
    }
  });

  it('should read business hours and blackouts in the given zone', () => {
    const spec = policy({ blackouts: [{ from: '2026-12-24', to: '2026-12-26', reason: 'Holidays' }] }).spec;
    expect(windowRules(spec, 'Europe/Berlin')).to.deep.equal({
      zone: 'Europe/Berlin',
      businessHours: spec.businessHours,
      blackouts: [{ from: '2026-12-24', to: '2026-12-26', reason: 'Holidays' }],
    });
    const { blackouts: _omitted, ...noBlackouts } = spec;
    expect(windowRules(noBlackouts, 'UTC').blackouts).to.deep.equal([]);
  });

  it('should make remote updates unavailable in GCC-High only', () => {
    expect(
      (['Commercial', 'GCC', 'GCCHigh', 'DoD'] as const).map((cloud) => remoteUpdatesAvailable({ cloud })),
    ).to.deep.equal([true, true, false, true]);
  });

  describe('device facts', () => {
    const cases: Array<[string, Parameters<typeof device>[0], ReturnType<typeof runningState>]> = [
      [
        'should read running versions from status.reported',
        { firmware: '1.0', teamsApp: '2.0', autoUpdateSupported: false },
        { running: { Firmware: '1.0', TeamsApp: '2.0' }, autoUpdateSupported: false },
      ],
      [
        'should read running versions from the simulator annotations without status',
        { firmware: '1.0', teamsApp: '2.0', autoUpdateSupported: false, viaAnnotations: true },
        { running: { Firmware: '1.0', TeamsApp: '2.0' }, autoUpdateSupported: false },
      ],
      [
        'should treat a missing auto-update-supported annotation as supported',
        { firmware: '1.0', teamsApp: null, viaAnnotations: true },
        { running: { Firmware: '1.0', TeamsApp: null }, autoUpdateSupported: true },
      ],
      [
        'should report no version for a device that has reported none',
        { firmware: null, teamsApp: null, viaAnnotations: true },
        { running: { Firmware: null, TeamsApp: null }, autoUpdateSupported: true },
      ],
    ];
    for (const [name, options, expected] of cases) {
      it(name, () => {
        expect(runningState(device(options))).to.deep.equal(expected);
      });
    }

    it('should prefer status.reported to the annotations, field by field', () => {
      const d = device({ firmware: '1.0', teamsApp: null });
      d.metadata.annotations = {
        'sim.teamsdevices.io/firmware-version': '0.9',
        'sim.teamsdevices.io/teams-app-version': '3.0',
        'sim.teamsdevices.io/auto-update-supported': 'false',
      };
      expect(runningState(d)).to.deep.equal({
        running: { Firmware: '1.0', TeamsApp: '3.0' },
        autoUpdateSupported: true,
      });
    });

    it('should use deviceId for identity, else the name', () => {
      expect(deviceFacts(device({ name: 'a', deviceId: 'mqtt-a' })).deviceId).to.equal('mqtt-a');
      expect(deviceFacts(device({ name: 'a' })).deviceId).to.equal('a');
    });

    it("should give a device its policy's default zone and window rules", () => {
      const v = deviceView(device({ namespace: 'sydney' }), [
        policy({ defaultTimeZone: 'Australia/Sydney' }, { namespace: 'sydney' }),
      ]);
      expect(v.zone).to.equal('Australia/Sydney');
      expect(v.rules.zone).to.equal('Australia/Sydney');
      expect(v.policy.defaultTimeZone).to.equal('Australia/Sydney');
    });
  });
});
