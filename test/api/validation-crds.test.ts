import { readdirSync, readFileSync } from 'node:fs';
import {
  type AdmitOptions,
  compileSchema,
  type FieldCause,
  formatInvalidMessage,
  type SchemaValidator,
} from '@teams-device-operator/apimachinery';
import { expect } from 'chai';
import { parse } from 'yaml';

type Json = Record<string, unknown>;

const crds = readdirSync('crds')
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => parse(readFileSync(`crds/${f}`, 'utf8')) as Json);

function validatorFor(kind: string): SchemaValidator {
  const crd = crds.find((c) => (c.spec as { names: { kind: string } }).names.kind === kind);
  if (!crd) throw new Error(`no CRD for ${kind} in crds/`);
  const [version] = (crd.spec as { versions: { schema: { openAPIV3Schema: Json } }[] }).versions;
  return compileSchema(version!.schema.openAPIV3Schema);
}

const NOT_CHECKED: FieldCause = {
  field: '<nil>',
  reason: 'FieldValueInvalid',
  message:
    'Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
};

function resource(kind: string, spec: Json, name = 'p1'): Json {
  return { apiVersion: 'teamsdevices.io/v1alpha1', kind, metadata: { name, namespace: 'berlin' }, spec };
}

describe('admitting objects against the CRDs in crds/', () => {
  it('should compile every CRD, rules included, without a problem', () => {
    for (const kind of ['TeamsDevice', 'FirmwareRelease', 'UpdatePlan', 'UpdatePolicy', 'DeviceProxyPool']) {
      expect(validatorFor(kind).problems, kind).to.deep.equal([]);
    }
  });

  describe('TeamsDevice', () => {
    const devices = validatorFor('TeamsDevice');
    const device = (spec: Json) =>
      resource('TeamsDevice', { manufacturer: 'Yealink', model: 'MP56', ...spec });
    const admit = (spec: Json, options?: AdmitOptions) => devices.admit(device(spec), options);
    const stored = (spec: Json) => {
      const result = admit(spec);
      expect(result.causes).to.deep.equal([]);
      return result.object;
    };

    it('should refuse type Tablet naming spec.type and the supported types, as kubectl shows it', () => {
      const { causes } = admit({ type: 'Tablet' });

      expect(causes).to.deep.equal([
        {
          field: 'spec.type',
          reason: 'FieldValueNotSupported',
          message:
            'Unsupported value: "Tablet": supported values: "Phone", "Display", "Panel", "TeamsRoomsAndroid"',
        },
        NOT_CHECKED,
      ]);
      expect(formatInvalidMessage('TeamsDevice', 'teamsdevices.io', 'p1', causes)).to.equal(
        'TeamsDevice.teamsdevices.io "p1" is invalid: [spec.type: Unsupported value: "Tablet": supported values: ' +
          '"Phone", "Display", "Panel", "TeamsRoomsAndroid", <nil>: Invalid value: null: some validation rules were ' +
          'not checked because the object was invalid; correct the existing errors to complete validation]',
      );
    });

    it('should fill license Basic, phase General and the default proxy pool and policy', () => {
      const { object, causes } = admit({ type: 'Phone' });

      expect(causes).to.deep.equal([]);
      expect(object.spec).to.deep.equal({
        type: 'Phone',
        manufacturer: 'Yealink',
        model: 'MP56',
        license: 'Basic',
        firmwareAutoUpdate: { phase: 'General' },
        proxyPool: 'default',
        policy: 'default',
      });
    });

    it('should fill the phase inside a firmwareAutoUpdate the user gave empty, and keep what the user set', () => {
      const { object } = admit({ type: 'Phone', license: 'Pro', firmwareAutoUpdate: {}, policy: 'lab' });

      expect(object.spec).to.include({ license: 'Pro', policy: 'lab' });
      expect((object.spec as Json).firmwareAutoUpdate).to.deep.equal({ phase: 'General' });
    });

    it('should prune unknown fields, report their paths and keep apiVersion, kind and metadata as sent', () => {
      const input = device({ type: 'Phone', colour: 'red' });
      input.metadata = {
        name: 'p1',
        namespace: 'berlin',
        labels: { site: 'berlin' },
        annotations: { a: 'b' },
      };
      input.status = { online: true, reported: { model: 'MP56', battery: 80 } };
      input.extra = 1;

      const { object, causes, unknownFields } = devices.admit(input);

      expect(causes).to.deep.equal([]);
      expect(unknownFields).to.deep.equal(['extra', 'spec.colour', 'status.reported.battery']);
      expect(object.spec).to.not.have.property('colour');
      expect(object).to.not.have.property('extra');
      expect(object.status).to.deep.equal({ online: true, reported: { model: 'MP56' } });
      expect(object.metadata).to.deep.equal(input.metadata);
      expect(object).to.include({ apiVersion: 'teamsdevices.io/v1alpha1', kind: 'TeamsDevice' });
      expect(input.spec).to.have.property('colour', 'red');
    });

    it('should require type, manufacturer and model', () => {
      const { causes } = devices.admit(resource('TeamsDevice', {}));

      expect(causes).to.deep.equal([
        { field: 'spec.type', reason: 'FieldValueRequired', message: 'Required value' },
        { field: 'spec.manufacturer', reason: 'FieldValueRequired', message: 'Required value' },
        { field: 'spec.model', reason: 'FieldValueRequired', message: 'Required value' },
        NOT_CHECKED,
      ]);
    });

    it('should refuse a Basic TeamsRoomsAndroid created in phase Test with the rule message on the phase', () => {
      const { causes } = admit({ type: 'TeamsRoomsAndroid', firmwareAutoUpdate: { phase: 'Test' } });

      expect(causes).to.deep.equal([
        {
          field: 'spec.firmwareAutoUpdate.phase',
          reason: 'FieldValueForbidden',
          message:
            'Forbidden: phase assignment is a Teams Rooms Pro feature: a Basic TeamsRoomsAndroid device is created ' +
            'in General and keeps the phase it already had; change license to Pro to choose its phase',
        },
      ]);
    });

    it('should create a Basic TeamsRoomsAndroid that names no phase in General', () => {
      expect(admit({ type: 'TeamsRoomsAndroid' }).causes).to.deep.equal([]);
    });

    it('should accept a Pro TeamsRoomsAndroid in phase Test', () => {
      expect(
        admit({ type: 'TeamsRoomsAndroid', license: 'Pro', firmwareAutoUpdate: { phase: 'Test' } }).causes,
      ).to.be.empty;
    });

    it('should let a Basic phone choose any phase', () => {
      expect(admit({ type: 'Phone', firmwareAutoUpdate: { phase: 'Final' } }).causes).to.be.empty;
    });

    it('should keep phase Test when a Pro TeamsRoomsAndroid becomes Basic, but refuse a phase change with it', () => {
      const old = stored({
        type: 'TeamsRoomsAndroid',
        license: 'Pro',
        firmwareAutoUpdate: { phase: 'Test' },
      });

      const kept = admit(
        { type: 'TeamsRoomsAndroid', license: 'Basic', firmwareAutoUpdate: { phase: 'Test' } },
        { old },
      );
      const changed = admit(
        { type: 'TeamsRoomsAndroid', license: 'Basic', firmwareAutoUpdate: { phase: 'Final' } },
        { old },
      );

      expect(kept.causes).to.deep.equal([]);
      expect(changed.causes.map((c) => [c.field, c.reason])).to.deep.equal([
        ['spec.firmwareAutoUpdate.phase', 'FieldValueForbidden'],
      ]);
    });

    it('should refuse a phase change of a device that stays Basic', () => {
      const old = stored({ type: 'TeamsRoomsAndroid' });

      const { causes } = admit(
        { type: 'TeamsRoomsAndroid', firmwareAutoUpdate: { phase: 'Final' } },
        { old },
      );

      expect(causes.map((c) => c.field)).to.deep.equal(['spec.firmwareAutoUpdate.phase']);
    });

    describe('the Basic license rule on spec.firmwareAutoUpdate.phase (rule 10 of src/core/rules/README.md)', () => {
      type PhaseSpec = { type: string; license: 'Basic' | 'Pro'; firmwareAutoUpdate: { phase: string } };
      const spec = (type: string, license: 'Basic' | 'Pro', phase: string): PhaseSpec => ({
        type,
        license,
        firmwareAutoUpdate: { phase },
      });
      const refused = [
        {
          field: 'spec.firmwareAutoUpdate.phase',
          reason: 'FieldValueForbidden',
          message:
            'Forbidden: phase assignment is a Teams Rooms Pro feature: a Basic TeamsRoomsAndroid device is created ' +
            'in General and keeps the phase it already had; change license to Pro to choose its phase',
        },
      ];
      // [name, the stored spec (undefined: a create), the spec written, whether the API server accepts it]
      const cases: Array<[string, PhaseSpec | undefined, PhaseSpec, boolean]> = [
        [
          'should create a Basic Teams Rooms on Android device in General',
          undefined,
          spec('TeamsRoomsAndroid', 'Basic', 'General'),
          true,
        ],
        [
          'should refuse to create a Basic Teams Rooms on Android device in Test',
          undefined,
          spec('TeamsRoomsAndroid', 'Basic', 'Test'),
          false,
        ],
        [
          'should let a Pro Teams Rooms on Android device start in any phase',
          undefined,
          spec('TeamsRoomsAndroid', 'Pro', 'Final'),
          true,
        ],
        [
          'should let a Basic phone choose any phase on create',
          undefined,
          spec('Phone', 'Basic', 'Test'),
          true,
        ],
        [
          'should refuse a phase change while a Teams Rooms on Android device is Basic',
          spec('TeamsRoomsAndroid', 'Basic', 'General'),
          spec('TeamsRoomsAndroid', 'Basic', 'Final'),
          false,
        ],
        [
          'should keep the phase a device had as Pro when its license becomes Basic',
          spec('TeamsRoomsAndroid', 'Pro', 'Final'),
          spec('TeamsRoomsAndroid', 'Basic', 'Final'),
          true,
        ],
        [
          'should refuse to change the phase in the same update that makes the license Basic',
          spec('TeamsRoomsAndroid', 'Pro', 'Final'),
          spec('TeamsRoomsAndroid', 'Basic', 'Test'),
          false,
        ],
        [
          'should allow a phase change together with the upgrade to Pro',
          spec('TeamsRoomsAndroid', 'Basic', 'General'),
          spec('TeamsRoomsAndroid', 'Pro', 'Test'),
          true,
        ],
        [
          'should allow a Basic display to change phase',
          spec('Display', 'Basic', 'General'),
          spec('Display', 'Basic', 'Test'),
          true,
        ],
        [
          'should allow other changes of a Basic device that keep its phase',
          spec('TeamsRoomsAndroid', 'Basic', 'Test'),
          spec('TeamsRoomsAndroid', 'Basic', 'Test'),
          true,
        ],
      ];
      for (const [name, old, next, allowed] of cases) {
        it(name, () => {
          // A stored Basic TeamsRoomsAndroid outside General can only come from an older rule or a Pro past:
          // store it as Pro, then give it the stored license, as an update the API server admitted would.
          const stored = old && devices.admit(device({ ...old, license: 'Pro' })).object;
          if (stored) (stored.spec as Json).license = old.license;

          const { causes } = admit(next, stored ? { old: stored } : undefined);

          expect(causes).to.deep.equal(allowed ? [] : refused);
        });
      }
    });

    it('should refuse changing deviceId on update with the rule message', () => {
      const old = stored({ type: 'Phone', deviceId: 'rm-berlin-101-phone' });

      const { causes } = admit({ type: 'Phone', deviceId: 'rm-berlin-102-phone' }, { old });

      expect(causes).to.deep.equal([
        {
          field: 'spec.deviceId',
          reason: 'FieldValueInvalid',
          message: 'Invalid value: "object": deviceId is immutable: it is the identity of the device on MQTT',
        },
      ]);
      expect(admit({ type: 'Phone', deviceId: 'rm-berlin-101-phone', model: 'MP58' }, { old }).causes).to.be
        .empty;
    });

    it('should skip transition rules with skipTransitionRules, as preview sees one version of an object', () => {
      const options = { skipTransitionRules: true };

      expect(admit({ type: 'TeamsRoomsAndroid', firmwareAutoUpdate: { phase: 'Test' } }, options).causes).to
        .be.empty;
      expect(admit({ type: 'Tablet' }, options).causes[0]?.field).to.equal('spec.type');
    });

    it('should still run the rules after an error that does not block them, such as a pattern mismatch', () => {
      const { causes } = admit({
        type: 'TeamsRoomsAndroid',
        deviceId: '-x',
        firmwareAutoUpdate: { phase: 'Test' },
      });

      expect(causes.map((c) => [c.field, c.reason])).to.deep.equal([
        ['spec.deviceId', 'FieldValueInvalid'],
        ['spec.firmwareAutoUpdate.phase', 'FieldValueForbidden'],
      ]);
      expect(causes[0]?.message).to.equal(
        `Invalid value: "-x": spec.deviceId in body should match '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$'`,
      );
    });

    it('should validate status: a date-time, a minimum and nullable fields', () => {
      const { causes } = devices.admit({
        ...device({ type: 'Phone' }),
        status: {
          lastSeen: 'yesterday',
          observedGeneration: -1,
          availableUpdates: [
            {
              component: 'Firmware',
              currentVersion: null,
              newVersion: '2',
              release: 'r',
              autoUpdateAt: null,
              blockedReason: null,
            },
          ],
        },
      });

      expect(causes).to.deep.equal([
        {
          field: 'status.observedGeneration',
          reason: 'FieldValueInvalid',
          message:
            'Invalid value: -1: status.observedGeneration in body should be greater than or equal to 0',
        },
        {
          field: 'status.lastSeen',
          reason: 'FieldValueTypeInvalid',
          message:
            'Invalid value: "yesterday": status.lastSeen in body must be of type date-time: "yesterday"',
        },
        NOT_CHECKED,
      ]);
    });
  });

  describe('UpdatePlan', () => {
    const plans = validatorFor('UpdatePlan');
    const plan = (spec: Json) => plans.admit(resource('UpdatePlan', spec, 'tonight'));
    const firmware = [{ component: 'Firmware' }];

    it('should refuse a plan with neither names nor selector', () => {
      expect(plan({ devices: {}, updates: firmware }).causes).to.deep.equal([
        {
          field: 'spec.devices',
          reason: 'FieldValueRequired',
          message:
            'Required value: a plan must name devices (devices.names) or select them (devices.selector)',
        },
      ]);
      expect(plan({ devices: { names: [] }, updates: firmware }).causes.map((c) => c.field)).to.deep.equal([
        'spec.devices',
      ]);
    });

    it('should accept a plan that names devices or selects them', () => {
      expect(plan({ devices: { names: ['rm-1'] }, updates: firmware }).causes).to.be.empty;
      expect(plan({ devices: { selector: { matchLabels: { site: 'berlin' } } }, updates: firmware }).causes)
        .to.be.empty;
    });

    it('should refuse a schedule with at but no timeZone', () => {
      const { causes } = plan({
        devices: { names: ['rm-1'] },
        updates: firmware,
        schedule: { at: '2026-12-05T22:00:00' },
      });

      expect(causes).to.deep.equal([
        {
          field: 'spec.schedule',
          reason: 'FieldValueRequired',
          message: 'Required value: a schedule needs both at (local date and time) and timeZone',
        },
      ]);
    });

    it('should refuse the same component twice in spec.updates, naming the repeated item and its key', () => {
      const { causes } = plan({
        devices: { names: ['rm-1'] },
        updates: [
          { component: 'Firmware' },
          { component: 'TeamsApp' },
          { component: 'Firmware', version: '1' },
        ],
      });

      expect(causes).to.deep.equal([
        {
          field: 'spec.updates[2]',
          reason: 'FieldValueDuplicate',
          message: 'Duplicate value: map[string]interface {}{"component":"Firmware"}',
        },
      ]);
    });

    it('should refuse a device named twice in the devices.names set', () => {
      const { causes } = plan({ devices: { names: ['a', 'b', 'a', 'a', 'b'] }, updates: firmware });

      expect(causes).to.deep.equal([
        { field: 'spec.devices.names[2]', reason: 'FieldValueDuplicate', message: 'Duplicate value: "a"' },
        { field: 'spec.devices.names[4]', reason: 'FieldValueDuplicate', message: 'Duplicate value: "b"' },
      ]);
    });

    it('should refuse a plan without updates and default suspend to false', () => {
      const empty = plan({ devices: { names: ['rm-1'] }, updates: [] });
      const ok = plan({ devices: { names: ['rm-1'] }, updates: firmware });

      expect(empty.causes).to.deep.equal([
        {
          field: 'spec.updates',
          reason: 'FieldValueInvalid',
          message: 'Invalid value: 0: spec.updates in body should have at least 1 items',
        },
      ]);
      expect(ok.object.spec).to.have.property('suspend', false);
    });

    it('should refuse a label value that is not a string, naming the map key', () => {
      const { causes } = plan({ devices: { selector: { matchLabels: { floor: 3 } } }, updates: firmware });

      expect(causes[0]).to.deep.equal({
        field: 'spec.devices.selector.matchLabels.floor',
        reason: 'FieldValueTypeInvalid',
        message:
          'Invalid value: "integer": spec.devices.selector.matchLabels.floor in body must be of type string: "integer"',
      });
    });
  });

  describe('FirmwareRelease', () => {
    const releases = validatorFor('FirmwareRelease');
    const release = (spec: Json) =>
      releases.admit({
        apiVersion: 'teamsdevices.io/v1alpha1',
        kind: 'FirmwareRelease',
        metadata: { name: 'yealink-mp56-122.15.0.40' },
        spec: { component: 'Firmware', version: '122.15.0.40', releaseDate: '2026-11-02T00:00:00Z', ...spec },
      });
    const artifact = { url: 'https://fw.example.com/mp56.rom', sha256: 'a'.repeat(64), sizeBytes: 73400320 };
    const appliesTo = { manufacturer: 'Yealink', models: ['MP56', 'MP58'] };

    it('should refuse a Verified release without artifact', () => {
      expect(release({ verification: 'Verified', appliesTo }).causes).to.deep.equal([
        {
          field: 'spec.artifact',
          reason: 'FieldValueRequired',
          message:
            'Required value: a Verified release needs an artifact (url, sha256, sizeBytes) for devices to install',
        },
      ]);
    });

    it('should refuse a Firmware release without models', () => {
      expect(
        release({ verification: 'Verified', artifact, appliesTo: { manufacturer: 'Yealink' } }).causes,
      ).to.deep.equal([
        {
          field: 'spec.appliesTo',
          reason: 'FieldValueRequired',
          message:
            'Required value: a Firmware release must name appliesTo.manufacturer and at least one model in appliesTo.models',
        },
      ]);
    });

    it('should accept a Verified Firmware release with its artifact and models, and an Unknown Teams app release', () => {
      expect(release({ verification: 'Verified', artifact, appliesTo }).causes).to.be.empty;
      const app = release({ component: 'TeamsApp', version: '1449/1.0.94', verification: 'Unknown' });
      expect(app.causes).to.be.empty;
      expect(app.object.spec).to.deep.include({ appliesTo: {}, paused: false });
    });

    it('should refuse an artifact whose checksum is not 64 hex digits', () => {
      const { causes } = release({
        verification: 'Verified',
        appliesTo,
        artifact: { ...artifact, sha256: 'ABC' },
      });

      expect(causes).to.deep.equal([
        {
          field: 'spec.artifact.sha256',
          reason: 'FieldValueInvalid',
          message: `Invalid value: "ABC": spec.artifact.sha256 in body should match '^[a-f0-9]{64}$'`,
        },
      ]);
    });
  });

  describe('UpdatePolicy', () => {
    const policies = validatorFor('UpdatePolicy');
    const policy = (spec: Json) => policies.admit(resource('UpdatePolicy', spec, 'default'));

    it('should refuse a blackout that ends before it starts, on its to field', () => {
      expect(policy({ blackouts: [{ from: '2026-12-26', to: '2026-12-24' }] }).causes).to.deep.equal([
        {
          field: 'spec.blackouts[0].to',
          reason: 'FieldValueInvalid',
          message: 'Invalid value: "object": blackout to must not be before from',
        },
      ]);
      expect(policy({ blackouts: [{ from: '2026-12-24', to: '2026-12-24', reason: 'Holidays' }] }).causes).to
        .be.empty;
    });

    it('should give an empty policy every default of the design', () => {
      const { object, causes } = policy({});

      expect(causes).to.deep.equal([]);
      expect(object.spec).to.deep.equal({
        phaseDelayDays: { test: 0, general: 30, final: 90 },
        businessHours: {
          days: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'],
          start: '08:00',
          end: '18:00',
        },
        rolloutSpreadDays: 14,
        maxConcurrentUpdates: 50,
        retry: { maxAttempts: 3, backoffMinutes: 60 },
        updateTimeoutMinutes: 120,
        failureThreshold: { percent: 10, minDevices: 10 },
        cloud: 'Commercial',
        defaultTimeZone: 'UTC',
      });
    });

    it('should refuse phase delays that decrease, after defaulting the others', () => {
      expect(policy({ phaseDelayDays: { test: 40 } }).causes).to.deep.equal([
        {
          field: 'spec.phaseDelayDays',
          reason: 'FieldValueInvalid',
          message: 'Invalid value: "object": phase delays must not decrease: test <= general <= final',
        },
      ]);
    });

    it('should refuse a weekday listed twice and a limit out of range', () => {
      const { causes } = policy({ businessHours: { days: ['Monday', 'Monday'] }, maxConcurrentUpdates: 0 });

      expect(causes).to.deep.equal([
        {
          field: 'spec.maxConcurrentUpdates',
          reason: 'FieldValueInvalid',
          message: 'Invalid value: 0: spec.maxConcurrentUpdates in body should be greater than or equal to 1',
        },
        {
          field: 'spec.businessHours.days[1]',
          reason: 'FieldValueDuplicate',
          message: 'Duplicate value: "Monday"',
        },
      ]);
    });
  });

  describe('DeviceProxyPool', () => {
    it('should default a pool without spec to one simulator proxy on the default broker', () => {
      const { object, causes } = validatorFor('DeviceProxyPool').admit({
        apiVersion: 'teamsdevices.io/v1alpha1',
        kind: 'DeviceProxyPool',
        metadata: { name: 'default', namespace: 'berlin' },
      });

      expect(causes).to.deep.equal([]);
      expect(object.spec).to.deep.equal({
        replicas: 1,
        driver: 'simulator',
        image: '',
        mqtt: { url: 'mqtt://tdo-mqtt:1883', credentialsSecret: 'tdo-mqtt-proxy' },
        simulator: {
          downloadSeconds: 60,
          installSeconds: 120,
          failurePercent: 0,
          offlinePercent: 0,
          fetchArtifacts: true,
        },
        http: { endpointTemplate: '' },
      });
    });
  });
});
