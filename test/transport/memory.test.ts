import { expect } from 'chai';
import pino from 'pino';
import { commandId } from '../../src/core/device/command-id.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { MalformedCommandError, MemoryTransport } from '../../src/transport/memory.js';
import type { CommandEvent, DeviceStateMessage, UpdateCommand } from '../../src/transport/protocol.js';
import { BEHAVIOUR, MP56, START, step, updateCommand, WHOLE_UPDATE } from './support.js';

const PHONE = 'rm-berlin-101-phone';
const DISPLAY = 'rm-berlin-101-display';

/** A firmware update of `deviceId` with the command id the operator would give it. */
function firmwareUpdate(deviceId: string, version = '122.15.0.40', attempt = 1): UpdateCommand {
  return updateCommand({
    commandId: commandId(deviceId, 'Firmware', version, attempt),
    version,
    artifact: { url: `https://firmware.example.com/${version}.rom`, sha256: 'c'.repeat(64), sizeBytes: 1000 },
  });
}

interface Heard {
  states: Array<[string, DeviceStateMessage]>;
  events: Array<[string, CommandEvent]>;
}

async function fleet(options: { start?: boolean } = {}) {
  const clock = new FakeClock(START);
  const warnings: unknown[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line)) });
  const transport = new MemoryTransport({ clock, logger });
  transport.upsertDevice(PHONE, MP56, BEHAVIOUR);
  transport.upsertDevice(DISPLAY, { ...MP56, model: 'MeetingBoard', online: false }, BEHAVIOUR);
  const heard: Heard = { states: [], events: [] };
  transport.onState((id, s) => heard.states.push([id, s]));
  transport.onEvent((id, e) => heard.events.push([id, e]));
  if (options.start !== false) await transport.start();
  await clock.advance(0);
  return { clock, transport, heard, warnings };
}

const walk = (heard: Heard, deviceId = PHONE) =>
  heard.events.filter(([id]) => id === deviceId).map(([, e]) => step(e));

describe('MemoryTransport', () => {
  it('should carry a full update from send to succeeded, and report the new version in the state', async () => {
    const { clock, transport, heard } = await fleet();
    heard.states.length = 0;
    await transport.send(PHONE, firmwareUpdate(PHONE));
    await clock.advance(180_000);
    expect(walk(heard)).to.deep.equal(WHOLE_UPDATE);
    expect(heard.states).to.have.length(1);
    expect(heard.states[0]?.[1]).to.include({ online: true, firmwareVersion: '122.15.0.40' });
    expect(transport.device(PHONE)).to.include({ firmwareVersion: '122.15.0.40', update: null });
    expect(transport.stats).to.deep.equal({ malformed: 0, sent: 1, received: 2 + 8 + 1 });
  });

  it('should never deliver inside send: the device hears the command after the caller moves on', async () => {
    const { clock, transport, heard } = await fleet();
    const sent = transport.send(PHONE, firmwareUpdate(PHONE));
    expect(heard.events).to.deep.equal([]);
    expect(transport.device(PHONE)?.update).to.equal(null);
    await sent;
    await clock.advance(0);
    expect(walk(heard)).to.deep.equal(['accepted', 'downloading 0']);
  });

  it('should fail every update of a device whose failurePercent is 100', async () => {
    const { clock, transport, heard } = await fleet();
    transport.upsertDevice(PHONE, MP56, { ...BEHAVIOUR, failurePercent: 100 });
    await transport.send(PHONE, firmwareUpdate(PHONE));
    await clock.advance(180_000);
    expect(heard.events.at(-1)?.[1]).to.include({ state: 'failed' });
    expect(transport.device(PHONE)?.firmwareVersion).to.equal('122.15.0.36');
  });

  it('should fail an update whose artifact checksum does not match', async () => {
    const { clock, transport, heard } = await fleet();
    const command = firmwareUpdate(PHONE);
    command.artifact.sha256 = '0'.repeat(64);
    await transport.send(PHONE, command);
    await clock.advance(180_000);
    expect(heard.events.at(-1)?.[1]).to.include({ state: 'failed', message: 'sha256 mismatch' });
  });

  it('should reject a downgrade and a command sent while another update runs', async () => {
    const { clock, transport, heard } = await fleet();
    await transport.send(PHONE, firmwareUpdate(PHONE, '122.15.0.20'));
    await transport.send(PHONE, firmwareUpdate(PHONE, '122.15.0.40'));
    await transport.send(PHONE, firmwareUpdate(PHONE, '122.15.0.50'));
    await clock.advance(180_000);
    const finals = heard.events.filter(([, e]) => ['rejected', 'succeeded', 'failed'].includes(e.state));
    expect(finals.map(([, e]) => [e.commandId, e.state])).to.deep.equal([
      [commandId(PHONE, 'Firmware', '122.15.0.20', 1), 'rejected'],
      [commandId(PHONE, 'Firmware', '122.15.0.50', 1), 'rejected'],
      [commandId(PHONE, 'Firmware', '122.15.0.40', 1), 'succeeded'],
    ]);
  });

  it('should not install a finished command again when the operator resends it after a restart', async () => {
    const { clock, transport, heard } = await fleet();
    const command = firmwareUpdate(PHONE);
    await transport.send(PHONE, command);
    await clock.advance(180_000);
    heard.events.length = 0;
    heard.states.length = 0;
    await transport.send(PHONE, command);
    await clock.advance(180_000);
    expect(walk(heard)).to.deep.equal(['succeeded 100']);
    expect(heard.states).to.deep.equal([]);
  });

  it('should replay the current state of every device to a handler registered late, as a retained topic does', async () => {
    const { clock, transport } = await fleet();
    await transport.send(PHONE, firmwareUpdate(PHONE));
    await clock.advance(180_000);
    const late: Array<[string, DeviceStateMessage]> = [];
    transport.onState((id, s) => late.push([id, s]));
    expect(late).to.deep.equal([]);
    await clock.advance(0);
    expect(new Map(late.map(([id, s]) => [id, [s.online, s.firmwareVersion]]))).to.deep.equal(
      new Map([
        [PHONE, [true, '122.15.0.40']],
        [DISPLAY, [false, '122.15.0.36']],
      ]),
    );
  });

  it('should deliver the retained states to the handlers registered before start, once started', async () => {
    const { clock, transport, heard } = await fleet({ start: false });
    expect(heard.states).to.deep.equal([]);
    await transport.start();
    await clock.advance(0);
    expect(heard.states.map(([id]) => id).sort()).to.deep.equal([DISPLAY, PHONE]);
  });

  it('should say online:false for a device that is offline, and online:true when it comes back', async () => {
    const { clock, transport, heard } = await fleet();
    expect(heard.states.find(([id]) => id === DISPLAY)?.[1]).to.include({ online: false });
    heard.states.length = 0;
    transport.setOnline(PHONE, false);
    await clock.advance(0);
    expect(heard.states).to.have.length(1);
    expect(heard.states[0]?.[1]).to.include({ online: false });
    transport.setOnline(PHONE, true);
    await clock.advance(0);
    expect(heard.states.at(-1)?.[1]).to.include({ online: true });
  });

  it('should reject a command to an offline device', async () => {
    const { clock, transport, heard } = await fleet();
    await transport.send(DISPLAY, firmwareUpdate(DISPLAY));
    await clock.advance(0);
    expect(heard.events.at(-1)?.[0]).to.equal(DISPLAY);
    expect(heard.events.at(-1)?.[1]).to.include({ state: 'rejected', message: 'device is offline' });
  });

  describe('malformed messages', () => {
    const cases: Array<[string, string, string, RegExp]> = [
      ['an event that is not JSON', `tdo/v1/devices/${PHONE}/events`, '{"state":', /payload: not JSON/],
      [
        'an event with progress over 100',
        `tdo/v1/devices/${PHONE}/events`,
        JSON.stringify({ commandId: 'c', state: 'downloading', progress: 250, ts: START }),
        /progress: must be between 0 and 100/,
      ],
      [
        'a state without online',
        `tdo/v1/devices/${PHONE}/state`,
        JSON.stringify({ firmwareVersion: '1', ts: START }),
        /online: required/,
      ],
      [
        'a command with a bad checksum',
        `tdo/v1/devices/${PHONE}/commands`,
        JSON.stringify({
          ...firmwareUpdate(PHONE),
          artifact: { url: 'https://x/y', sha256: 'z', sizeBytes: 1 },
        }),
        /artifact.sha256: must be 64 hex digits/,
      ],
      ['a message on a foreign topic', 'tdo/v1/devices/a/b/state', '{}', /topic: not tdo\/v1/],
    ];
    for (const [what, topic, payload, reason] of cases) {
      it(`should drop, count and log ${what}`, async () => {
        const { clock, transport, heard, warnings } = await fleet();
        const before = { ...transport.stats };
        heard.states.length = 0;
        transport.publishRaw(topic, payload);
        await clock.advance(0);
        expect(heard.states).to.deep.equal([]);
        expect(heard.events).to.deep.equal([]);
        expect(transport.stats).to.deep.equal({ ...before, malformed: before.malformed + 1 });
        expect(warnings).to.have.length(1);
        expect(warnings[0]).to.include({ msg: 'malformed message dropped' });
        expect((warnings[0] as { error: string }).error).to.match(reason);
      });
    }

    it('should deliver a well-formed raw event to the handlers', async () => {
      const { clock, transport, heard } = await fleet();
      transport.publishRaw(
        `tdo/v1/devices/${PHONE}/events`,
        Buffer.from(JSON.stringify({ commandId: 'c', state: 'installing', progress: 10, ts: START })),
      );
      await clock.advance(0);
      expect(heard.events).to.deep.equal([
        [PHONE, { commandId: 'c', state: 'installing', progress: 10, ts: START }],
      ]);
    });

    it('should refuse to send a command the protocol does not allow, and count it', async () => {
      const { transport } = await fleet();
      const command = { ...firmwareUpdate(PHONE), version: '' };
      let error: unknown;
      await transport.send(PHONE, command).catch((err: unknown) => {
        error = err;
      });
      expect(error).to.be.instanceOf(MalformedCommandError);
      expect((error as Error).message).to.match(/version: /);
      expect(transport.stats).to.include({ malformed: 1, sent: 0 });
    });

    it('should keep a malformed retained state out of late handlers, and clear it with an empty payload', async () => {
      const { clock, transport } = await fleet();
      transport.publishRaw(`tdo/v1/devices/ghost/state`, '{"online": "maybe"}');
      const late: string[] = [];
      transport.onState((id) => late.push(id));
      await clock.advance(0);
      expect(late.sort()).to.deep.equal([DISPLAY, PHONE]);
      const malformed = transport.stats.malformed;
      transport.publishRaw(`tdo/v1/devices/ghost/state`, '');
      transport.onState(() => {});
      await clock.advance(0);
      expect(transport.stats.malformed).to.equal(malformed);
    });
  });

  it('should keep delivering to other handlers when one throws', async () => {
    const { clock, transport, heard } = await fleet();
    transport.onEvent(() => {
      throw new Error('boom');
    });
    const later: CommandEvent[] = [];
    transport.onEvent((_, e) => later.push(e));
    await transport.send(PHONE, firmwareUpdate(PHONE));
    await clock.advance(0);
    expect(later.map((e) => e.state)).to.deep.equal(['accepted', 'downloading']);
    expect(walk(heard)).to.have.length(2);
  });

  it('should refuse to send before start', async () => {
    const { transport } = await fleet({ start: false });
    let error: unknown;
    await transport.send(PHONE, firmwareUpdate(PHONE)).catch((err: unknown) => {
      error = err;
    });
    expect((error as Error)?.message).to.match(/before start/);
  });

  it('should lose the events of a stopped transport, and run a resent command again after start', async () => {
    const { clock, transport, heard } = await fleet();
    const command = firmwareUpdate(PHONE);
    await transport.send(PHONE, command);
    await clock.advance(30_000);
    await transport.stop();
    heard.events.length = 0;
    await clock.advance(180_000);
    expect(heard.events).to.deep.equal([]);
    expect(clock.pendingTimers()).to.equal(0);
    await transport.start();
    await transport.send(PHONE, command);
    await clock.advance(180_000);
    expect(walk(heard)[0]).to.equal('accepted');
    expect(walk(heard).at(-1)).to.equal('succeeded 100');
  });

  it('should keep the versions of a device upserted again, changing only its behaviour', async () => {
    const { clock, transport } = await fleet();
    await transport.send(PHONE, firmwareUpdate(PHONE));
    await clock.advance(180_000);
    transport.upsertDevice(PHONE, MP56, { ...BEHAVIOUR, downloadSeconds: 5 });
    expect(transport.device(PHONE)).to.deep.include({ firmwareVersion: '122.15.0.40' });
    expect(transport.device(PHONE)?.behaviour).to.include({ downloadSeconds: 5 });
  });

  it('should tell the handlers a removed device is offline and forget its retained state', async () => {
    const { clock, transport, heard } = await fleet();
    heard.states.length = 0;
    expect(transport.removeDevice(PHONE)).to.equal(true);
    await clock.advance(0);
    expect(heard.states).to.have.length(1);
    expect(heard.states[0]?.[1]).to.include({ online: false });
    const late: string[] = [];
    transport.onState((id) => late.push(id));
    await clock.advance(0);
    expect(late).to.deep.equal([DISPLAY]);
    expect(transport.device(PHONE)).to.equal(undefined);
    expect(transport.removeDevice(PHONE)).to.equal(false);
  });

  it('should refuse a device id that is not one topic level', () => {
    const transport = new MemoryTransport({ clock: new FakeClock(START) });
    expect(() => transport.upsertDevice('site/phone', MP56, BEHAVIOUR)).to.throw(/one MQTT topic level/);
  });
});
