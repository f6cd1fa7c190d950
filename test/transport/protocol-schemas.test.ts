// The payload schemas: the shipped JSON Schema files are what the TypeBox source generates, every way a
// payload can be wrong has its reason (the malformed metric's label) and names its field, and a malformed
// message never reaches a handler.
import { readdirSync, readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { expect } from 'chai';
import pino from 'pino';
import { Registry } from 'prom-client';
import { FakeClock } from '../../src/runtime/clock.js';
import { MemoryTransport } from '../../src/transport/memory.js';
import { registerTransportMetrics } from '../../src/transport/metrics.js';
import { renderPayloadSchemas } from '../../src/transport/protocol/json-schemas.js';
import {
  type MalformedReason,
  type ParseResult,
  parseCommand,
  parseEvent,
  parseStateMessage,
} from '../../src/transport/protocol.js';
import { BEHAVIOUR, MP56, START, updateCommand } from './support.js';

const SCHEMA_DIR = 'src/transport/schemas';
const TS = '2026-12-05T17:00:03Z';
const PHONE = 'rm-berlin-101-phone';
const state = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({ online: true, ...MP56, ts: TS, ...overrides });
const event = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({ commandId: 'c-1', state: 'installing', progress: 10, ts: TS, ...overrides });

function failure(result: ParseResult<unknown>): { reason: MalformedReason; error: string } {
  expect(result.ok, 'expected the payload to be rejected').to.equal(false);
  return result.ok ? { reason: 'schema', error: '' } : { reason: result.reason, error: result.error };
}

describe('device protocol schemas', () => {
  it('should ship exactly what the TypeBox schemas generate (run `npm run gen:schemas` after a change)', () => {
    const generated = renderPayloadSchemas();
    expect(
      readdirSync(SCHEMA_DIR)
        .filter((f) => f.endsWith('.schema.json'))
        .sort(),
    ).to.deep.equal(generated.map((g) => g.file).sort());
    // Compared as JSON: the layout of the files is Biome's (gen:schemas formats them).
    for (const { file, text } of generated) {
      expect(JSON.parse(readFileSync(`${SCHEMA_DIR}/${file}`, 'utf8')), file).to.deep.equal(JSON.parse(text));
    }
  });

  it('should let a device vendor validate with the shipped files alone, with stock formats', () => {
    const ajv = new Ajv2020({ strict: true });
    (addFormatsModule as unknown as (a: Ajv2020) => void)(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(`${SCHEMA_DIR}/device-state.schema.json`, 'utf8')));
    expect(validate(JSON.parse(state())), JSON.stringify(validate.errors)).to.equal(true);
    expect(validate(JSON.parse(state({ firmwareVersion: 122 })))).to.equal(false);
    expect(validate(JSON.parse(state({ ts: '2026-12-05 17:00:03Z' })))).to.equal(false);
  });

  describe('reasons', () => {
    const cases: Array<[string, () => ParseResult<unknown>, MalformedReason, RegExp]> = [
      ['bad JSON', () => parseStateMessage('{"online": tru'), 'not_json', /^payload: not JSON/],
      ['an empty payload', () => parseEvent(''), 'not_json', /^payload: empty/],
      [
        'bytes that are no UTF-8',
        () => parseEvent(new Uint8Array([0xff])),
        'not_json',
        /^payload: not valid UTF-8/,
      ],
      [
        'a JSON number',
        () => parseStateMessage('42'),
        'schema',
        /^payload: must be a JSON object, got number/,
      ],
      [
        'online as a number',
        () => parseStateMessage(state({ online: 1 })),
        'schema',
        /^online: must be true or false/,
      ],
      [
        'a version as an array',
        () => parseStateMessage(state({ model: ['x'] })),
        'schema',
        /^model: must be a string, got array/,
      ],
      [
        'progress as a float',
        () => parseEvent(event({ progress: 1.5 })),
        'schema',
        /^progress: must be an integer, got 1.5/,
      ],
      [
        'a state as an object',
        () => parseEvent(event({ state: {} })),
        'schema',
        /^state: must be one of accepted/,
      ],
      [
        'a component as a number',
        () => parseCommand(JSON.stringify({ ...updateCommand(), component: 7 })),
        'schema',
        /^component: must be one of Firmware, TeamsApp, got 7/,
      ],
      [
        'a nested missing field',
        () =>
          parseCommand(
            JSON.stringify({ ...updateCommand(), artifact: { url: 'https://x/y', sizeBytes: 1 } }),
          ),
        'schema',
        /^artifact\.sha256: required/,
      ],
      [
        'a huge version string',
        () => parseStateMessage(state({ firmwareVersion: 'v'.repeat(10_000) })),
        'schema',
        /^firmwareVersion: must be at most 256 characters/,
      ],
      [
        'a huge message',
        () => parseEvent(event({ message: 'm'.repeat(5_000) })),
        'schema',
        /^message: must be at most 1024 characters/,
      ],
      [
        'a huge timestamp',
        () => parseEvent(event({ ts: `${TS}${' '.repeat(100)}` })),
        'schema',
        /^ts: must be at most 64 characters/,
      ],
      [
        'a payload over 64 KiB in bytes',
        () => parseEvent(Buffer.from(event({ message: 'm'.repeat(70_000) }))),
        'too_large',
        /^payload: larger than 65536 bytes/,
      ],
      [
        'a device id that is no topic level',
        () => parseStateMessage(state({ deviceId: 'a/b' })),
        'schema',
        /^deviceId: must be one MQTT topic level/,
      ],
      [
        'another device id than the topic',
        () => parseStateMessage(state({ deviceId: 'rm-paris-1' }), PHONE),
        'device_mismatch',
        /^deviceId: "rm-paris-1" is not the device of the topic \(rm-berlin-101-phone\)/,
      ],
      [
        'another device id in an event',
        () => parseEvent(event({ deviceId: 'rm-paris-1' }), PHONE),
        'device_mismatch',
        /^deviceId: /,
      ],
      [
        'another device id in a command',
        () => parseCommand(JSON.stringify({ ...updateCommand(), deviceId: 'x' }), PHONE),
        'device_mismatch',
        /^deviceId: /,
      ],
    ];
    for (const [what, parse, reason, error] of cases) {
      it(`should refuse ${what} as ${reason}, naming the field`, () => {
        const result = failure(parse());
        expect(result.reason).to.equal(reason);
        expect(result.error).to.match(error);
      });
    }

    it('should accept a payload that names its own device, and one that names none', () => {
      expect(parseStateMessage(state({ deviceId: PHONE }), PHONE).ok).to.equal(true);
      expect(parseStateMessage(state(), PHONE).ok).to.equal(true);
    });

    it('should drop extra fields, nested ones too, and keep the known ones', () => {
      const result = parseCommand(
        JSON.stringify({
          ...updateCommand(),
          priority: 9,
          artifact: { ...updateCommand().artifact, mirror: 'x' },
        }),
      );
      expect(result).to.deep.equal({ ok: true, value: updateCommand() });
    });
  });

  describe('in the memory transport', () => {
    async function fleet() {
      const clock = new FakeClock(START);
      const transport = new MemoryTransport({ clock, logger: pino({ level: 'silent' }) });
      transport.upsertDevice(PHONE, MP56, BEHAVIOUR);
      await transport.start();
      await clock.advance(0);
      const heard: unknown[] = [];
      transport.onState((id, s) => heard.push([id, s]));
      transport.onEvent((id, e) => heard.push([id, e]));
      await clock.advance(0);
      heard.length = 0;
      return { clock, transport, heard };
    }

    it('should count each malformed message by reason on /metrics, and deliver none of them', async () => {
      const { clock, transport, heard } = await fleet();
      const registry = new Registry();
      registerTransportMetrics(registry, transport);
      const raw: Array<[string, string]> = [
        [`tdo/v1/devices/${PHONE}/state`, '{"online": tru'],
        [`tdo/v1/devices/${PHONE}/events`, 'not json'],
        [`tdo/v1/devices/${PHONE}/state`, state({ online: 'yes' })],
        [`tdo/v1/devices/${PHONE}/state`, state({ model: 'x'.repeat(70_000) })],
        [`tdo/v1/devices/${PHONE}/state`, state({ deviceId: 'rm-paris-1', firmwareVersion: '0.0.1' })],
        [`tdo/v1/devices/${PHONE}/events`, event({ deviceId: 'rm-paris-1' })],
        ['tdo/v1/devices/a/b/state', state()],
      ];
      for (const [topic, payload] of raw) transport.publishRaw(topic, payload);
      await clock.advance(0);
      expect(heard).to.deep.equal([]);
      expect(transport.device(PHONE)).to.include({ firmwareVersion: MP56.firmwareVersion });
      expect(transport.stats.malformed).to.equal(raw.length);
      const text = await registry.metrics();
      const series = (reason: string) => `tdo_transport_messages_malformed_total{reason="${reason}"}`;
      expect(text).to.contain(`${series('not_json')} 2`);
      expect(text).to.contain(`${series('schema')} 1`);
      expect(text).to.contain(`${series('too_large')} 1`);
      expect(text).to.contain(`${series('device_mismatch')} 2`);
      expect(text).to.contain(`${series('topic')} 1`);
      const total = transport.malformedByReason.entries().reduce((sum, [, count]) => sum + count, 0);
      expect(total).to.equal(raw.length);
    });
  });
});
