import { expect } from 'chai';
import { compileSchema, type FieldCause } from '../index.js';

type Json = Record<string, unknown>;

/** A CRD root whose spec has the given schema. */
function crd(spec: Json, root: Json = {}) {
  return compileSchema({
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec,
    },
    ...root,
  });
}

const object = (properties: Json, extra: Json = {}) => ({ type: 'object', properties, ...extra });
const metadata = { name: 'w1', namespace: 'default' };
const causesOf = (result: { causes: FieldCause[] }) => result.causes.map((c) => `${c.field}: ${c.message}`);
const NOT_CHECKED =
  '<nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation';

describe('admitting objects against a generic structural schema', () => {
  describe('types and value validations', () => {
    const widgets = crd(
      object({
        port: { 'x-kubernetes-int-or-string': true },
        name: { type: 'string', maxLength: 3, minLength: 1 },
        replicas: { type: 'integer', minimum: 1, maximum: 5, exclusiveMaximum: true },
        ratio: { type: 'number', maximum: 1 },
        tags: { type: 'array', items: { type: 'string' }, maxItems: 2 },
        day: { type: 'string', format: 'date' },
        colour: { type: 'string', format: 'k8s-colour-of-the-day' },
        labels: { type: 'object', additionalProperties: { type: 'integer', minimum: 0 } },
      }),
    );
    const admit = (spec: Json) => widgets.admit({ metadata, spec });

    it('should accept an int-or-string as an integer or a string, and refuse anything else', () => {
      expect(admit({ port: 80 }).causes).to.be.empty;
      expect(admit({ port: 'http' }).causes).to.be.empty;
      expect(causesOf(admit({ port: true }))).to.deep.equal([
        'spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"',
      ]);
    });

    it('should word length, bound and count errors as kube-apiserver does', () => {
      expect(causesOf(admit({ name: 'abcd', replicas: 5, ratio: 1.5, tags: ['a', 'b', 'c'] }))).to.deep.equal(
        [
          'spec.name: Too long: may not be more than 3 bytes',
          'spec.replicas: Invalid value: 5: spec.replicas in body should be less than 5',
          'spec.ratio: Invalid value: 1.5: spec.ratio in body should be less than or equal to 1',
          'spec.tags: Too many: 3: must have at most 2 items',
        ],
      );
      expect(causesOf(admit({ name: '', replicas: 0 }))).to.deep.equal([
        'spec.name: Invalid value: "": spec.name in body should be at least 1 chars long',
        'spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1',
      ]);
    });

    it('should count characters, not bytes, against maxLength', () => {
      expect(admit({ name: 'äöü' }).causes).to.be.empty;
    });

    it('should check the formats Kubernetes knows and accept unknown formats silently', () => {
      expect(admit({ day: '2024-02-29', colour: 'anything' }).causes).to.be.empty;
      expect(causesOf(admit({ day: '2023-02-29' }))).to.deep.equal([
        'spec.day: Invalid value: "2023-02-29": spec.day in body must be of type date: "2023-02-29"',
      ]);
    });

    it('should validate every value of an additionalProperties map under its key', () => {
      expect(causesOf(admit({ labels: { a: 1, b: -1, c: 'x' } }))).to.deep.equal([
        'spec.labels.b: Invalid value: -1: spec.labels.b in body should be greater than or equal to 0',
        'spec.labels.c: Invalid value: "string": spec.labels.c in body must be of type integer: "string"',
      ]);
    });

    it('should not mutate the object it is given', () => {
      const input = { metadata, spec: { name: 'abc', unknown: 1 } };
      widgets.admit(input);
      expect(input).to.deep.equal({ metadata, spec: { name: 'abc', unknown: 1 } });
    });
  });

  describe('nullable fields and nulls', () => {
    const things = crd(
      object({
        note: { type: 'string', nullable: true },
        size: { type: 'string' },
        mode: { type: 'string', default: 'auto' },
        items: { type: 'array', items: { type: 'string' } },
      }),
    );

    it('should keep null in a nullable field, drop it from a plain one and default it where there is a default', () => {
      const { object: admitted, causes } = things.admit({
        metadata,
        spec: { note: null, size: null, mode: null },
      });

      expect(causes).to.be.empty;
      expect(admitted.spec).to.deep.equal({ note: null, mode: 'auto' });
    });

    it('should refuse null as a list item whose schema is not nullable', () => {
      expect(causesOf(things.admit({ metadata, spec: { items: ['a', null] } }))).to.deep.equal([
        'spec.items[1]: Invalid value: "null": spec.items[1] in body must be of type string: "null"',
      ]);
    });
  });

  describe('pruning', () => {
    const bags = crd(
      object(
        {
          known: object({ inner: { type: 'string' } }),
          items: { type: 'array', items: object({ name: { type: 'string' } }) },
          opaque: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        },
        { 'x-kubernetes-preserve-unknown-fields': true },
      ),
    );

    it('should keep unknown fields under x-kubernetes-preserve-unknown-fields but still prune inside known ones', () => {
      const {
        object: admitted,
        unknownFields,
        causes,
      } = bags.admit({
        metadata,
        spec: {
          free: { anything: [1, 2] },
          known: { inner: 'x', stray: true },
          items: [{ name: 'a' }, { name: 'b', stray: 1 }],
          opaque: { deep: { er: 1 } },
        },
      });

      expect(causes).to.be.empty;
      expect(unknownFields).to.deep.equal(['spec.items[1].stray', 'spec.known.stray']);
      expect(admitted.spec).to.deep.equal({
        free: { anything: [1, 2] },
        known: { inner: 'x' },
        items: [{ name: 'a' }, { name: 'b' }],
        opaque: { deep: { er: 1 } },
      });
    });
  });

  describe('defaulting', () => {
    const jobs = crd(
      object({
        steps: {
          type: 'array',
          items: object({
            name: { type: 'string' },
            retries: { type: 'integer', default: 3 },
            limits: object({ cpu: { type: 'string', default: '100m' } }, { default: {} }),
          }),
        },
        env: { type: 'object', additionalProperties: object({ value: { type: 'string', default: '' } }) },
      }),
    );

    it('should default inside every list item and every map value, nested defaults included', () => {
      const { object: admitted } = jobs.admit({
        metadata,
        spec: { steps: [{ name: 'a' }, { name: 'b', retries: 0, limits: { cpu: '1' } }], env: { HOME: {} } },
      });

      expect(admitted.spec).to.deep.equal({
        steps: [
          { name: 'a', retries: 3, limits: { cpu: '100m' } },
          { name: 'b', retries: 0, limits: { cpu: '1' } },
        ],
        env: { HOME: { value: '' } },
      });
    });
  });

  describe('list types', () => {
    const lists = crd(
      object({
        ports: { type: 'array', items: { type: 'integer' }, 'x-kubernetes-list-type': 'set' },
        routes: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['host', 'port'],
          items: object({ host: { type: 'string' }, port: { type: 'integer' }, weight: { type: 'integer' } }),
        },
      }),
    );

    it('should refuse the repeats of a set and of the keys of a map list', () => {
      const { causes } = lists.admit({
        metadata,
        spec: {
          ports: [80, 443, 80],
          routes: [
            { host: 'a', port: 80, weight: 1 },
            { host: 'a', port: 81 },
            { host: 'a', port: 80, weight: 2 },
          ],
        },
      });

      expect(causesOf({ causes })).to.deep.equal([
        'spec.ports[2]: Duplicate value: 80',
        'spec.routes[2]: Duplicate value: map[string]interface {}{"host":"a", "port":80}',
      ]);
      expect(causes.map((c) => c.reason)).to.deep.equal(['FieldValueDuplicate', 'FieldValueDuplicate']);
    });

    it('should let an update keep repeats the stored object already had', () => {
      const old = { metadata, spec: { ports: [80, 80] } };

      expect(lists.admit({ metadata, spec: { ports: [80, 80, 443] } }, { old }).causes).to.be.empty;
    });
  });

  describe('CEL rules', () => {
    it('should run rules at every node with self bound to its value, on list items and map values too', () => {
      const pools = crd(
        object(
          {
            min: { type: 'integer' },
            max: { type: 'integer' },
            hosts: {
              type: 'array',
              items: {
                type: 'string',
                'x-kubernetes-validations': [{ rule: "self.endsWith('.example.com')" }],
              },
            },
            quotas: {
              type: 'object',
              additionalProperties: {
                type: 'integer',
                'x-kubernetes-validations': [{ rule: 'self % 2 == 0' }],
              },
            },
          },
          {
            'x-kubernetes-validations': [
              { rule: 'self.min <= self.max', message: 'min must not exceed max' },
            ],
          },
        ),
      );

      const { causes } = pools.admit({
        metadata,
        spec: { min: 3, max: 2, hosts: ['a.example.com', 'b.example.org'], quotas: { gold: 4, tin: 3 } },
      });

      expect(causesOf({ causes })).to.deep.equal([
        'spec: Invalid value: "object": min must not exceed max',
        `spec.hosts[1]: Invalid value: "string": failed rule: self.endsWith('.example.com')`,
        'spec.quotas[tin]: Invalid value: "integer": failed rule: self % 2 == 0',
      ]);
    });

    it('should not run any rule once an error blocks them, and say so as kube-apiserver does', () => {
      const guarded = crd(
        object(
          { size: { type: 'string', enum: ['S', 'M'] }, count: { type: 'integer' } },
          { 'x-kubernetes-validations': [{ rule: 'self.count > 0' }] },
        ),
      );

      expect(causesOf(guarded.admit({ metadata, spec: { size: 'XL', count: 0 } }))).to.deep.equal([
        'spec.size: Unsupported value: "XL": supported values: "S", "M"',
        NOT_CHECKED,
      ]);
    });

    it('should use messageExpression, fieldPath and reason, and fall back to the message when the expression fails', () => {
      const limits = crd(
        object(
          { replicas: { type: 'integer' }, limit: object({ max: { type: 'integer' } }) },
          {
            'x-kubernetes-validations': [
              {
                rule: 'self.replicas <= self.limit.max',
                messageExpression: "'replicas ' + string(self.replicas) + ' exceed the limit'",
                fieldPath: '.limit.max',
                reason: 'FieldValueForbidden',
              },
              { rule: 'self.replicas < 100', message: 'too many', messageExpression: 'self.nope' },
            ],
          },
        ),
      );

      expect(limits.admit({ metadata, spec: { replicas: 200, limit: { max: 2 } } }).causes).to.deep.equal([
        {
          field: 'spec.limit.max',
          reason: 'FieldValueForbidden',
          message: 'Forbidden: replicas 200 exceed the limit',
        },
        { field: 'spec', reason: 'FieldValueInvalid', message: 'Invalid value: "object": too many' },
      ]);
    });

    it('should turn a rule that fails at runtime into an invalid value, not an exception', () => {
      const fragile = crd(
        object(
          { name: { type: 'string' }, port: { 'x-kubernetes-int-or-string': true } },
          {
            'x-kubernetes-validations': [
              { rule: "self.owner == 'me'", message: 'owned by me' },
              { rule: 'self.port > 1024' },
            ],
          },
        ),
      );

      expect(causesOf(fragile.admit({ metadata, spec: { name: 'x', port: 'http' } }))).to.deep.equal([
        'spec: Invalid value: "object": no such key: owner evaluating rule: owned by me',
        'spec: Invalid value: "object": \'no such overload\': call arguments did not match a supported operator, function or macro signature for rule: self.port > 1024',
      ]);
    });

    it('should report a rule that does not compile as a problem of the schema and an invalid value', () => {
      const broken = crd(object({}, { 'x-kubernetes-validations': [{ rule: 'self.a ==' }] }));

      expect(broken.problems).to.have.length(1);
      expect(broken.problems[0]).to.match(
        /^openAPIV3Schema\.properties\[spec\]\.x-kubernetes-validations\[0\]: self\.a ==: /,
      );
      const [cause] = broken.admit({ metadata, spec: {} }).causes;
      expect(cause?.field).to.equal('spec');
      expect(cause?.message).to.match(/^Invalid value: "object": rule compile error: /);
    });

    it('should offer the CEL of Kubernetes: has, size, in, macros, timestamps, ints and the Kubernetes libraries', () => {
      const rich = crd(
        object(
          {
            names: { type: 'array', items: { type: 'string' } },
            when: { type: 'string', format: 'date-time' },
            weight: { type: 'number' },
            count: { type: 'integer' },
          },
          {
            'x-kubernetes-validations': [
              { rule: "has(self.names) && size(self.names) == 2 && 'b' in self.names" },
              { rule: "self.names.all(n, n.matches('^[a-z]$')) && self.names.exists_one(n, n == 'a')" },
              {
                rule: "self.names.map(n, n.upperAscii()).filter(n, n != 'A') == ['B'] && self.names.isSorted()",
              },
              { rule: "self.when > timestamp('2020-01-01T00:00:00Z') && type(self.count) == int" },
              {
                rule: "type(self.weight) == double && !has(self.missing) && 'a-b'.replace('-', '.') == 'a.b'",
              },
            ],
          },
        ),
      );

      const admitted = rich.admit({
        metadata,
        spec: { names: ['a', 'b'], when: '2026-12-05T22:00:00Z', weight: 2, count: 2 },
      });

      expect(admitted.causes).to.deep.equal([]);
      const unsorted = rich.admit({
        metadata,
        spec: { names: ['b', 'a'], when: '2019-12-31T23:00:00Z', weight: 2 },
      });
      expect(unsorted.causes.map((c) => c.message)).to.deep.equal([
        `Invalid value: "object": failed rule: self.names.map(n, n.upperAscii()).filter(n, n != 'A') == ['B'] && self.names.isSorted()`,
        `Invalid value: "object": failed rule: self.when > timestamp('2020-01-01T00:00:00Z') && type(self.count) == int`,
      ]);
    });

    it('should expose only name and generateName of metadata, and reserved-word properties escaped', () => {
      const scoped = crd(object({ namespace: { type: 'string' }, 'max-size': { type: 'integer' } }), {
        'x-kubernetes-validations': [
          { rule: "self.metadata.name == 'w1' && !has(self.metadata.namespace)" },
          { rule: "self.spec.__namespace__ == 'x' && self.spec.max__dash__size == 1" },
        ],
      });

      expect(scoped.admit({ metadata, spec: { namespace: 'x', 'max-size': 1 } }).causes).to.be.empty;
      expect(
        scoped.admit({ metadata: { ...metadata, name: 'w2' }, spec: { namespace: 'y', 'max-size': 1 } })
          .causes,
      ).to.have.length(2);
    });

    it('should run the rules of allOf schemas on the same value', () => {
      const both = crd({
        type: 'object',
        properties: { a: { type: 'integer' }, b: { type: 'integer' } },
        'x-kubernetes-validations': [{ rule: 'self.b > 0', message: 'b must be positive' }],
        allOf: [{ 'x-kubernetes-validations': [{ rule: 'self.a > 0', message: 'a must be positive' }] }],
      });

      expect(causesOf(both.admit({ metadata, spec: { a: 0, b: 0 } }))).to.deep.equal([
        'spec: Invalid value: "object": b must be positive',
        'spec: Invalid value: "object": a must be positive',
      ]);
      expect(both.admit({ metadata, spec: { a: 1, b: 1 } }).causes).to.be.empty;
    });

    it('should correlate map-list items with the old ones by key for transition rules, and skip new items', () => {
      const counters = crd(
        object({
          counters: {
            type: 'array',
            'x-kubernetes-list-type': 'map',
            'x-kubernetes-list-map-keys': ['name'],
            items: object(
              { name: { type: 'string' }, value: { type: 'integer' } },
              {
                'x-kubernetes-validations': [
                  { rule: 'self.value >= oldSelf.value', message: 'may only grow' },
                ],
              },
            ),
          },
        }),
      );
      const old = {
        metadata,
        spec: {
          counters: [
            { name: 'a', value: 5 },
            { name: 'b', value: 1 },
          ],
        },
      };

      const { causes } = counters.admit(
        {
          metadata,
          spec: {
            counters: [
              { name: 'c', value: 0 },
              { name: 'b', value: 0 },
              { name: 'a', value: 6 },
            ],
          },
        },
        { old },
      );

      expect(causesOf({ causes })).to.deep.equal([
        'spec.counters[1]: Invalid value: "object": may only grow',
      ]);
      expect(counters.admit({ metadata, spec: { counters: [{ name: 'a', value: 0 }] } }).causes).to.be.empty;
    });
  });

  describe('ratcheting on update', () => {
    const tightened = crd(
      object({
        name: { type: 'string', maxLength: 3 },
        size: {
          type: 'integer',
          'x-kubernetes-validations': [{ rule: 'self <= 10', message: 'at most 10' }],
        },
        other: { type: 'string' },
      }),
    );

    it('should accept values an update leaves unchanged even though the schema now refuses them', () => {
      const old = { metadata, spec: { name: 'long-name', size: 20, other: 'a' } };

      const result = tightened.admit(
        { metadata, spec: { name: 'long-name', size: 20, other: 'b' } },
        { old },
      );

      expect(result.causes).to.deep.equal([]);
      expect(result.warnings).to.deep.equal(['spec.size: Invalid value: "integer": at most 10']);
    });

    it('should refuse the same values when the update changes them, and on create', () => {
      const old = { metadata, spec: { name: 'long-name', size: 20 } };

      expect(
        causesOf(tightened.admit({ metadata, spec: { name: 'longer-name', size: 21 } }, { old })),
      ).to.deep.equal(['spec.name: Too long: may not be more than 3 bytes', NOT_CHECKED]);
      expect(causesOf(tightened.admit({ metadata, spec: { name: 'abc', size: 21 } }, { old }))).to.deep.equal(
        ['spec.size: Invalid value: "integer": at most 10'],
      );
      expect(causesOf(tightened.admit({ metadata, spec: { name: 'abc', size: 20 } }))).to.deep.equal([
        'spec.size: Invalid value: "integer": at most 10',
      ]);
    });
  });
});
