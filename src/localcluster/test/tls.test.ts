import { createSecureContext } from 'node:tls';
import { expect } from 'chai';
import { derInteger, selfSignedCertificate } from '../tls.js';

describe('localcluster self-signed certificate', () => {
  const cases: Array<[string, number[], string]> = [
    ['should drop a leading zero byte that DER calls illegal padding', [0x00, 0x12, 0x34], '02021234'],
    ['should drop every redundant leading zero byte', [0x00, 0x00, 0x05], '020105'],
    ['should keep the zero byte that makes a high-bit value positive', [0x00, 0x92], '02020092'],
    ['should add a zero byte before a high-bit first byte', [0x92, 0x01], '0203009201'],
    ['should encode zero as one zero byte', [0x00], '020100'],
  ];
  for (const [name, bytes, hex] of cases) {
    it(name, () => expect(derInteger(Buffer.from(bytes)).toString('hex')).to.equal(hex));
  }

  it('should give Node a certificate and key it accepts for an https server', () => {
    const { certPem: cert, keyPem: key } = selfSignedCertificate(new Date('2026-11-27T00:00:00Z'));
    expect(() => createSecureContext({ cert, key })).to.not.throw();
  });
});
