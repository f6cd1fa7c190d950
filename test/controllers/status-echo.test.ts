import { expect } from 'chai';
import { changedBeyondStatus } from '../../src/controllers/status-echo.js';

const plan = (metadata: Record<string, unknown>, status: Record<string, unknown> = {}) => ({
  metadata: { name: 'all-now', generation: 1, labels: { fleet: 'a' }, ...metadata },
  status,
});

describe('telling an aggregate object’s own status write from a user’s change', () => {
  const cases: Array<[string, ReturnType<typeof plan>, ReturnType<typeof plan>, boolean]> = [
    ['a status write alone is not a change beyond status', plan({}), plan({}, { phase: 'Sent' }), false],
    ['a new generation (the spec changed) is', plan({}), plan({ generation: 2 }), true],
    ['a changed label is', plan({}), plan({ labels: { fleet: 'b' } }), true],
    ['an added annotation is', plan({}), plan({ annotations: { note: 'x' } }), true],
    ['a finalizer is', plan({}), plan({ finalizers: ['x'] }), true],
    ['a deletion is', plan({}), plan({ deletionTimestamp: '2026-01-01T00:00:00Z' }), true],
  ];
  for (const [name, old, current, expected] of cases) {
    it(`should say ${name}`, () => {
      expect(changedBeyondStatus(old, current)).to.equal(expected);
    });
  }
});
