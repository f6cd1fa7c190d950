import { expect } from 'chai';
import { evaluateJsonPath, JsonPathError, parseJsonPath } from '../table/jsonpath.js';

const device = {
  metadata: {
    name: 'lobby-phone',
    labels: { 'app.kubernetes.io/name': 'phone', tier: 'lobby' },
    creationTimestamp: '2025-03-01T10:00:00Z',
  },
  spec: { type: 'Phone', firmwareAutoUpdate: { phase: 'Test' }, timeZone: 'Europe/Berlin' },
  status: {
    online: true,
    update: null,
    availableUpdates: [
      { component: 'Firmware', newVersion: '124.15.0.20', attempt: 1 },
      { component: 'TeamsApp', newVersion: '1449.1.0', attempt: 3 },
    ],
    conditions: [
      { type: 'Online', status: 'True' },
      { type: 'Ready', status: 'False', reason: 'UpdateFailed' },
    ],
  },
};

describe('evaluateJsonPath', () => {
  const cases: Array<[string, string, unknown[]]> = [
    ['should read a nested field', '.spec.firmwareAutoUpdate.phase', ['Test']],
    ['should accept the braces kubectl uses', '{.spec.type}', ['Phone']],
    ['should accept a leading $', '{$.metadata.name}', ['lobby-phone']],
    ['should accept a path without the leading dot', 'spec.timeZone', ['Europe/Berlin']],
    ['should index into a list', '.status.availableUpdates[0].newVersion', ['124.15.0.20']],
    ['should count a negative index from the end', '.status.availableUpdates[-1].component', ['TeamsApp']],
    [
      'should fan out over every element with [*]',
      '.status.availableUpdates[*].component',
      ['Firmware', 'TeamsApp'],
    ],
    ['should take a slice', '.status.availableUpdates[0:1].component', ['Firmware']],
    ['should filter a list by a field with ==', '.status.conditions[?(@.type=="Ready")].status', ['False']],
    [
      'should filter with single quotes and spaces',
      ".status.conditions[?( @.type == 'Online' )].status",
      ['True'],
    ],
    ['should filter with !=', '.status.conditions[?(@.type!="Ready")].type', ['Online']],
    ['should filter numbers with >', '.status.availableUpdates[?(@.attempt>1)].component', ['TeamsApp']],
    ['should filter by presence of a field', '.status.conditions[?(@.reason)].type', ['Ready']],
    [
      'should return nothing when the filter matches nothing',
      '.status.conditions[?(@.type=="Gone")].status',
      [],
    ],
    ['should return nothing for a missing field', '.status.reported.firmwareVersion', []],
    ['should return nothing for an index out of range', '.status.availableUpdates[5].newVersion', []],
    ['should return a null value as found', '.status.update', [null]],
    ['should return nothing below a null value', '.status.update.state', []],
    [
      'should read a key with dots through an escape',
      '.metadata.labels.app\\.kubernetes\\.io/name',
      ['phone'],
    ],
    ['should read a key with dots through brackets', ".metadata.labels['app.kubernetes.io/name']", ['phone']],
    ['should list the values of a map with *', '.spec.firmwareAutoUpdate.*', ['Test']],
    ['should find a field at any depth with ..', '..newVersion', ['124.15.0.20', '1449.1.0']],
    ['should return a whole list when it is not indexed', '.spec.firmwareAutoUpdate', [{ phase: 'Test' }]],
  ];
  for (const [name, path, expected] of cases) {
    it(`${name}: ${path}`, () => {
      expect(evaluateJsonPath(device, path)).to.deep.equal(expected);
    });
  }

  it('should return the root for {.} and [] for a scalar root with a field', () => {
    expect(evaluateJsonPath({ a: 1 }, '{.}')).to.deep.equal([{ a: 1 }]);
    expect(evaluateJsonPath('text', '.a')).to.deep.equal([]);
  });

  const invalid = ['{.spec.type', '.status.conditions[?(@.type=="Ready"].status', '.a[', '.a[x]', '.a b'];
  for (const path of invalid) {
    it(`should refuse the malformed path ${path} with a JsonPathError`, () => {
      expect(() => evaluateJsonPath(device, path)).to.throw(JsonPathError);
      expect(() => parseJsonPath(path)).to.throw(JsonPathError);
    });
  }
});
