import { expect } from 'chai';
import {
  compileSchema,
  type FieldCause,
  formatInvalidMessage,
  validateObjectMeta,
  validateObjectName,
} from '../index.js';

const SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

describe('messages worded as kube-apiserver words them', () => {
  const required: FieldCause = {
    field: 'spec.model',
    reason: 'FieldValueRequired',
    message: 'Required value',
  };
  const tooLong: FieldCause = {
    field: 'spec.name',
    reason: 'FieldValueTooLong',
    message: 'Too long: may not be more than 3 bytes',
  };

  it('should word a 422 with one cause, several causes in brackets, repeats once, and the core group bare', () => {
    expect(formatInvalidMessage('TeamsDevice', 'teamsdevices.io', 'p1', [required])).to.equal(
      'TeamsDevice.teamsdevices.io "p1" is invalid: spec.model: Required value',
    );
    expect(
      formatInvalidMessage('TeamsDevice', 'teamsdevices.io', 'p1', [required, tooLong, required]),
    ).to.equal(
      'TeamsDevice.teamsdevices.io "p1" is invalid: [spec.model: Required value, spec.name: Too long: may not be more than 3 bytes]',
    );
    expect(formatInvalidMessage('Pod', '', 'web', [])).to.equal('Pod "web" is invalid');
  });

  it('should accept DNS-1123 subdomains as names and say why others are refused', () => {
    expect(validateObjectName('rm-berlin-101-phone')).to.deep.equal([]);
    expect(validateObjectName('a.b-c.d')).to.deep.equal([]);
    expect(validateObjectName('Phone_1')).to.deep.equal([SUBDOMAIN]);
    expect(validateObjectName('a'.repeat(254))).to.deep.equal(['must be no more than 253 characters']);
    expect(validateObjectName('web-', true)).to.deep.equal([]);
    expect(validateObjectName('web-')).to.deep.equal([SUBDOMAIN]);
  });

  it('should require a name or generateName and a namespace for namespaced kinds', () => {
    expect(validateObjectMeta({}, true)).to.deep.equal([
      { field: 'metadata.namespace', reason: 'FieldValueRequired', message: 'Required value' },
      {
        field: 'metadata.name',
        reason: 'FieldValueRequired',
        message: 'Required value: name or generateName is required',
      },
    ]);
    expect(validateObjectMeta({ name: 'P1', namespace: 'x' }, false)).to.deep.equal([
      {
        field: 'metadata.namespace',
        reason: 'FieldValueForbidden',
        message: 'Forbidden: not allowed on this type',
      },
      { field: 'metadata.name', reason: 'FieldValueInvalid', message: `Invalid value: "P1": ${SUBDOMAIN}` },
    ]);
    expect(validateObjectMeta({ generateName: 'fw-', namespace: 'berlin' }, true)).to.deep.equal([]);
  });

  it('should word an anyOf failure without a field, as kube-openapi reports it', () => {
    const either = compileSchema({
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: { a: { type: 'string' }, b: { type: 'string' } },
          anyOf: [{ required: ['a'] }, { required: ['b'] }],
        },
      },
    });

    expect(either.admit({ spec: {} }).causes).to.deep.equal([
      {
        field: '<nil>',
        reason: 'FieldValueInvalid',
        message: 'Invalid value: "": "spec" must validate at least one schema (anyOf)',
      },
      { field: 'spec.a', reason: 'FieldValueRequired', message: 'Required value' },
    ]);
    expect(either.admit({ spec: { b: 'x' } }).causes).to.deep.equal([]);
  });
});
