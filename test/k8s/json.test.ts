import { expect } from 'chai';
import { jsonEqual, mergePatchDiff } from '../../src/k8s/json.js';

describe('merge-patch diffs', () => {
  it('should find nothing to send when only key order differs', () => {
    expect(mergePatchDiff({ a: 1, b: { c: [1, 2], d: 'x' } }, { b: { d: 'x', c: [1, 2] }, a: 1 })).to.equal(
      undefined,
    );
  });

  it('should treat a null field as an absent one, since a merge patch cannot tell them apart', () => {
    expect(jsonEqual({ a: null }, {})).to.equal(true);
    expect(mergePatchDiff({}, { blockedReason: null })).to.equal(undefined);
  });

  it('should set changed fields, null removed ones, diff nested objects and replace arrays whole', () => {
    const from = {
      online: true,
      reported: { model: 'MP56', firmwareVersion: '1' },
      history: [1, 2],
      lastSeen: 'x',
    };
    const to = { online: true, reported: { model: 'MP56', firmwareVersion: '2' }, history: [1, 2, 3] };
    expect(mergePatchDiff(from, to)).to.deep.equal({
      reported: { firmwareVersion: '2' },
      history: [1, 2, 3],
      lastSeen: null,
    });
  });
});
