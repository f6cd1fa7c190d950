import { expect } from 'chai';
import {
  type Condition,
  findCondition,
  isConditionTrue,
  removeCondition,
  setCondition,
} from '../../../src/core/shared/conditions.js';

describe('setCondition', () => {
  const t0 = new Date('2026-12-01T10:00:00.123Z');
  const t1 = new Date('2026-12-01T11:00:00Z');
  const ready = (status: 'True' | 'False', reason: string, generation = 1) =>
    ({
      type: 'Ready',
      status,
      reason,
      message: `${reason} message`,
      observedGeneration: generation,
    }) as const;

  it('should add a new condition stamped with now, in whole seconds', () => {
    const conditions = setCondition(undefined, ready('True', 'UpToDate'), t0);
    expect(conditions).to.deep.equal([
      {
        type: 'Ready',
        status: 'True',
        reason: 'UpToDate',
        message: 'UpToDate message',
        lastTransitionTime: '2026-12-01T10:00:00Z',
        observedGeneration: 1,
      },
    ]);
  });

  it('should keep lastTransitionTime when the status stays, while reason, message and generation follow', () => {
    const first = setCondition(undefined, ready('False', 'Downloading'), t0);
    const second = setCondition(first, ready('False', 'Installing', 2), t1);
    expect(second[0]).to.include({
      status: 'False',
      reason: 'Installing',
      message: 'Installing message',
      observedGeneration: 2,
      lastTransitionTime: '2026-12-01T10:00:00Z',
    });
  });

  it('should move lastTransitionTime when the status flips', () => {
    const first = setCondition(undefined, ready('False', 'Installing'), t0);
    const second = setCondition(first, ready('True', 'UpToDate'), t1);
    expect(second[0]?.lastTransitionTime).to.equal('2026-12-01T11:00:00Z');
  });

  it('should leave the input untouched, keep the order and touch only the condition of its type', () => {
    const online: Condition = {
      type: 'Online',
      status: 'True',
      reason: 'Seen',
      lastTransitionTime: '2026-11-30T00:00:00Z',
    };
    const input: readonly Condition[] = Object.freeze([
      online,
      ...setCondition(undefined, ready('False', 'Waiting'), t0),
    ]);
    const output = setCondition(input, ready('True', 'UpToDate'), t1);
    expect(output.map((c) => c.type)).to.deep.equal(['Online', 'Ready']);
    expect(output[0]).to.equal(online);
    expect(input[1]?.status).to.equal('False');
  });

  it('should find, test and remove conditions by type', () => {
    const conditions = setCondition(undefined, ready('True', 'UpToDate'), t0);
    expect(findCondition(conditions, 'Ready')?.reason).to.equal('UpToDate');
    expect(isConditionTrue(conditions, 'Ready')).to.equal(true);
    expect(isConditionTrue(conditions, 'Online')).to.equal(false);
    expect(removeCondition(conditions, 'Ready')).to.deep.equal([]);
  });
});
