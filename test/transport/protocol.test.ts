import { expect } from 'chai';
import {
  channelFilter,
  commandsTopic,
  deviceTopic,
  eventsTopic,
  isIsoInstant,
  parseCommand,
  parseEvent,
  parseStateMessage,
  parseTopic,
  stateTopic,
} from '../../src/transport/protocol.js';
import { MP56 } from './support.js';

const TS = '2026-12-05T17:00:03Z';
const SHA = 'ab'.repeat(32);

const command = (overrides: Record<string, unknown> = {}, artifact: Record<string, unknown> = {}) =>
  JSON.stringify({
    commandId: '6f1c0000-0000-8000-8000-000000000001',
    type: 'update',
    component: 'Firmware',
    version: '122.15.0.40',
    artifact: { url: 'https://firmware.example.com/mp56.rom', sha256: SHA, sizeBytes: 73400320, ...artifact },
    issuedAt: TS,
    notAfter: TS,
    ...overrides,
  });

const event = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({ commandId: 'c-1', state: 'downloading', progress: 40, message: '', ts: TS, ...overrides });

/** A state message with every field: what a simulated MP56 publishes. */
const STATE = { online: true, ...MP56, ts: TS };

const state = (overrides: Record<string, unknown> = {}) => JSON.stringify({ ...STATE, ...overrides });

function errorOf(result: { ok: true } | { ok: false; error: string }): string {
  expect(result.ok, 'expected the payload to be rejected').to.equal(false);
  return result.ok ? '' : result.error;
}

describe('device protocol', () => {
  describe('topics', () => {
    it('should build the three topics of a device under tdo/v1', () => {
      expect(stateTopic('rm-berlin-101-phone')).to.equal('tdo/v1/devices/rm-berlin-101-phone/state');
      expect(commandsTopic('rm-berlin-101-phone')).to.equal('tdo/v1/devices/rm-berlin-101-phone/commands');
      expect(eventsTopic('rm-berlin-101-phone')).to.equal('tdo/v1/devices/rm-berlin-101-phone/events');
      expect(channelFilter('state')).to.equal('tdo/v1/devices/+/state');
    });

    it('should parse a topic back into its device and channel', () => {
      expect(parseTopic('tdo/v1/devices/rm-berlin-101-phone/events')).to.deep.equal({
        deviceId: 'rm-berlin-101-phone',
        channel: 'events',
      });
    });

    const foreign: Array<[string, string]> = [
      ['tdo/v2/devices/a/state', 'another protocol version'],
      ['tdo/v1/devices/a/logs', 'an unknown channel'],
      ['tdo/v1/devices/a/b/state', 'a device id holding a slash'],
      ['tdo/v1/devices/+/state', 'a wildcard as device id'],
      ['tdo/v1/devices/#', 'a multi-level wildcard'],
      ['tdo/v1/devices//state', 'an empty device id'],
      ['tdo/v1/gateways/a/state', 'another tree'],
    ];
    for (const [topic, what] of foreign) {
      it(`should not parse a topic with ${what} (${topic})`, () => {
        expect(parseTopic(topic)).to.equal(null);
      });
    }

    for (const id of ['a/b', 'a+b', 'a#', '', ' padded ', 'x'.repeat(254), 'tab\there']) {
      it(`should refuse to build a topic for device id ${JSON.stringify(id.slice(0, 20))}`, () => {
        expect(() => deviceTopic(id, 'state')).to.throw(/one MQTT topic level/);
      });
    }
  });

  describe('parseStateMessage', () => {
    it('should accept a full state message', () => {
      const result = parseStateMessage(Buffer.from(state()));
      expect(result).to.deep.equal({ ok: true, value: STATE });
    });

    it('should accept the last-will message, which only says the device is offline', () => {
      expect(parseStateMessage(JSON.stringify({ online: false, ts: TS }))).to.deep.equal({
        ok: true,
        value: { online: false, ts: TS },
      });
    });

    it('should drop unknown fields and treat null optional fields as absent', () => {
      const result = parseStateMessage(state({ battery: 80, model: null }));
      expect(result.ok && result.value).to.not.have.any.keys('battery', 'model');
    });

    const bad: Array<[string, string | Uint8Array, RegExp]> = [
      ['should reject a payload that is not JSON', '{online: true', /^payload: not JSON/],
      ['should reject an empty payload', '', /^payload: empty/],
      ['should reject a JSON array', '[]', /^payload: must be a JSON object, got array/],
      ['should reject JSON null', 'null', /^payload: must be a JSON object, got null/],
      ['should reject bytes that are not UTF-8', new Uint8Array([0x7b, 0xff, 0x7d]), /not valid UTF-8/],
      ['should reject a missing online flag', JSON.stringify({ ts: TS }), /^online: required/],
      ['should reject online as a string', state({ online: 'yes' }), /^online: must be true or false/],
      ['should reject a missing timestamp', state({ ts: undefined }), /^ts: required/],
      [
        'should reject a timestamp without a zone',
        state({ ts: '2026-12-05T17:00:03' }),
        /^ts: must be an ISO/,
      ],
      ['should reject an impossible date', state({ ts: '2026-02-30T10:00:00Z' }), /^ts: must be an ISO/],
      [
        'should reject an empty firmware version',
        state({ firmwareVersion: ' ' }),
        /^firmwareVersion: must not/,
      ],
      ['should reject a huge model string', state({ model: 'x'.repeat(300) }), /^model: must be at most 256/],
      [
        'should reject a numeric version',
        state({ firmwareVersion: 122 }),
        /^firmwareVersion: must be a string/,
      ],
      [
        'should reject autoUpdateSupported as text',
        state({ autoUpdateSupported: 'true' }),
        /^autoUpdateSupported: must be true or false/,
      ],
      ['should reject a payload over 64 KiB', state({ pad: 'x'.repeat(70_000) }), /^payload: larger than/],
    ];
    for (const [name, payload, reason] of bad) {
      it(name, () => {
        expect(errorOf(parseStateMessage(payload))).to.match(reason);
      });
    }
  });

  describe('parseCommand', () => {
    it('should accept an update command', () => {
      const result = parseCommand(command());
      expect(result.ok && result.value.artifact).to.deep.equal({
        url: 'https://firmware.example.com/mp56.rom',
        sha256: SHA,
        sizeBytes: 73400320,
      });
    });

    const bad: Array<[string, string, RegExp]> = [
      ['should reject another command type', command({ type: 'reboot' }), /^type: must be one of update/],
      ['should reject an unknown component', command({ component: 'Bios' }), /^component: must be one of/],
      ['should reject a missing artifact', command({ artifact: undefined }), /^artifact: required/],
      [
        'should reject an artifact that is a string',
        command({ artifact: 'x' }),
        /^artifact: must be an object/,
      ],
      ['should reject a short sha256', command({}, { sha256: 'abc' }), /^artifact.sha256: must be 64 hex/],
      [
        'should reject a sha256 with non-hex digits',
        command({}, { sha256: 'g'.repeat(64) }),
        /^artifact.sha256: must be 64 hex/,
      ],
      [
        'should reject a size of zero',
        command({}, { sizeBytes: 0 }),
        /^artifact.sizeBytes: must be between 1/,
      ],
      [
        'should reject a fractional size',
        command({}, { sizeBytes: 1.5 }),
        /^artifact.sizeBytes: must be an int/,
      ],
      [
        'should reject a URL that is not http',
        command({}, { url: 'ftp://x/y' }),
        /^artifact.url: must be an http/,
      ],
      [
        'should reject a command id with spaces',
        command({ commandId: 'a b' }),
        /^commandId: must be printable/,
      ],
      [
        'should reject a long command id',
        command({ commandId: 'c'.repeat(129) }),
        /^commandId: must be at most/,
      ],
      ['should reject a missing version', command({ version: undefined }), /^version: required/],
      ['should reject a bad issuedAt', command({ issuedAt: 'yesterday' }), /^issuedAt: must be an ISO/],
    ];
    for (const [name, payload, reason] of bad) {
      it(name, () => {
        expect(errorOf(parseCommand(payload))).to.match(reason);
      });
    }
  });

  describe('parseEvent', () => {
    it('should accept a progress event with an empty message', () => {
      expect(parseEvent(event())).to.deep.equal({
        ok: true,
        value: { commandId: 'c-1', state: 'downloading', progress: 40, message: '', ts: TS },
      });
    });

    it('should accept a final event without progress', () => {
      const result = parseEvent(event({ state: 'rejected', progress: null, message: 'busy' }));
      expect(result.ok && result.value).to.deep.equal({
        commandId: 'c-1',
        state: 'rejected',
        message: 'busy',
        ts: TS,
      });
    });

    const bad: Array<[string, string, RegExp]> = [
      [
        'should reject an unknown state',
        event({ state: 'done' }),
        /^state: must be one of accepted, downloading/,
      ],
      ['should reject progress over 100', event({ progress: 101 }), /^progress: must be between 0 and 100/],
      ['should reject negative progress', event({ progress: -1 }), /^progress: must be between 0 and 100/],
      ['should reject progress as text', event({ progress: '40' }), /^progress: must be an integer/],
      ['should reject a message that is not text', event({ message: 42 }), /^message: must be a string/],
      [
        'should reject a very long message',
        event({ message: 'm'.repeat(1025) }),
        /^message: must be at most/,
      ],
      ['should reject a missing command id', event({ commandId: undefined }), /^commandId: required/],
    ];
    for (const [name, payload, reason] of bad) {
      it(name, () => {
        expect(errorOf(parseEvent(payload))).to.match(reason);
      });
    }
  });

  describe('isIsoInstant', () => {
    const cases: Array<[string, boolean]> = [
      ['2026-12-05T17:00:03Z', true],
      ['2026-12-05T17:00:03.123Z', true],
      ['2026-12-05T18:00:03+01:00', true],
      ['2028-02-29T00:00:00Z', true],
      ['2026-02-29T00:00:00Z', false],
      ['2026-12-05 17:00:03Z', false],
      ['2026-12-05T24:00:00Z', false],
      ['2026-13-01T00:00:00Z', false],
      ['1764954003', false],
    ];
    for (const [text, valid] of cases) {
      it(`should ${valid ? 'accept' : 'reject'} ${text}`, () => {
        expect(isIsoInstant(text)).to.equal(valid);
      });
    }
  });
});
