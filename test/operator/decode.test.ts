// The decode at the operator's cache boundary (src/api/v1alpha1/decode.ts), object by object.
import { expect } from 'chai';
import { decodeObject, garbageStatusFields } from '../../src/api/v1alpha1/decode.js';
import { device, release } from './objects.js';

describe('decoding objects at the cache boundary', () => {
  it('should take a valid device unchanged, nulls of nullable status fields included', () => {
    const obj = { ...device('ns', 'ok'), status: { update: null, firmware: { currentVersion: null } } };
    const decoded = decodeObject('TeamsDevice', obj);
    expect(decoded).to.deep.equal({ ok: true, object: obj });
  });

  it('should refuse a release without a spec, naming the field', () => {
    const { spec: _none, ...obj } = release('1.0');
    expect(decodeObject('FirmwareRelease', obj)).to.deep.equal({ ok: false, problem: 'spec: is missing' });
  });

  it('should name the first field of the wrong type', () => {
    const obj = release('1.0');
    const spec = { ...(obj.spec as Record<string, unknown>), version: 7 };
    const decoded = decodeObject('FirmwareRelease', { ...obj, spec });
    expect(decoded).to.deep.equal({ ok: false, problem: 'spec.version: must be string' });
  });

  it('should fill the defaults a newer schema has, as the API server would', () => {
    const obj = device('ns', 'old');
    const { license: _l, firmwareAutoUpdate: _f, ...spec } = obj.spec as Record<string, unknown>;
    const decoded = decodeObject('TeamsDevice', { ...obj, spec });
    expect(decoded.ok).to.equal(true);
    if (decoded.ok) expect(decoded.object.spec).to.include({ license: 'Basic' });
  });

  it('should drop garbage status fields, keep the rest and list what it dropped', () => {
    const obj = { ...device('ns', 'garbled'), status: { conditions: 'nope', observedGeneration: 2 } };
    const decoded = decodeObject('TeamsDevice', obj);
    expect(decoded.ok).to.equal(true);
    if (!decoded.ok) return;
    expect(decoded.object.status).to.deep.equal({ observedGeneration: 2 });
    expect(garbageStatusFields(decoded.object.status)).to.deep.equal(['conditions']);
    expect(decodeObject('TeamsDevice', { ...obj, status: 'junk' })).to.deep.include({ ok: true });
  });
});
