import { expect } from 'chai';
import { controllerOf, isOwnedBy, ownerReference, withOwnerReference } from '../../src/k8s/owner.js';

describe('owner references', () => {
  const pool = {
    apiVersion: 'teamsdevices.io/v1alpha1',
    kind: 'DeviceProxyPool',
    metadata: { name: 'berlin', namespace: 'rooms', uid: 'uid-pool' },
  };

  it('should make a controller reference that blocks owner deletion', () => {
    expect(ownerReference(pool)).to.deep.equal({
      apiVersion: 'teamsdevices.io/v1alpha1',
      kind: 'DeviceProxyPool',
      name: 'berlin',
      uid: 'uid-pool',
      controller: true,
      blockOwnerDeletion: true,
    });
  });

  it('should refuse an owner that was never read from the server', () => {
    expect(() => ownerReference({ ...pool, metadata: { name: 'berlin' } })).to.throw(/uid/);
  });

  it('should add a reference once, replace it by uid, and refuse a second controller', () => {
    const ref = ownerReference(pool);
    const refs = withOwnerReference(withOwnerReference(undefined, ref), { ...ref, name: 'renamed' });
    expect(refs.map((r) => r.name)).to.deep.equal(['renamed']);
    expect(() => withOwnerReference(refs, { ...ref, uid: 'other' })).to.throw(/controller/);
    const deployment = { metadata: { name: 'tdo-proxy-berlin', ownerReferences: refs } };
    expect(isOwnedBy(deployment, pool)).to.equal(true);
    expect(controllerOf(deployment)?.uid).to.equal('uid-pool');
  });
});
