import { expect } from 'chai';
import { ApiError } from '../errors.js';
import { applyJsonPatch } from '../patch/json-patch.js';
import { applyMergePatch } from '../patch/merge-patch.js';

function failure(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected a ApiError');
}

describe('applyMergePatch (RFC 7386)', () => {
  // The examples of RFC 7386, Appendix A.
  const cases: Array<[unknown, unknown, unknown]> = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  cases.forEach(([target, patch, result], i) => {
    it(`should give the result of RFC 7386 example ${i + 1}`, () => {
      expect(applyMergePatch(target, patch)).to.deep.equal(result);
    });
  });

  it('should leave the target and the patch unmodified and share nothing with them', () => {
    const target = { metadata: { labels: { a: '1' } }, spec: { list: [1] } };
    const patch = { metadata: { labels: { b: '2' } } };
    const result = applyMergePatch(target, patch) as typeof target;
    result.spec.list.push(2);
    expect(target).to.deep.equal({ metadata: { labels: { a: '1' } }, spec: { list: [1] } });
    expect(patch).to.deep.equal({ metadata: { labels: { b: '2' } } });
  });

  it('should keep a key named __proto__ as data instead of changing the prototype', () => {
    const patch = JSON.parse('{"data":{"__proto__":{"polluted":"yes"}}}');
    const result = applyMergePatch({ data: {} }, patch) as { data: Record<string, unknown> };
    expect(Object.keys(result.data)).to.deep.equal(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });
});

describe('applyJsonPatch (RFC 6902)', () => {
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'x', labels: { app: 'web' } },
    data: { a: '1' },
  };

  it('should apply add, replace, remove, copy and move in order', () => {
    const result = applyJsonPatch(configMap, [
      { op: 'add', path: '/data/b', value: '2' },
      { op: 'replace', path: '/data/a', value: '10' },
      { op: 'copy', from: '/data/b', path: '/data/c' },
      { op: 'move', from: '/data/c', path: '/data/d' },
      { op: 'remove', path: '/metadata/labels/app' },
      { op: 'test', path: '/data/d', value: '2' },
    ]);
    expect(result).to.deep.equal({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x', labels: {} },
      data: { a: '10', b: '2', d: '2' },
    });
    expect(configMap.data).to.deep.equal({ a: '1' });
  });

  const failures: Array<[string, unknown, number, string, string]> = [
    [
      'should answer 422 when a test operation fails',
      [{ op: 'test', path: '/metadata/labels/app', value: 'db' }],
      422,
      'Invalid',
      'testing value /metadata/labels/app failed: test failed',
    ],
    [
      'should answer 422 when replacing a path that does not exist',
      [{ op: 'replace', path: '/spec/replicas', value: 2 }],
      422,
      'Invalid',
      'replace operation does not apply: doc is missing path: "/spec/replicas": missing value',
    ],
    [
      'should answer 422 when adding below a parent that does not exist',
      [{ op: 'add', path: '/spec/replicas', value: 2 }],
      422,
      'Invalid',
      'add operation does not apply: doc is missing path: "/spec/replicas": missing value',
    ],
    [
      'should answer 422 when removing a path that does not exist',
      [{ op: 'remove', path: '/data/zz' }],
      422,
      'Invalid',
      'remove operation does not apply: doc is missing path: "/data/zz": missing value',
    ],
    [
      'should answer 400 when the body is not a list of operations',
      { op: 'add', path: '/data/b', value: '2' },
      400,
      'BadRequest',
      'json: cannot unmarshal object into Go value of type jsonpatch.Patch',
    ],
    [
      'should answer 400 for an unknown operation',
      [{ op: 'merge', path: '/data' }],
      400,
      'BadRequest',
      'Unexpected kind: merge',
    ],
    [
      'should answer 400 for a path that is not a JSON pointer',
      [{ op: 'add', path: 'data/b', value: '2' }],
      400,
      'BadRequest',
      'invalid path "data/b" in add operation: a JSON pointer must start with "/"',
    ],
  ];
  for (const [name, operations, code, reason, message] of failures) {
    it(name, () => {
      const error = failure(() => applyJsonPatch(configMap, operations));
      expect([error.code, error.reason, error.message]).to.deep.equal([code, reason, message]);
    });
  }

  it('should apply nothing when a later operation fails', () => {
    const target = { data: { a: '1' } };
    failure(() =>
      applyJsonPatch(target, [
        { op: 'add', path: '/data/b', value: '2' },
        { op: 'test', path: '/data/a', value: '2' },
      ]),
    );
    expect(target).to.deep.equal({ data: { a: '1' } });
  });
});
